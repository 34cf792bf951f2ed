/**
 * Excel formulas generated from an {@link Expr}, and the same computation in TypeScript, so a
 * generated workbook and a snapshot built without Excel agree on every computed cell.
 */
import { a1ToPosition, isCellError, quoteSheetName, type SnapshotValue } from "../snapshot";
import type { Expr } from "./types";

/** Where a key lives. */
export interface CellRef {
  sheet: string;
  cell: string;
}

/** Resolve keys to cells (throws for an unknown key: a definition bug). */
export type Locator = (key: string) => CellRef;

function refText(ref: CellRef, fromSheet: string): string {
  return ref.sheet === fromSheet ? ref.cell : `${quoteSheetName(ref.sheet)}!${ref.cell}`;
}

/** "C5:N5" when the refs form one contiguous row or column run on one sheet, else "C5,D7". */
export function rangeText(refs: CellRef[], fromSheet: string): string {
  if (refs.length > 1 && refs.every((r) => r.sheet === refs[0].sheet)) {
    const pos = refs.map((r) => a1ToPosition(r.cell));
    const sameRow = pos.every((p, i) => p.row === pos[0].row && p.col === pos[0].col + i);
    const sameCol = pos.every((p, i) => p.col === pos[0].col && p.row === pos[0].row + i);
    if (sameRow || sameCol) {
      const first = refText(refs[0], fromSheet);
      return `${first}:${refs[refs.length - 1].cell}`;
    }
  }
  return refs.map((r) => refText(r, fromSheet)).join(",");
}

function linearText(terms: { key: string; coef: number }[], locate: Locator, fromSheet: string): string {
  return terms
    .map((t, i) => {
      const ref = refText(locate(t.key), fromSheet);
      const mag = Math.abs(t.coef);
      const body = mag === 1 ? ref : `${mag}*${ref}`;
      if (i === 0) return t.coef < 0 ? `-${body}` : body;
      return t.coef < 0 ? `-${body}` : `+${body}`;
    })
    .join("");
}

/** The Excel formula for an expression placed on `fromSheet`. */
export function formulaFor(expr: Expr, locate: Locator, fromSheet: string): string {
  switch (expr.op) {
    case "sum": {
      const r = rangeText(expr.of.map(locate), fromSheet);
      return expr.blankIfEmpty ? `=IF(COUNT(${r})=0,"",SUM(${r}))` : `=SUM(${r})`;
    }
    case "average": {
      const r = rangeText(expr.of.map(locate), fromSheet);
      return `=IF(COUNT(${r})=0,"",AVERAGE(${r}))`;
    }
    case "linear":
      return `=${linearText(expr.terms, locate, fromSheet)}`;
    case "ratio": {
      const num = refText(locate(expr.num), fromSheet);
      const den = `SUM(${rangeText(expr.den.map(locate), fromSheet)})`;
      return `=IF(OR(COUNT(${num})=0,${den}=0),"",${num}/${den})`;
    }
  }
}

/** The value of a computed cell: a number, "" (Excel's empty-string result) or an error. */
export type EvalValue = number | "" | { kind: "error"; code: string };

/** Reads a key's current value (input or already computed). */
export type ValueReader = (key: string) => SnapshotValue | undefined;

function asNumberForArithmetic(v: SnapshotValue | undefined): number | { kind: "error"; code: string } {
  if (v === null || v === undefined || v === "") return 0;
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (isCellError(v)) return v;
  const n = Number(v);
  return Number.isFinite(n) && v.trim() !== "" ? n : { kind: "error", code: "#VALUE!" };
}

function firstError(values: (SnapshotValue | undefined)[]): { kind: "error"; code: string } | undefined {
  for (const v of values) if (isCellError(v)) return v;
  return undefined;
}

/**
 * Evaluate an expression like Excel would: SUM/AVERAGE ignore text and blanks, arithmetic treats
 * blanks as 0 and text as #VALUE!, errors propagate, ratios with no numerator or a zero
 * denominator give "".
 */
export function evaluateExpr(expr: Expr, read: ValueReader): EvalValue {
  switch (expr.op) {
    case "sum": {
      const vals = expr.of.map(read);
      // IF(COUNT(r)=0,"",SUM(r)): COUNT ignores errors, so no numbers gives "" even beside an error.
      if (expr.blankIfEmpty && !vals.some((v) => typeof v === "number")) return "";
      const err = firstError(vals);
      if (err) return err;
      return vals.reduce<number>((s, v) => s + (typeof v === "number" ? v : 0), 0);
    }
    case "average": {
      const vals = expr.of.map(read);
      const nums = vals.filter((v): v is number => typeof v === "number");
      if (nums.length === 0) return "";
      const err = firstError(vals);
      if (err) return err;
      return nums.reduce((s, v) => s + v, 0) / nums.length;
    }
    case "linear": {
      let total = 0;
      for (const t of expr.terms) {
        const n = asNumberForArithmetic(read(t.key));
        if (typeof n !== "number") return n;
        total += t.coef * n;
      }
      return total;
    }
    case "ratio": {
      // IF(OR(COUNT(num)=0,SUM(den)=0),"",num/SUM(den)): OR evaluates both, so a denominator
      // error wins; a numerator that is not a number (even an error) gives "".
      const denVals = expr.den.map(read);
      const err = firstError(denVals);
      if (err) return err;
      const num = read(expr.num);
      const den = denVals.reduce<number>((s, v) => s + (typeof v === "number" ? v : 0), 0);
      if (typeof num !== "number" || den === 0) return "";
      return num / den;
    }
  }
}

/** All keys an expression reads. */
export function exprInputs(expr: Expr): string[] {
  switch (expr.op) {
    case "sum":
    case "average":
      return expr.of;
    case "linear":
      return expr.terms.map((t) => t.key);
    case "ratio":
      return [expr.num, ...expr.den];
  }
}
