/**
 * The validation plan: everything validation needs that depends only on the template, derived
 * once per definition object and cached. Cells are numbered "slots" (input fields first, then
 * computed cells) with zero-based positions instead of A1 text; labels are normalised; formula
 * dependencies, series months, cross checks and metrics refer to slots; formulas are compiled to
 * slot arrays; code lists and text patterns are ready to use. A validation then reads each cell
 * of a submission once and allocates mainly for the findings it reports.
 */
import { a1ToPosition, EXCEL_ERROR_CODES, type SheetSnapshot, type SnapshotValue } from "../snapshot";
import { exprInputs } from "../template/formula";
import type {
  ComputedCell,
  CrossCheck,
  InputField,
  MetricRule,
  Series,
  TemplateDefinition,
} from "../template/types";

/** Label text as compared when looking for moved rows and renamed sheets. */
export function normLabel(s: unknown): string {
  return typeof s === "string"
    ? s
        .toLowerCase()
        .replace(/\s+/g, " ")
        .replace(/[:*]+$/, "")
        .trim()
    : "";
}

/** Code-list text as compared when reading a code ("  primärvård " matches "Primärvård"). */
export function normCode(s: string): string {
  return s.toLowerCase().replace(/\s+/g, " ").trim();
}

/** Operation codes of a compiled formula. */
export const OP_SUM = 0;
export const OP_AVERAGE = 1;
export const OP_LINEAR = 2;
export const OP_RATIO = 3;

/**
 * A formula compiled to slots (-1: a key the template does not define, which reads as empty).
 * One object shape for every operation, so the evaluator's property loads stay monomorphic:
 * `of` holds SUM/AVERAGE's operands, LINEAR's terms (with `coef`) or RATIO's denominator.
 */
export interface CompiledExpr {
  op: number;
  of: Int32Array;
  coef: Float64Array;
  num: number;
  blankIfEmpty: boolean;
}

/** Field type codes (for the read fast path). */
export const T_NUMBER = 0;
export const T_INTEGER = 1;
export const T_PERCENT = 2;
export const T_TEXT = 3;
export const T_CODE = 4;
export const T_DATE = 5;
export const T_ORGNR = 6;

/** One label cell and the slots whose rows move with it. */
export interface LabelEntry {
  labelCell: string;
  row: number;
  col: number;
  label: string;
  norm: string;
  slots: number[];
}

/** Label cells of one template sheet, in template order. */
export interface LabelSheet {
  sheet: string;
  /** Index into template.sheets (-1 when the label's sheet is no template sheet). */
  sheetIndex: number;
  entries: LabelEntry[];
}

export interface PlannedSeries {
  series: Series;
  /** Index into template.sheets (-1 when the series names no template sheet). */
  sheet: number;
  /** Month slots (January first); input series only. */
  months: Int32Array;
}

export interface PlannedCheck {
  check: CrossCheck;
  target: number;
  terms: Int32Array;
  coef: Float64Array;
  /** Per term: a missing value makes the check not computable (required or unknown key). */
  termRequired: Uint8Array;
  /** Field slots and computed slots the check's keys depend on, the keys themselves included. */
  taintFields: Int32Array;
  taintComputed: Int32Array;
}

export interface PlannedMetric {
  metric: MetricRule;
  computed: number;
  /** Field slots the metric's computed cell depends on. */
  depFields: Int32Array;
}

export interface CodeLookup {
  /** Cell text exactly as a label is written -> code (the common case, no normalising). */
  exact: Map<string, string>;
  /** Normalised label or code -> code of the first option that matches either. */
  normalised: Map<string, string>;
}

export interface ValidationPlan {
  template: TemplateDefinition;
  /** Number of input fields: slots [0, fieldCount) are fields, the rest computed cells. */
  fieldCount: number;
  slotCount: number;
  slotOf: Map<string, number>;
  slotKey: string[];
  /** Index into template.sheets. */
  slotSheet: Int32Array;
  slotRow: Int32Array;
  slotCol: Int32Array;
  slotCell: string[];
  fields: InputField[];
  computed: ComputedCell[];
  /** Fields that are not months of a series, in template order (field slots). */
  singleFields: Int32Array;
  labelSheets: LabelSheet[];
  /** Labels per template sheet (for recognising a renamed sheet). */
  labelsBySheet: Map<string, LabelEntry[]>;
  /** Per computed cell (index into template.computed): transitive dependencies. */
  depFields: Int32Array[];
  depComputed: Int32Array[];
  exprs: CompiledExpr[];
  /** Per computed cell: the computed cells it needs, itself last, in evaluation order. */
  evalNeeds: Int32Array[];
  /**
   * Per field slot: a range inside which a number gives no bounds finding, with and without the
   * plausibility ranges (min/max and plausible.min/max intersected).
   */
  quietLo: Float64Array;
  quietHi: Float64Array;
  quietLoPlausible: Float64Array;
  quietHiPlausible: Float64Array;
  /** True when the formulas refer to each other in a cycle (evaluated the generic way). */
  cyclic: boolean;
  series: PlannedSeries[];
  checks: PlannedCheck[];
  metrics: PlannedMetric[];
  patterns: (RegExp | null)[];
  expectedSheetNames: Set<string>;
  auxiliarySheets: Set<string>;
  metaSheetLower: string;
  /** Per field slot (plain arrays of the fields' properties the read loop uses). */
  fieldType: Uint8Array;
  /** Month 1–12 of a series cell, 0 otherwise. */
  fieldMonth: Uint8Array;
  /** 1 when a percent field's maximum is at most 1 (so 1 < x ≤ 100 is read as a scale error). */
  percentScale: Uint8Array;
  /** maxLength of a text field, or Infinity. */
  fieldMaxLength: Float64Array;
  fieldCode: (CodeLookup | null)[];
  /** Per computed cell: its tolerance. */
  computedTolerance: Float64Array;
  /**
   * Packed arrays of slotCount zeros and nulls: a run copies them (`slice`, one memory copy)
   * instead of growing its per-slot arrays.
   */
  zeros: number[];
  nulls: null[];
}

const plans = new WeakMap<TemplateDefinition, ValidationPlan>();

const TYPE_CODES: Record<InputField["type"], number> = {
  integer: T_INTEGER,
  decimal: T_NUMBER,
  amount: T_NUMBER,
  percent: T_PERCENT,
  text: T_TEXT,
  code: T_CODE,
  date: T_DATE,
  orgnr: T_ORGNR,
};

const NO_COEF = new Float64Array(0);

function compileExpr(c: ComputedCell, slot: (k: string) => number): CompiledExpr {
  const e = c.expr;
  switch (e.op) {
    case "sum":
      return {
        op: OP_SUM,
        of: Int32Array.from(e.of, slot),
        coef: NO_COEF,
        num: -1,
        blankIfEmpty: Boolean(e.blankIfEmpty),
      };
    case "average":
      return { op: OP_AVERAGE, of: Int32Array.from(e.of, slot), coef: NO_COEF, num: -1, blankIfEmpty: false };
    case "linear":
      return {
        op: OP_LINEAR,
        of: Int32Array.from(e.terms, (t) => slot(t.key)),
        coef: Float64Array.from(e.terms, (t) => t.coef),
        num: -1,
        blankIfEmpty: false,
      };
    case "ratio":
      return {
        op: OP_RATIO,
        of: Int32Array.from(e.den, slot),
        coef: NO_COEF,
        num: slot(e.num),
        blankIfEmpty: false,
      };
  }
}

/** The cached plan for a template definition. */
export function validationPlan(template: TemplateDefinition): ValidationPlan {
  const hit = plans.get(template);
  if (hit) return hit;
  const fields = template.fields;
  const computed = template.computed;
  const fieldCount = fields.length;
  const slotCount = fieldCount + computed.length;
  const sheetIndex = new Map(template.sheets.map((s, i) => [s.name, i]));
  const slotOf = new Map<string, number>();
  const slotKey: string[] = [];
  const slotSheet = new Int32Array(slotCount);
  const slotRow = new Int32Array(slotCount);
  const slotCol = new Int32Array(slotCount);
  const slotCell: string[] = [];
  const place = (item: InputField | ComputedCell, i: number) => {
    if (!slotOf.has(item.key)) slotOf.set(item.key, i);
    slotKey.push(item.key);
    slotSheet[i] = sheetIndex.get(item.sheet) ?? -1;
    const p = a1ToPosition(item.cell);
    slotRow[i] = p.row;
    slotCol[i] = p.col;
    slotCell.push(item.cell);
  };
  fields.forEach((f, i) => place(f, i));
  computed.forEach((c, i) => place(c, fieldCount + i));
  const slot = (k: string) => slotOf.get(k) ?? -1;

  // Label cells per sheet, in the order validation has always visited them (fields, then computed).
  const seriesLabel = new Map<string, string>();
  for (const s of template.series) if (!seriesLabel.has(s.key)) seriesLabel.set(s.key, s.label);
  const bySheet = new Map<string, Map<string, LabelEntry>>();
  const addLabel = (sheet: string, cell: string, label: string, s: number) => {
    let m = bySheet.get(sheet);
    if (!m) bySheet.set(sheet, (m = new Map()));
    const e = m.get(cell);
    if (e) {
      e.slots.push(s);
      return;
    }
    const p = a1ToPosition(cell);
    m.set(cell, { labelCell: cell, row: p.row, col: p.col, label, norm: normLabel(label), slots: [s] });
  };
  fields.forEach((f, i) =>
    addLabel(f.sheet, f.labelCell, f.series ? (seriesLabel.get(f.series) ?? f.label) : f.label, i),
  );
  computed.forEach((c, i) => {
    if (c.labelCell)
      addLabel(
        c.sheet,
        c.labelCell,
        c.series ? (seriesLabel.get(c.series) ?? c.label) : c.label,
        fieldCount + i,
      );
  });
  const labelSheets = [...bySheet].map(([sheet, m]) => ({
    sheet,
    sheetIndex: sheetIndex.get(sheet) ?? -1,
    entries: [...m.values()],
  }));

  // Transitive dependencies of each computed cell (as the validator has always followed them:
  // depth first, a key on the current path is not followed again).
  const byKey = new Map(computed.map((c) => [c.key, c]));
  const memo = new Map<string, Set<string>>();
  const visit = (key: string, stack: Set<string>): Set<string> => {
    const known = memo.get(key);
    if (known) return known;
    const c = byKey.get(key);
    const out = new Set<string>();
    if (c && !stack.has(key)) {
      stack.add(key);
      for (const k of exprInputs(c.expr)) {
        out.add(k);
        for (const d of visit(k, stack)) out.add(d);
      }
      stack.delete(key);
    }
    memo.set(key, out);
    return out;
  };
  for (const c of computed) visit(c.key, new Set());
  const splitDeps = (keys: Iterable<string>) => {
    const f: number[] = [];
    const c: number[] = [];
    for (const k of keys) {
      const s = slotOf.get(k);
      if (s === undefined) continue;
      if (s < fieldCount) f.push(s);
      else c.push(s);
    }
    return { fields: Int32Array.from(f), computed: Int32Array.from(c) };
  };
  const depFields: Int32Array[] = [];
  const depComputed: Int32Array[] = [];
  for (const c of computed) {
    const d = splitDeps(memo.get(c.key) ?? []);
    depFields.push(d.fields);
    depComputed.push(d.computed);
  }

  // Evaluation order (post-order depth first, like computeCells); a cycle falls back to it.
  const order: number[] = [];
  const state = new Uint8Array(computed.length); // 0 new, 1 on the path, 2 done
  let cyclic = false;
  const place2 = (ci: number) => {
    if (state[ci] === 2) return;
    if (state[ci] === 1) {
      cyclic = true;
      return;
    }
    state[ci] = 1;
    for (const k of exprInputs(computed[ci].expr)) {
      const s = slotOf.get(k);
      if (s !== undefined && s >= fieldCount) place2(s - fieldCount);
    }
    state[ci] = 2;
    order.push(ci);
  };
  computed.forEach((_, i) => place2(i));

  const position = new Int32Array(computed.length);
  order.forEach((ci, k) => (position[ci] = k));
  const evalNeeds = computed.map((_, ci) => {
    const need = new Set<number>([ci]);
    for (const s of depComputed[ci]) need.add(s - fieldCount);
    return Int32Array.from([...need].sort((a, b) => position[a] - position[b]));
  });
  const quietLo = new Float64Array(fieldCount);
  const quietHi = new Float64Array(fieldCount);
  const quietLoPlausible = new Float64Array(fieldCount);
  const quietHiPlausible = new Float64Array(fieldCount);
  fields.forEach((f, i) => {
    quietLo[i] = f.min ?? -Infinity;
    quietHi[i] = f.max ?? Infinity;
    quietLoPlausible[i] = Math.max(quietLo[i], f.plausible?.min ?? -Infinity);
    quietHiPlausible[i] = Math.min(quietHi[i], f.plausible?.max ?? Infinity);
  });

  const series = template.series
    .filter((s) => !s.computed)
    .map((s) => ({
      series: s,
      sheet: sheetIndex.get(s.sheet) ?? -1,
      months: Int32Array.from(s.monthKeys, slot),
    }));
  const checks = template.checks.map<PlannedCheck>((check) => {
    const keys = [check.target, ...check.terms.map((t) => t.key)];
    const taint = new Set<string>(keys);
    for (const k of keys) for (const d of memo.get(k) ?? []) taint.add(d);
    const t = splitDeps(taint);
    return {
      check,
      target: slot(check.target),
      terms: Int32Array.from(check.terms, (x) => slot(x.key)),
      coef: Float64Array.from(check.terms, (x) => x.coef),
      termRequired: Uint8Array.from(check.terms, (x) => {
        const s = slotOf.get(x.key);
        return s === undefined || s >= fieldCount || fields[s].required ? 1 : 0;
      }),
      taintFields: t.fields,
      taintComputed: t.computed,
    };
  });
  const metrics: PlannedMetric[] = [];
  for (const metric of template.metrics) {
    if (!metric.plausible || !metric.computedKey) continue;
    const s = slotOf.get(metric.computedKey);
    if (s === undefined || s < fieldCount) continue;
    metrics.push({
      metric,
      computed: s,
      depFields: splitDeps(memo.get(metric.computedKey) ?? []).fields,
    });
  }
  const codeLookups = new Map<string, CodeLookup>();
  for (const [id, list] of Object.entries(template.codeLists)) {
    const normalised = new Map<string, string>();
    for (const o of list.options) {
      const n = normCode(o.label);
      if (!normalised.has(n)) normalised.set(n, o.code);
      if (!normalised.has(o.code)) normalised.set(o.code, o.code);
    }
    const exact = new Map<string, string>();
    for (const o of list.options) {
      const code = normalised.get(normCode(o.label));
      if (code !== undefined && !exact.has(o.label)) exact.set(o.label, code);
    }
    codeLookups.set(id, { exact, normalised });
  }
  const plan: ValidationPlan = {
    template,
    fieldCount,
    slotCount,
    slotOf,
    slotKey,
    slotSheet,
    slotRow,
    slotCol,
    slotCell,
    fields,
    computed,
    singleFields: Int32Array.from(
      fields.flatMap((f, i) => (f.series ? [] : [i])),
      (i) => i,
    ),
    labelSheets,
    labelsBySheet: new Map(labelSheets.map((s) => [s.sheet, s.entries])),
    depFields,
    depComputed,
    exprs: computed.map((c) => compileExpr(c, slot)),
    evalNeeds,
    quietLo,
    quietHi,
    quietLoPlausible,
    quietHiPlausible,
    cyclic,
    series,
    checks,
    metrics,
    patterns: fields.map((f) => (f.pattern ? new RegExp(f.pattern) : null)),
    expectedSheetNames: new Set(template.sheets.map((s) => s.name.toLowerCase())),
    auxiliarySheets: new Set((template.auxiliarySheets ?? []).map((n) => n.toLowerCase())),
    metaSheetLower: template.stamp.metaSheet.toLowerCase(),
    fieldType: Uint8Array.from(fields, (f) => TYPE_CODES[f.type]),
    fieldMonth: Uint8Array.from(fields, (f) => f.month ?? 0),
    percentScale: Uint8Array.from(fields, (f) => (f.type === "percent" && (f.max ?? 1) <= 1 ? 1 : 0)),
    fieldMaxLength: Float64Array.from(fields, (f) => f.maxLength ?? Infinity),
    fieldCode: fields.map((f) => (f.type === "code" ? (codeLookups.get(f.codeList ?? "") ?? null) : null)),
    computedTolerance: Float64Array.from(computed, (c) => c.tolerance),
    zeros: Array.from({ length: slotCount }, () => 0),
    nulls: Array.from({ length: slotCount }, () => null),
  };
  plans.set(template, plan);
  return plan;
}

const ERRORS: ReadonlySet<string> = new Set(EXCEL_ERROR_CODES);

/**
 * A sheet's value at a zero-based position, like `getSheetCell`: empty is null and error text
 * ("#REF!") an error object; undefined when there is no sheet.
 */
export function cellAt(
  sheet: SheetSnapshot | undefined,
  row: number,
  col: number,
): SnapshotValue | undefined {
  if (sheet === undefined) return undefined;
  const rows = sheet.rows;
  if (!Array.isArray(rows)) return null;
  const r = rows[row];
  if (!Array.isArray(r)) return null;
  const v = r[col] as SnapshotValue | undefined;
  if (v === undefined) return null;
  if (typeof v === "string" && v.charCodeAt(0) === 35 && ERRORS.has(v)) return { kind: "error", code: v };
  return v;
}

type ErrorValue = { kind: "error"; code: string };

function isErr(v: SnapshotValue | undefined): v is ErrorValue {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as { kind?: unknown }).kind === "error" &&
    typeof (v as { code?: unknown }).code === "string"
  );
}

/**
 * {@link evaluateExpr} over slot values: the same Excel semantics (SUM/AVERAGE ignore text and
 * blanks, arithmetic treats blanks as 0 and text as #VALUE!, errors propagate, ratios with no
 * numerator or a zero denominator give "").
 */
export function evaluateCompiled(
  e: CompiledExpr,
  values: readonly (SnapshotValue | undefined)[],
): number | "" | ErrorValue {
  const of = e.of;
  const op = e.op;
  if (op === OP_SUM || op === OP_AVERAGE) {
    let err: ErrorValue | undefined;
    let n = 0;
    let total = 0;
    for (let i = 0; i < of.length; i++) {
      const s = of[i];
      const v = s < 0 ? null : values[s];
      if (typeof v === "number") {
        n++;
        total += v;
      } else if (err === undefined && isErr(v)) err = v;
    }
    if (op === OP_SUM) {
      if (e.blankIfEmpty && n === 0) return "";
      return err ?? total;
    }
    if (n === 0) return "";
    return err ?? total / n;
  }
  if (op === OP_LINEAR) {
    let total = 0;
    for (let i = 0; i < of.length; i++) {
      const s = of[i];
      const v = s < 0 ? null : values[s];
      let n: number;
      if (typeof v === "number") n = v;
      else if (v === null || v === undefined || v === "") n = 0;
      else if (typeof v === "boolean") n = v ? 1 : 0;
      else if (isErr(v)) return v;
      else if (typeof v === "string") {
        n = Number(v);
        if (!Number.isFinite(n) || v.trim() === "") return { kind: "error", code: "#VALUE!" };
      } else return { kind: "error", code: "#VALUE!" };
      total += e.coef[i] * n;
    }
    return total;
  }
  // RATIO: IF(OR(COUNT(num)=0,SUM(den)=0),"",num/SUM(den)); a denominator error wins.
  let den = 0;
  for (let i = 0; i < of.length; i++) {
    const s = of[i];
    const v = s < 0 ? null : values[s];
    if (typeof v === "number") den += v;
    else if (isErr(v)) return v;
  }
  const num = e.num < 0 ? null : values[e.num];
  if (typeof num !== "number" || den === 0) return "";
  return num / den;
}
