/**
 * WorkbookSnapshot: a workbook read once (from Excel via the office adapter, or from an xlsx file
 * via ExcelJS) into plain data. Everything in the domain works on snapshots; nothing here does I/O.
 *
 * Dates are Excel serial numbers (as Office.js `Range.values` returns them).
 */

/** A cell value as Excel holds it (same shape as `CellValue` in src/sync/protocol.ts). */
export type CellValue = string | number | boolean | null;

/** A formula error in a cell, e.g. `{ kind: "error", code: "#REF!" }`. */
export interface CellErrorValue {
  kind: "error";
  /** "#REF!", "#DIV/0!", "#VALUE!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", ... */
  code: string;
}

/** What a snapshot cell can hold: a plain value or a formula error. */
export type SnapshotValue = CellValue | CellErrorValue;

/** One worksheet's used values. */
export interface SheetSnapshot {
  name: string;
  visibility?: "visible" | "hidden" | "veryHidden";
  /** Row-major; rows[0][0] is A1. Rows may be short or missing (ragged); missing cells are empty. */
  rows: SnapshotValue[][];
  /** Merged ranges, e.g. "B3:D3". */
  merged?: string[];
}

/** A whole workbook. */
export interface WorkbookSnapshot {
  sheets: SheetSnapshot[];
  /** Defined name -> value or reference text, e.g. { UPPF_MALL: "uppf-mall@1.0.0" }. */
  definedNames?: Record<string, string>;
}

/** Zero-based row/column position. */
export interface CellPosition {
  row: number;
  col: number;
}

/** Excel's limits. */
export const MAX_ROWS = 1_048_576;
export const MAX_COLS = 16_384;

/** The error codes Excel can show in a cell. */
export const EXCEL_ERROR_CODES = [
  "#NULL!",
  "#DIV/0!",
  "#VALUE!",
  "#REF!",
  "#NAME?",
  "#NUM!",
  "#N/A",
  "#GETTING_DATA",
  "#SPILL!",
  "#CALC!",
  "#FIELD!",
  "#BLOCKED!",
  "#CONNECT!",
  "#BUSY!",
  "#UNKNOWN!",
] as const;

const ERROR_SET: ReadonlySet<string> = new Set(EXCEL_ERROR_CODES);

/** True when the value is a formula error object. */
export function isCellError(v: unknown): v is CellErrorValue {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as { kind?: unknown }).kind === "error" &&
    typeof (v as { code?: unknown }).code === "string"
  );
}

/**
 * True when a plain string is exactly an Excel error code ("#REF!" etc.). Office.js and the sync
 * protocol transport errors as text; use {@link normaliseCellValue} to turn them into error objects.
 */
export function isErrorText(v: unknown): v is string {
  return typeof v === "string" && ERROR_SET.has(v);
}

/** Turn error text ("#DIV/0!") into an error object; everything else is returned unchanged. */
export function normaliseCellValue(v: SnapshotValue | undefined): SnapshotValue {
  if (v === undefined) return null;
  if (isErrorText(v)) return { kind: "error", code: v };
  return v;
}

/** True when a cell is empty: null, undefined or a string of only whitespace. */
export function isEmptyValue(v: SnapshotValue | undefined): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v !== "string") return false;
  // Most text starts with a visible ASCII character: not empty, without trimming a copy.
  const c = v.length > 0 ? v.charCodeAt(0) : 32;
  if (c > 32 && c < 127) return false;
  return v.trim() === "";
}

/** Column letters -> zero-based index ("A" -> 0, "AA" -> 26). Throws on bad input. */
export function colToIndex(letters: string): number {
  if (!/^[A-Za-z]{1,3}$/.test(letters)) throw new RangeError(`Ogiltig kolumn: "${letters}"`);
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  if (n > MAX_COLS) throw new RangeError(`Kolumnen ${letters} ligger utanför Excels gräns (XFD)`);
  return n - 1;
}

/** Zero-based column index -> letters (0 -> "A"). */
export function indexToCol(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_COLS) {
    throw new RangeError(`Ogiltigt kolumnindex: ${index}`);
  }
  let n = index + 1;
  let s = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

const A1_RE = /^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$/;

/** True when the text is a single-cell A1 address (optionally with $), within Excel's limits. */
export function isA1(text: string): boolean {
  const m = A1_RE.exec(text);
  if (!m) return false;
  try {
    colToIndex(m[1]);
  } catch {
    return false;
  }
  return Number(m[2]) <= MAX_ROWS;
}

/** "C12" -> { row: 11, col: 2 }. Accepts "$C$12". Throws RangeError on bad input. */
export function a1ToPosition(a1: string): CellPosition {
  const hit = A1_CACHE.get(a1);
  if (hit) return { row: hit.row, col: hit.col };
  const m = A1_RE.exec(a1.trim());
  if (!m) throw new RangeError(`Ogiltig celladress: "${a1}" (ska vara på formen A1)`);
  const row = Number(m[2]);
  if (row > MAX_ROWS) throw new RangeError(`Raden i ${a1} ligger utanför Excels gräns`);
  const pos = { row: row - 1, col: colToIndex(m[1]) };
  // Validation parses the same few hundred template addresses on every run: remember them
  // (bounded, so arbitrary input cannot grow it without limit).
  if (A1_CACHE.size < 10_000) A1_CACHE.set(a1, pos);
  return { row: pos.row, col: pos.col };
}

const A1_CACHE = new Map<string, CellPosition>();

/** { row: 11, col: 2 } -> "C12". */
export function positionToA1(pos: CellPosition): string {
  if (!Number.isInteger(pos.row) || pos.row < 0 || pos.row >= MAX_ROWS) {
    throw new RangeError(`Ogiltigt radindex: ${pos.row}`);
  }
  return `${indexToCol(pos.col)}${pos.row + 1}`;
}

/** Shorthand for {@link positionToA1} with zero-based row and column. */
export function toA1(row: number, col: number): string {
  return positionToA1({ row, col });
}

/** Offset an address: offsetA1("C5", 0, 2) = "E5". */
export function offsetA1(a1: string, rows: number, cols: number): string {
  const p = a1ToPosition(a1);
  return positionToA1({ row: p.row + rows, col: p.col + cols });
}

/** Compare two A1 addresses in reading order (row, then column). */
export function compareA1(a: string, b: string): number {
  const pa = a1ToPosition(a);
  const pb = a1ToPosition(b);
  return pa.row - pb.row || pa.col - pb.col;
}

/** Quote a sheet name for use in a formula: `Volymer` -> `Volymer`, `Synpunkter och avvikelser` -> `'Synpunkter och avvikelser'`. */
export function quoteSheetName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

/** Find a sheet by name; Excel sheet names are case-insensitive. */
export function findSheet(snapshot: WorkbookSnapshot, name: string): SheetSnapshot | undefined {
  // Plain loops: validation looks sheets up on every run, and this is its hot path.
  const sheets = snapshot.sheets;
  for (let i = 0; i < sheets.length; i++) if (sheets[i].name === name) return sheets[i];
  const lower = name.toLowerCase();
  for (let i = 0; i < sheets.length; i++) if (sheets[i].name.toLowerCase() === lower) return sheets[i];
  return undefined;
}

/** The value at a zero-based position of a sheet; empty cells are null, error text becomes an error object. */
export function getSheetCell(sheet: SheetSnapshot, pos: CellPosition): SnapshotValue {
  const row = Array.isArray(sheet.rows) ? sheet.rows[pos.row] : undefined;
  if (!Array.isArray(row)) return null;
  return normaliseCellValue(row[pos.col]);
}

/**
 * The value of `sheet!a1`, or `undefined` when the sheet does not exist. Empty cells are `null`;
 * error text ("#REF!") is returned as an error object.
 */
export function getCell(snapshot: WorkbookSnapshot, sheet: string, a1: string): SnapshotValue | undefined {
  const s = findSheet(snapshot, sheet);
  if (!s) return undefined;
  return getSheetCell(s, a1ToPosition(a1));
}

/** Write a value into a sheet's row grid, growing it as needed (mutates the sheet). */
export function setSheetCell(sheet: SheetSnapshot, a1: string, value: SnapshotValue): void {
  const { row, col } = a1ToPosition(a1);
  while (sheet.rows.length <= row) sheet.rows.push([]);
  const r = sheet.rows[row];
  while (r.length < col) r.push(null);
  r[col] = value;
}

/** Parse a defined name's text: `="uppf-mall@1.0.0"` or `"x"` -> `uppf-mall@1.0.0`; other text trimmed. */
export function definedNameText(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let t = raw.trim();
  if (t.startsWith("=")) t = t.slice(1).trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1).replace(/""/g, '"');
  return t;
}

/**
 * Resolve a defined name to its value: a constant (`="x"`) is returned as text; a single-cell
 * reference (`_uppf_meta!$B$1`) is looked up in the snapshot. Unknown names give undefined.
 */
export function resolveDefinedName(snapshot: WorkbookSnapshot, name: string): SnapshotValue | undefined {
  const names = snapshot.definedNames ?? {};
  const upper = name.toUpperCase();
  let key: string | undefined;
  for (const k in names) {
    if (Object.prototype.hasOwnProperty.call(names, k) && k.toUpperCase() === upper) {
      key = k;
      break;
    }
  }
  if (key === undefined) return undefined;
  const raw = names[key];
  let parsed = DEFINED_NAME_CACHE.get(raw);
  if (parsed === undefined) {
    const text = definedNameText(raw) ?? "";
    const ref = /^(?:'((?:[^']|'')+)'|([^!'"]+))!(\$?[A-Za-z]{1,3}\$?[0-9]+)$/.exec(text);
    parsed = ref
      ? { sheet: ref[1] !== undefined ? ref[1].replace(/''/g, "'") : ref[2], cell: ref[3].replace(/\$/g, "") }
      : { text };
    // Validation resolves the same stamp name on every run: remember how it parses (bounded).
    if (DEFINED_NAME_CACHE.size < 1_000) DEFINED_NAME_CACHE.set(raw, parsed);
  }
  if ("text" in parsed) return parsed.text;
  return getCell(snapshot, parsed.sheet, parsed.cell);
}

const DEFINED_NAME_CACHE = new Map<string, { sheet: string; cell: string } | { text: string }>();

/** Convert an Excel serial date (1900 system) to an ISO date "ÅÅÅÅ-MM-DD", or undefined if out of range. */
export function serialToIsoDate(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return undefined;
  const day = Math.floor(serial);
  const hit = ISO_DATE_CACHE.get(day);
  if (hit !== undefined) return hit;
  const iso = new Date(Date.UTC(1899, 11, 30) + day * 86_400_000).toISOString().slice(0, 10);
  // Validation converts the same few dates on every run: remember them (bounded).
  if (ISO_DATE_CACHE.size < 10_000) ISO_DATE_CACHE.set(day, iso);
  return iso;
}

const ISO_DATE_CACHE = new Map<number, string>();

/** Convert an ISO date "ÅÅÅÅ-MM-DD" to an Excel serial date, or undefined when the text is not a real date. */
export function isoDateToSerial(iso: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  const serial = Math.round((ms - Date.UTC(1899, 11, 30)) / 86_400_000);
  return serial >= 1 ? serial : undefined;
}
