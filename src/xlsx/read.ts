/**
 * Reading an .xlsx file into a {@link WorkbookSnapshot} with ExcelJS.
 *
 * Browser-safe (no Node APIs): takes bytes, not a path, so the task pane can lazy-load it
 * (`const { readWorkbook } = await import("../src/xlsx/read")`). The bytes are checked with
 * {@link probeWorkbook} first, so an unsuitable file (old .xls, password, CSV, a sheet reaching
 * row 1 048 576, ...) is rejected with a one-line Swedish reason before anything big is loaded.
 */
import ExcelJS from "exceljs";
import type { SheetSnapshot, SnapshotValue, WorkbookSnapshot } from "../domain/snapshot";
import { TEMPLATES } from "../domain/template/registry";
import { DEFAULT_LIMITS, probeWorkbook, UnreadableWorkbookError, type ReadLimits } from "./probe";

export { UnreadableWorkbookError, type UnreadableCode, type ReadLimits, DEFAULT_LIMITS } from "./probe";

/** Options for {@link readWorkbook}. */
export interface ReadWorkbookOptions {
  limits?: Partial<ReadLimits>;
  /**
   * The sheets held to the row and column limits (default: every template version's sheets and
   * its meta sheet). Other sheets are the provider's own: not reviewed, so only their size in
   * bytes counts, and a long list of their own does not make the submission unreadable.
   */
  reviewedSheets?: readonly string[];
}

/** Every sheet name any known template version reviews (and its meta and instructions sheets). */
export const TEMPLATE_SHEET_NAMES: readonly string[] = [
  ...new Set(
    TEMPLATES.flatMap((t) => [
      ...t.sheets.map((s) => s.name),
      t.stamp.metaSheet,
      ...(t.auxiliarySheets ?? []),
    ]),
  ),
];

/** Bytes as a Uint8Array view (no copy). */
export function toBytes(data: ArrayBuffer | Uint8Array): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** A JS Date as ExcelJS gives it -> Excel serial (1900 date system). */
export function dateToSerial(d: Date): number {
  const serial = (d.getTime() - EXCEL_EPOCH_MS) / 86_400_000;
  return Math.round(serial * 86_400_000) / 86_400_000;
}

function richText(v: unknown): string | undefined {
  if (typeof v === "object" && v !== null && Array.isArray((v as { richText?: unknown }).richText)) {
    return ((v as { richText: { text?: string }[] }).richText ?? []).map((r) => r.text ?? "").join("");
  }
  return undefined;
}

/** One ExcelJS cell value -> snapshot value (formulas give their cached result; none -> null). */
export function toSnapshotValue(v: ExcelJS.CellValue | undefined): SnapshotValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : { kind: "error", code: "#NUM!" };
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : dateToSerial(v);
  const o = v as unknown as Record<string, unknown>;
  if (typeof o.error === "string") return { kind: "error", code: o.error };
  const rt = richText(v);
  if (rt !== undefined) return rt;
  if ("formula" in o || "sharedFormula" in o) {
    return toSnapshotValue(o.result as ExcelJS.CellValue | undefined);
  }
  if ("hyperlink" in o || "text" in o) {
    const t = o.text;
    if (typeof t === "string") return t;
    return richText(t) ?? null;
  }
  return null;
}

function worksheetToSnapshot(ws: ExcelJS.Worksheet, limits: ReadLimits): SheetSnapshot {
  const rows: SnapshotValue[][] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber > limits.maxRows) return;
    const out: SnapshotValue[] = [];
    row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
      if (colNumber > limits.maxColumns) return;
      // A cell covered by a merge (not its top-left cell) is empty, as Excel shows it.
      // Formula results are read through `cell.result`: ExcelJS's `cell.value` drops 0 and FALSE.
      const value =
        cell.type === ExcelJS.ValueType.Merge
          ? null
          : cell.type === ExcelJS.ValueType.Formula
            ? toSnapshotValue(cell.result as ExcelJS.CellValue)
            : toSnapshotValue(cell.value);
      if (value === null) return;
      while (out.length < colNumber - 1) out.push(null);
      out[colNumber - 1] = value;
    });
    if (out.length > 0) rows[rowNumber - 1] = out;
  });
  for (let i = 0; i < rows.length; i++) if (!rows[i]) rows[i] = [];
  const merges =
    (ws as unknown as { _merges?: Record<string, { range?: string; shortRange?: string }> })._merges ?? {};
  const merged = Object.values(merges)
    .map((m) => m.shortRange ?? m.range ?? "")
    .filter((r) => r !== "");
  const sheet: SheetSnapshot = { name: ws.name, visibility: ws.state ?? "visible", rows };
  if (merged.length > 0) sheet.merged = merged;
  return sheet;
}

/** An ExcelJS workbook (already loaded) -> snapshot. */
export function workbookToSnapshot(
  wb: ExcelJS.Workbook,
  limits: ReadLimits = DEFAULT_LIMITS,
): WorkbookSnapshot {
  const sheets = wb.worksheets.map((ws) => worksheetToSnapshot(ws, limits));
  const definedNames: Record<string, string> = {};
  const model = (wb.definedNames as unknown as { model?: { name: string; ranges: string[] }[] }).model ?? [];
  for (const dn of model) {
    if (dn && typeof dn.name === "string" && Array.isArray(dn.ranges) && dn.ranges.length > 0) {
      definedNames[dn.name] = dn.ranges.join(",");
    }
  }
  return Object.keys(definedNames).length > 0 ? { sheets, definedNames } : { sheets };
}

/**
 * Load bytes into an ExcelJS workbook after the safety checks. Throws
 * {@link UnreadableWorkbookError} (with a Swedish one-line `message`) when the file cannot be read.
 */
export async function loadWorkbook(
  data: ArrayBuffer | Uint8Array,
  options: ReadWorkbookOptions = {},
): Promise<ExcelJS.Workbook> {
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const bytes = toBytes(data);
  await probeWorkbook(bytes, limits, { reviewedSheets: options.reviewedSheets ?? TEMPLATE_SHEET_NAMES });
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    const detail = e instanceof Error ? e.message.split("\n")[0].slice(0, 120) : "";
    throw new UnreadableWorkbookError(
      "READ_FAILED",
      `arbetsboken går inte att läsa (${detail || "okänt fel"}); öppna den i Excel, spara den igen och skicka den på nytt`,
    );
  }
  return wb;
}

/**
 * Read an .xlsx file's bytes into a WorkbookSnapshot: every sheet's values (formulas as their
 * cached results, dates as Excel serials, errors as error objects, merged-over cells empty),
 * sheet visibility, merged ranges and defined names. Throws {@link UnreadableWorkbookError}.
 */
export async function readWorkbook(
  data: ArrayBuffer | Uint8Array,
  options: ReadWorkbookOptions = {},
): Promise<WorkbookSnapshot> {
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const wb = await loadWorkbook(data, options);
  return workbookToSnapshot(wb, limits);
}
