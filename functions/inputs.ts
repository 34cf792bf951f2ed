/**
 * Turning what Excel passes to a custom function into domain inputs. Parameters are declared
 * `any` in the metadata so that a wrong value reaches us and gets a Swedish message, instead of
 * Excel's bare #VALUE!. What arrives:
 * - numbers, text (a number typed as text, e.g. "1 234,5" or "2 %", is read the Swedish way),
 *   booleans, and for omitted optional parameters `null` (or `undefined`);
 * - an empty cell: `null` in Excel on the web, `0` in Excel for Windows/Mac, `""` via formulas;
 * - ranges as a 2D array (rows of cells), with empty cells as above.
 * Nothing here computes: values go on to src/domain.
 */
import { parseSwedishNumber } from "../src/domain/format";
import type { NumberInput } from "../src/domain/result";
import { fail } from "./errors";

/** True for what Excel passes for an empty cell or an omitted argument. */
export function isBlank(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

function describe(v: unknown): string {
  if (typeof v === "string") return `texten "${v.length > 30 ? `${v.slice(0, 30)}…` : v}"`;
  if (typeof v === "boolean") return v ? "SANT" : "FALSKT";
  if (typeof v === "number") return "ett ogiltigt tal";
  return "ett värde som inte är ett tal";
}

/**
 * A number argument: a number, or numeric text written the Swedish way. Blank gives `null`
 * (the domain then says what is missing). Anything else aborts with #VALUE! naming `label`.
 */
export function numberArg(v: unknown, label: string): NumberInput {
  if (isBlank(v)) return null;
  if (typeof v === "number") {
    if (Number.isFinite(v)) return v;
    return fail("#VALUE!", `${capitalise(label)} är inte ett giltigt tal.`);
  }
  if (typeof v === "string") {
    const n = parseSwedishNumber(v);
    if (n !== null) return n;
  }
  return fail("#VALUE!", `${capitalise(label)} ska vara ett tal, men är ${describe(v)}.`);
}

/** A required number argument: blank aborts with #N/A ("… saknas"), as the domain does for missing inputs. */
export function requiredNumberArg(v: unknown, label: string): number {
  const n = numberArg(v, label);
  if (n === null || n === undefined) return fail("#N/A", `${capitalise(label)} saknas.`);
  return n;
}

/** An optional number argument: blank gives `fallback`. */
export function optionalNumberArg(v: unknown, label: string, fallback: number): number {
  const n = numberArg(v, label);
  return n === null || n === undefined ? fallback : n;
}

/** A whole-number argument (e.g. a year). */
export function integerArg(v: unknown, label: string): number {
  const n = requiredNumberArg(v, label);
  if (!Number.isInteger(n)) return fail("#VALUE!", `${capitalise(label)} ska vara ett heltal, men är ${n}.`);
  return n;
}

/** An optional whole-number argument: blank gives `fallback`. */
export function optionalIntegerArg(v: unknown, label: string, fallback: number): number {
  return isBlank(v) ? fallback : integerArg(v, label);
}

/** A text argument (numbers are turned into text, e.g. a region code typed as a number). */
export function textArg(v: unknown, label: string): string {
  if (isBlank(v)) return fail("#N/A", `${capitalise(label)} saknas.`);
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return fail("#VALUE!", `${capitalise(label)} ska vara en text, men är ${describe(v)}.`);
}

/** An optional text argument: blank gives `null`. */
export function optionalTextArg(v: unknown, label: string): string | null {
  return isBlank(v) ? null : textArg(v, label);
}

/** A range of numbers as Excel passes it, with its shape kept. */
export interface NumberRange {
  rows: number;
  cols: number;
  /** Row by row, left to right. */
  values: number[];
}

/**
 * A range of numbers. Empty cells count as 0 (Excel for Windows passes 0 for them anyway, the
 * web passes null: treating both alike keeps the result the same on every platform). Text that
 * is not a number aborts with #VALUE! naming the cell's position in the range.
 */
export function numberRangeArg(v: unknown, label: string): NumberRange {
  const grid: unknown[][] = Array.isArray(v)
    ? v.length > 0 && Array.isArray(v[0])
      ? (v as unknown[][])
      : [v]
    : [[v]];
  const rows = grid.length;
  const cols = rows > 0 ? grid[0].length : 0;
  if (rows === 0 || cols === 0) return fail("#VALUE!", `${capitalise(label)} är tomt.`);
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = grid[r];
    if (!Array.isArray(row) || row.length !== cols) {
      return fail("#VALUE!", `${capitalise(label)} ska vara ett rektangulärt område.`);
    }
    for (let c = 0; c < cols; c++) {
      const cell = row[c];
      if (isBlank(cell)) {
        values.push(0);
        continue;
      }
      let n: number | null = null;
      if (typeof cell === "number" && Number.isFinite(cell)) n = cell;
      else if (typeof cell === "string") n = parseSwedishNumber(cell);
      if (n === null) {
        const where =
          rows === 1 || cols === 1 ? `värde ${r * cols + c + 1}` : `rad ${r + 1}, kolumn ${c + 1}`;
        return fail("#VALUE!", `${capitalise(label)}: ${where} ska vara ett tal, men är ${describe(cell)}.`);
      }
      values.push(n);
    }
  }
  return { rows, cols, values };
}

/**
 * A range that must be one row or one column (one value per party). Returns the values and a
 * function that puts per-party results back in the same shape for spilling.
 */
export function vectorArg(
  v: unknown,
  label: string,
): { values: number[]; reshape: (xs: number[]) => number[][] } {
  const range = numberRangeArg(v, label);
  if (range.rows > 1 && range.cols > 1) {
    return fail(
      "#VALUE!",
      `${capitalise(label)} ska ligga i en rad eller en kolumn (ett värde per part), men området har ${range.rows} rader och ${range.cols} kolumner.`,
    );
  }
  const asColumn = range.cols === 1 && range.rows > 1;
  return {
    values: range.values,
    reshape: (xs) => (asColumn ? xs.map((x) => [x]) : [xs]),
  };
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}
