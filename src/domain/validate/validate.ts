/**
 * validateSubmission: every rule over a WorkbookSnapshot, in an order that lets causes suppress
 * their follow-on findings (a bad input hides the totals built on it; a missing sheet hides its
 * fields; a broken total hides the equity check that uses it).
 *
 * Everything that depends only on the template (positions, labels, dependencies, compiled
 * formulas, code lists) comes from the cached validation plan (./plan.ts); a run reads each cell
 * once into slot arrays and allocates mainly for the findings it reports.
 */
import { formatNumber } from "../format";
import {
  isA1,
  isCellError,
  isEmptyValue,
  isErrorText,
  a1ToPosition,
  type SnapshotValue,
  type WorkbookSnapshot,
} from "../snapshot";
import { MONTH_LABELS } from "../template/build";
import { TEMPLATES } from "../template/registry";
import { appliesToArea, computeCells, findField, lastMonthOfPeriod, templateIndex } from "../template/values";
import { AREA_CODES, type AreaCode, type TemplateDefinition } from "../template/types";
import { finding, sortAndDedupe, type Finding } from "./findings";
import { integrityCore, slotAddress, type IntegrityCore } from "./integrity";
import { evaluateCompiled, type ValidationPlan } from "./plan";
import { quickRead } from "./quick";
import { displayValue, readField, type TypedValue } from "./read";

/** Options for {@link validateSubmission}. */
export interface ValidateOptions {
  /** Validate as this verksamhetsområde (default: the one chosen in the workbook). */
  area?: AreaCode;
  /** Month-to-month change factor that gives a PERIOD_JUMP warning (default 3: ×3 or ÷3). */
  jumpFactor?: number;
  /** Jumps are ignored when both months are below this value (default 10). */
  jumpMinValue?: number;
  /** Check reference ranges (default true). */
  plausibility?: boolean;
  /** A missing stamp is an error (default true); otherwise a warning. */
  requireStamp?: boolean;
  /** Known template versions (default: all built-in). */
  registry?: readonly TemplateDefinition[];
}

interface Context {
  snapshot: WorkbookSnapshot;
  template: TemplateDefinition;
  core: IntegrityCore;
  plan: ValidationPlan;
  /** Per template sheet: 1 when the workbook has it (under its own or a new name). */
  present: number[];
  area: AreaCode | null;
  lastMonth: number | null;
  /** Raw cell value per slot (undefined when its sheet is missing). */
  raw: (SnapshotValue | undefined)[];
  /** Typed value per field slot (null when empty or unusable). */
  values: (TypedValue | null)[];
  /** Per slot: typed numbers of fields in the period, computed cells evaluated from them. */
  typed: SnapshotValue[];
  /** Per computed cell: 1 once its typed value is evaluated. */
  typedDone: number[];
  /**
   * Per slot, bits: {@link EMPTY} (a field's cell is empty), {@link BAD} (a field's value is
   * unusable: type error, missing required, missing sheet) and {@link BROKEN} (a computed cell
   * does not show what its formula gives).
   */
  flags: number[];
  /** True once any slot is marked bad (most submissions have none, which skips taint checks). */
  anyBad: boolean;
  /** True once a computed cell is found broken. */
  anyBroken: boolean;
  findings: Finding[];
  options: Required<Omit<ValidateOptions, "area" | "registry">>;
}

const fmt = (n: number) => formatNumber(n, { maxDecimals: 2 });

const MONTH_NAMES = [
  "januari",
  "februari",
  "mars",
  "april",
  "maj",
  "juni",
  "juli",
  "augusti",
  "september",
  "oktober",
  "november",
  "december",
];

function monthName(m: number): string {
  return MONTH_NAMES[m - 1];
}

function addr(ctx: Context, slot: number): { sheet: string; cell: string } {
  return slotAddress(ctx.core, slot);
}

function at(ctx: Context, slot: number): { sheet: string; cell: string; field: string } {
  const a = slotAddress(ctx.core, slot);
  return { sheet: a.sheet, cell: a.cell, field: ctx.plan.slotKey[slot] };
}

function markBad(ctx: Context, slot: number): void {
  ctx.flags[slot] |= BAD;
  ctx.anyBad = true;
}

function slotPresent(ctx: Context, slot: number): boolean {
  const ti = ctx.plan.slotSheet[slot];
  return ti >= 0 && ctx.present[ti] === 1;
}

/** true/false when the area is known, null when it is not (and the item is area-specific). */
function applies(ctx: Context, item: { appliesTo?: AreaCode[] }): boolean | null {
  if (!item.appliesTo) return true;
  if (ctx.area === null) return null;
  return appliesToArea(item, ctx.area);
}

const mergedCache = new Map<string, { r0: number; c0: number; r1: number; c1: number } | null>();

/** "B3:D3" -> its corners, or null when it is not a range of two valid cells. */
function parseMerged(range: string) {
  let hit = mergedCache.get(range);
  if (hit !== undefined) return hit;
  hit = null;
  const m = /^\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)$/i.exec(range);
  if (m && isA1(`${m[1]}${m[2]}`) && isA1(`${m[3]}${m[4]}`)) {
    const a = a1ToPosition(`${m[1]}${m[2]}`);
    const b = a1ToPosition(`${m[3]}${m[4]}`);
    hit = { r0: a.row, c0: a.col, r1: b.row, c1: b.col };
  }
  if (mergedCache.size < 10_000) mergedCache.set(range, hit);
  return hit;
}

/** Inputs covered by a merged range (other than its top-left cell) cannot be read. */
function checkMerged(ctx: Context): void {
  const { plan, core } = ctx;
  for (let ti = 0; ti < core.actualNames.length; ti++) {
    const actual = core.actualNames[ti];
    if (!actual) continue;
    let sheet: WorkbookSnapshot["sheets"][number] | undefined;
    for (const x of ctx.snapshot.sheets) {
      if (x.name === actual) {
        sheet = x;
        break;
      }
    }
    const merged = sheet?.merged;
    if (!merged || merged.length === 0) continue;
    for (const range of merged) {
      const r = parseMerged(range);
      if (!r) continue;
      if (r.r0 === r.r1 && r.c0 === r.c1) continue;
      for (let i = 0; i < plan.fieldCount; i++) {
        if (plan.slotSheet[i] !== ti) continue;
        const a = addr(ctx, i);
        const off = core.offsets === null ? 0 : core.offsets[i];
        const row = Math.max(plan.slotRow[i] + off, 0);
        const col = plan.slotCol[i];
        const inside =
          row >= Math.min(r.r0, r.r1) &&
          row <= Math.max(r.r0, r.r1) &&
          col >= Math.min(r.c0, r.c1) &&
          col <= Math.max(r.c0, r.c1);
        if (!inside) continue;
        const f = plan.fields[i];
        markBad(ctx, i);
        ctx.findings.push(
          finding(
            "INPUT_MERGED",
            { sheet: a.sheet, cell: a.cell, field: f.key },
            `Cellen för ”${f.label}” ingår i den sammanfogade cellen ${range.toUpperCase()}. Dela upp cellerna och fyll i värdet i ${a.cell}.`,
            { actual: range.toUpperCase() },
          ),
        );
      }
    }
  }
}

/** Many numbers typed as text on one volume row become one finding listing the cells. */
function groupSeriesText(findings: Finding[], template: TemplateDefinition): Finding[] {
  const groups = new Map<string, Finding[]>();
  const out: Finding[] = [];
  for (const f of findings) {
    const field = f.field ? findField(template, f.field) : undefined;
    if (f.code === "NUMBER_AS_TEXT" && field?.series) {
      groups.set(field.series, [...(groups.get(field.series) ?? []), f]);
    } else {
      out.push(f);
    }
  }
  for (const [series, fs] of groups) {
    if (fs.length === 1) {
      out.push(fs[0]);
      continue;
    }
    const label = templateIndex(template).series.get(series)?.label ?? series;
    out.push({
      ...fs[0],
      field: series,
      cells: fs.map((f) => f.cell!),
      message: `${fs.length} värden på raden ”${label}” är inskrivna som text (t.ex. ”${String(fs[0].actual)}”) och tolkas som tal. Skriv in dem som tal.`,
    });
  }
  return out;
}

/** Read every field (and then every computed cell) once; record type findings and typed values. */
function readAll(ctx: Context): void {
  const { plan, core } = ctx;
  const rows = sheetRows(core);
  for (let i = 0; i < plan.fieldCount; i++) {
    const raw = rawSlot(rows, core.offsets, plan, i);
    ctx.raw[i] = raw;
    if (!slotPresent(ctx, i)) {
      markBad(ctx, i);
      continue;
    }
    const v = raw === undefined ? null : raw;
    if (isEmptyValue(v)) {
      ctx.flags[i] |= EMPTY;
      continue;
    }
    const quick = isCellError(v) ? undefined : quickRead(plan, i, v);
    if (quick !== undefined) {
      ctx.values[i] = quick;
      continue;
    }
    const a = addr(ctx, i);
    const r = readField(raw, plan.fields[i], ctx.template, a.cell, a.sheet);
    ctx.values[i] = r.value;
    if (r.empty) ctx.flags[i] |= EMPTY;
    for (const x of r.findings) {
      if (x.severity === "error") markBad(ctx, i);
      // While reading, the area is not known yet, so every read finding is kept.
      ctx.findings.push(x);
    }
  }
  for (let s = plan.fieldCount; s < plan.slotCount; s++) ctx.raw[s] = rawSlot(rows, core.offsets, plan, s);
}

/** Per template sheet: its row grid, null when the sheet has none, undefined when it is missing. */
function sheetRows(core: IntegrityCore): (SnapshotValue[][] | null | undefined)[] {
  const out: (SnapshotValue[][] | null | undefined)[] = [];
  for (const sheet of core.sheetObjs) {
    out.push(sheet === undefined ? undefined : Array.isArray(sheet.rows) ? sheet.rows : null);
  }
  return out;
}

/**
 * A slot's raw value where it actually stands, like `getSheetCell` (empty is null, error text an
 * error object); undefined when its sheet is missing.
 */
function rawSlot(
  rowsBySheet: readonly (SnapshotValue[][] | null | undefined)[],
  offsets: Int32Array | null,
  plan: ValidationPlan,
  s: number,
): SnapshotValue | undefined {
  const ti = plan.slotSheet[s];
  if (ti < 0) return undefined;
  const rows = rowsBySheet[ti];
  if (rows === undefined) return undefined;
  if (rows === null) return null;
  const off = offsets === null ? 0 : offsets[s];
  const r = rows[off === 0 ? plan.slotRow[s] : Math.max(plan.slotRow[s] + off, 0)];
  if (!Array.isArray(r)) return null;
  const v = r[plan.slotCol[s]] as SnapshotValue | undefined;
  if (v === undefined) return null;
  if (typeof v === "string" && v.charCodeAt(0) === 35 && isErrorText(v)) return { kind: "error", code: v };
  return v;
}

/** True when a number may give a bounds finding (outside the range where none is possible). */
function outsideQuiet(ctx: Context, i: number): boolean {
  const v = ctx.values[i];
  if (typeof v !== "number") return false;
  const plan = ctx.plan;
  return ctx.options.plausibility
    ? v < plan.quietLoPlausible[i] || v > plan.quietHiPlausible[i]
    : v < plan.quietLo[i] || v > plan.quietHi[i];
}

function checkContext(ctx: Context): void {
  const r = ctx.template.roles;
  const ps = ctx.plan.slotOf.get(r.period);
  if (ps === undefined || ps >= ctx.plan.fieldCount) throw new TypeError(`Mallen saknar fältet ${r.period}`);
  const pt = valueOf(ctx, r.periodType);
  const p = ctx.values[ps];
  if (!slotPresent(ctx, ps) || ctx.flags[ps] & BAD) return;
  const a = at(ctx, ps);
  if (pt === "ar" && p !== null) {
    ctx.findings.push(
      finding("PERIOD_IGNORED", a, "Period anges inte när periodiciteten är År; värdet ignoreras.", {
        actual: p,
      }),
    );
  } else if (
    (pt === "manad" || pt === "kvartal") &&
    (typeof p !== "number" || lastMonthOfPeriod(pt, p) === undefined)
  ) {
    const range = pt === "manad" ? "1–12" : "1–4";
    ctx.findings.push(
      finding(
        "PERIOD_INVALID",
        a,
        `Ange ${pt === "manad" ? "månadens" : "kvartalets"} nummer (${range}) för perioden.`,
        { expected: range, actual: typeof p === "number" || typeof p === "string" ? p : null },
      ),
    );
    markBad(ctx, ps);
  }
}

/** The typed value of a field by key (undefined for a key that is no field). */
function valueOf(ctx: Context, key: string): TypedValue | null | undefined {
  const s = ctx.plan.slotOf.get(key);
  return s === undefined || s >= ctx.plan.fieldCount ? undefined : ctx.values[s];
}

function checkField(ctx: Context, i: number): void {
  if (!slotPresent(ctx, i)) return;
  const f = ctx.plan.fields[i];
  const ap = applies(ctx, f);
  const v = ctx.values[i];
  const isEmpty = (ctx.flags[i] & EMPTY) !== 0;
  if (isEmpty && ctx.flags[i] & BAD) return; // cause already reported (e.g. merged cell)
  if (isEmpty) {
    if (f.required && ap === true) {
      ctx.findings.push(
        finding(
          "REQUIRED_MISSING",
          at(ctx, i),
          `”${f.label}” ska fyllas i.${f.type === "integer" || f.type === "decimal" ? " Ange 0 om värdet är noll." : ""}`,
          { expected: f.unit ?? f.type },
        ),
      );
      markBad(ctx, i);
    }
    return;
  }
  if (ap === false && !f.optionalElsewhere) {
    ctx.findings.push(
      finding(
        "NOT_APPLICABLE",
        at(ctx, i),
        `”${f.label}” gäller inte det valda verksamhetsområdet och räknas inte med.`,
        { actual: v },
      ),
    );
    return;
  }
  if (ctx.flags[i] & BAD) return; // already reported (type error, merged cell, invalid period)
  if (outsideQuiet(ctx, i)) checkBounds(ctx, i);
}

function checkBounds(ctx: Context, i: number): void {
  const v = ctx.values[i];
  if (typeof v !== "number") return;
  const f = ctx.plan.fields[i];
  const p = f.plausible;
  const belowMin = f.min !== undefined && v < f.min;
  const aboveMax = !belowMin && f.max !== undefined && v > f.max;
  const check = ctx.options.plausibility && p !== undefined;
  const implausible = check && ((p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max));
  if (!belowMin && !aboveMax && !implausible) return;
  const show = (n: number) => (f.type === "percent" ? `${fmt(n * 100)} %` : fmt(n));
  const where = at(ctx, i);
  if (belowMin) {
    ctx.findings.push(
      finding("BELOW_MIN", where, `”${f.label}” får inte vara lägre än ${show(f.min!)}, men är ${show(v)}.`, {
        expected: f.min!,
        actual: v,
        delta: v - f.min!,
      }),
    );
    markBad(ctx, i);
    return;
  }
  if (aboveMax) {
    ctx.findings.push(
      finding("ABOVE_MAX", where, `”${f.label}” får inte vara högre än ${show(f.max!)}, men är ${show(v)}.`, {
        expected: f.max!,
        actual: v,
        delta: v - f.max!,
      }),
    );
    markBad(ctx, i);
    return;
  }
  if (p!.min !== undefined && v < p!.min) {
    ctx.findings.push(
      finding(
        "PLAUSIBILITY",
        where,
        `”${f.label}” är ovanligt lågt (${show(v)}; rimligt från ${show(p!.min)}). ${p!.note}. Kontrollera värdet.`,
        { expected: p!.min, actual: v, delta: v - p!.min },
      ),
    );
  } else if (p!.max !== undefined && v > p!.max) {
    ctx.findings.push(
      finding(
        "PLAUSIBILITY",
        where,
        `”${f.label}” är ovanligt högt (${show(v)}; rimligt upp till ${show(p!.max)}). ${p!.note}. Kontrollera värdet.`,
        { expected: p!.max, actual: v, delta: v - p!.max },
      ),
    );
  }
}

/** The first cell of some months and all their cells, for a finding on a series. */
function seriesAt(ctx: Context, key: string, slots: number[]) {
  const first = addr(ctx, slots[0]);
  return { sheet: first.sheet, cell: first.cell, field: key, cells: slots.map((s) => addr(ctx, s).cell) };
}

function checkSeries(ctx: Context): void {
  for (const { series: s, sheet, months } of ctx.plan.series) {
    if (sheet < 0 || !ctx.present[sheet]) continue;
    const ap = applies(ctx, s);
    if (ap === false) {
      let filled: number[] | null = null;
      for (let k = 0; k < months.length; k++)
        if (!(ctx.flags[months[k]] & EMPTY)) (filled ??= []).push(months[k]);
      if (filled !== null) {
        ctx.findings.push(
          finding(
            "NOT_APPLICABLE",
            seriesAt(ctx, s.key, filled),
            `Raden ”${s.label}” gäller inte det valda verksamhetsområdet och räknas inte med.`,
            { actual: ctx.values[filled[0]] },
          ),
        );
      }
      continue;
    }
    for (const m of months) if (!(ctx.flags[m] & EMPTY) && outsideQuiet(ctx, m)) checkBounds(ctx, m);
    if (ap === null || ctx.lastMonth === null) continue;
    const inPeriod = Math.min(ctx.lastMonth, months.length);
    let missingCount = 0;
    for (let k = 0; k < inPeriod; k++)
      if (ctx.flags[months[k]] & EMPTY && !(ctx.flags[months[k]] & BAD)) missingCount++;
    if (missingCount > 0) {
      const missing: number[] = [];
      for (let k = 0; k < inPeriod; k++) {
        const m = months[k];
        if (ctx.flags[m] & EMPTY && !(ctx.flags[m] & BAD)) missing.push(m);
      }
      for (const m of missing) markBad(ctx, m);
      if (missing.length === inPeriod) {
        ctx.findings.push(
          finding(
            "SERIES_MISSING",
            seriesAt(ctx, s.key, missing),
            `Raden ”${s.label}” är tom. Fyll i ${s.unit === "antal" ? "antal" : s.unit} för ${ctx.lastMonth === 1 ? "januari" : `januari–${monthName(ctx.lastMonth)}`}; ange 0 om volymen är noll.`,
            { expected: `${ctx.lastMonth} månader`, actual: 0 },
          ),
        );
      } else {
        const names = missing.map((m) => monthName(ctx.plan.fields[m].month!)).join(", ");
        ctx.findings.push(
          finding(
            "MONTH_MISSING",
            seriesAt(ctx, s.key, missing),
            `”${s.label}” saknar värden för ${names}.`,
            { expected: inPeriod, actual: inPeriod - missing.length, delta: -missing.length },
          ),
        );
      }
    }
    let afterCount = 0;
    for (let k = inPeriod; k < months.length; k++) if (!(ctx.flags[months[k]] & EMPTY)) afterCount++;
    if (afterCount > 0) {
      const after: number[] = [];
      for (let k = inPeriod; k < months.length; k++)
        if (!(ctx.flags[months[k]] & EMPTY)) after.push(months[k]);
      ctx.findings.push(
        finding(
          "MONTH_AFTER_PERIOD",
          seriesAt(ctx, s.key, after),
          `”${s.label}” har värden efter rapportperiodens slut (${monthName(ctx.lastMonth)}); de räknas inte med.`,
          { actual: after.length },
        ),
      );
    }
    if (s.checkJumps) checkJumps(ctx, s.label, months, inPeriod);
  }
}

function checkJumps(ctx: Context, label: string, months: Int32Array, count: number): void {
  const factor = ctx.options.jumpFactor;
  for (let i = 1; i < count; i++) {
    const prev = ctx.values[months[i - 1]];
    const cur = ctx.values[months[i]];
    if (typeof prev !== "number" || typeof cur !== "number") continue;
    if (Math.max(prev, cur) < ctx.options.jumpMinValue) continue;
    const jump = prev === 0 || cur === 0 || cur / prev > factor || prev / cur > factor;
    if (!jump) continue;
    ctx.findings.push(
      finding(
        "PERIOD_JUMP",
        at(ctx, months[i]),
        `”${label}” ändras kraftigt från ${MONTH_LABELS[i - 1].toLowerCase()} (${fmt(prev)}) till ${MONTH_LABELS[i].toLowerCase()} (${fmt(cur)}). Kontrollera värdet.`,
        { expected: prev, actual: cur, delta: cur - prev },
      ),
    );
  }
}

/** True when any of the field slots is unusable or any of the computed slots is broken. */
function tainted(ctx: Context, fields: Int32Array, computed: Int32Array, anyBroken: boolean): boolean {
  if (!ctx.anyBad && !anyBroken) return false;
  for (let k = 0; k < fields.length; k++) if (ctx.flags[fields[k]] & BAD) return true;
  for (let k = 0; k < computed.length; k++) if (ctx.flags[computed[k]] & BROKEN) return true;
  return false;
}

/** Computed cells whose value is not what their formula gives: reported and flagged BROKEN. */
function checkComputed(ctx: Context): void {
  const { plan } = ctx;
  let notCalculated = 0;
  let groups: Map<string, { cells: string[]; first: Finding }> | null = null;
  for (let ci = 0; ci < plan.computed.length; ci++) {
    const slot = plan.fieldCount + ci;
    if (!slotPresent(ctx, slot)) continue;
    if (tainted(ctx, plan.depFields[ci], plan.depComputed[ci], ctx.anyBroken)) continue;
    const c = plan.computed[ci];
    const raw = ctx.raw[slot];
    const expected = evaluateCompiled(plan.exprs[ci], ctx.raw);
    if (isCellError(expected)) continue;
    let f: Finding | undefined;
    if (isCellError(raw)) {
      f = finding(
        "FORMULA_ERROR",
        at(ctx, slot),
        `”${c.label}” visar ${raw.code}, fast uppgifterna den bygger på är giltiga. Formeln har troligen skadats; den ska vara ${c.formula}.`,
        { expected: typeof expected === "number" ? expected : null, actual: raw.code },
      );
    } else if (isEmptyValue(raw)) {
      if (typeof expected === "number") notCalculated++;
      continue;
    } else if (
      typeof raw !== "number" ||
      expected === "" ||
      Math.abs(raw - expected) > plan.computedTolerance[ci] + 1e-9 * Math.abs(expected)
    ) {
      const exp = expected === "" ? null : expected;
      const delta = typeof raw === "number" && exp !== null ? raw - exp : null;
      f = finding(
        c.checkCode,
        at(ctx, slot),
        `”${c.label}” visar ${typeof raw === "number" ? fmt(raw) : `”${String(raw)}”`} men ska vara ${exp === null ? "tom" : fmt(exp)} (${c.rule}). Formeln kan ha skrivits över; återställ ${c.formula}.`,
        { expected: exp, actual: displayValue(raw), delta },
      );
    }
    if (!f) continue;
    ctx.flags[slot] |= BROKEN;
    ctx.anyBroken = true;
    if (c.group) {
      groups ??= new Map();
      const g = groups.get(c.group);
      if (g) {
        g.cells.push(f.cell!);
        continue;
      }
      groups.set(c.group, { cells: [f.cell!], first: f });
    } else {
      ctx.findings.push(f);
    }
  }
  for (const g of groups?.values() ?? []) {
    if (g.cells.length > 1) {
      g.first.cells = g.cells;
      g.first.message = `${g.first.message} Samma fel finns i ${g.cells.length} celler (${g.cells.join(", ")}).`;
    }
    ctx.findings.push(g.first);
  }
  if (notCalculated > 0) {
    ctx.findings.push(
      finding(
        "FORMULAS_NOT_CALCULATED",
        {},
        `${notCalculated} beräknade celler saknar värden (filen har inte räknats om i Excel). Öppna och spara filen i Excel för en fullständig kontroll.`,
        { actual: notCalculated },
      ),
    );
  }
}

/**
 * Prepare values for evaluating computed cells from the typed (parsed) inputs, months after the
 * period left out. Computed cells are evaluated when first asked for ({@link typedAt}).
 */
function prepareTyped(ctx: Context): void {
  const { plan } = ctx;
  for (let i = 0; i < plan.fieldCount; i++) {
    const v = ctx.values[i];
    const month = plan.fieldMonth[i];
    const inPeriod = month === 0 || ctx.lastMonth === null || month <= ctx.lastMonth;
    if (typeof v === "number" && inPeriod) ctx.typed[i] = v;
  }
  if (plan.cyclic) {
    // Formulas that refer to each other in a cycle: the generic evaluator reports #REF! for them.
    const input: Record<string, SnapshotValue> = {};
    for (let i = 0; i < plan.fieldCount; i++) input[plan.slotKey[i]] = ctx.typed[i];
    const out = computeCells(ctx.template, input);
    for (let ci = 0; ci < plan.computed.length; ci++) {
      const v = out[plan.computed[ci].key];
      ctx.typed[plan.fieldCount + ci] = v === undefined ? null : v;
      ctx.typedDone[ci] = 1;
    }
  }
}

/** A slot's value from the typed inputs: a field's number (or null) or a computed cell's result. */
function typedAt(ctx: Context, s: number): SnapshotValue {
  if (s < 0) return null;
  const plan = ctx.plan;
  if (s < plan.fieldCount) return ctx.typed[s];
  const ci = s - plan.fieldCount;
  if (!ctx.typedDone[ci]) {
    for (const need of plan.evalNeeds[ci]) {
      if (ctx.typedDone[need]) continue;
      ctx.typed[plan.fieldCount + need] = evaluateCompiled(plan.exprs[need], ctx.typed);
      ctx.typedDone[need] = 1;
    }
  }
  return ctx.typed[s];
}

/** A field's typed number or a computed cell's value from the typed inputs, or null. */
function numberAt(ctx: Context, s: number): number | null {
  if (s < 0) return null;
  const v = s < ctx.plan.fieldCount ? ctx.values[s] : typedAt(ctx, s);
  return typeof v === "number" ? v : null;
}

function checkCross(ctx: Context): void {
  const { plan } = ctx;
  for (const pc of plan.checks) {
    const chk = pc.check;
    if (applies(ctx, chk) === false) continue;
    if (tainted(ctx, pc.taintFields, pc.taintComputed, ctx.anyBroken)) continue;
    const target = numberAt(ctx, pc.target);
    if (target === null) continue;
    let expected = 0;
    let computable = true;
    for (let k = 0; k < pc.terms.length; k++) {
      const v = numberAt(ctx, pc.terms[k]);
      if (v === null && pc.termRequired[k]) computable = false;
      expected += pc.coef[k] * (v ?? 0);
    }
    if (!computable || Math.abs(target - expected) <= chk.tolerance) continue;
    const tf = pc.target >= 0 && pc.target < plan.fieldCount ? plan.fields[pc.target] : undefined;
    const a = tf ? addr(ctx, pc.target) : { sheet: null, cell: null };
    ctx.findings.push(
      finding(
        chk.code,
        { sheet: a.sheet, cell: a.cell, field: chk.target },
        `${tf?.label ?? chk.target} är ${fmt(target)} men ska vara ${fmt(expected)} (${chk.rule}). Skillnad: ${fmt(target - expected)}.`,
        { expected, actual: target, delta: target - expected, severity: chk.severity },
      ),
    );
  }
}

function checkMetrics(ctx: Context): void {
  if (!ctx.options.plausibility || ctx.area === null) return;
  const { plan } = ctx;
  for (const pm of plan.metrics) {
    const m = pm.metric;
    if (!appliesToArea(m, ctx.area)) continue;
    if (tainted(ctx, pm.depFields, NO_SLOTS, false)) continue;
    const v = typedAt(ctx, pm.computed);
    if (typeof v !== "number") continue;
    const p = m.plausible!;
    if (!slotPresent(ctx, pm.computed)) continue;
    const bound =
      p.max !== undefined && v > p.max ? p.max : p.min !== undefined && v < p.min ? p.min : undefined;
    if (bound === undefined) continue;
    const show = (n: number) => (m.unit === "%" ? `${fmt(n * 100)} %` : fmt(n));
    const a = addr(ctx, pm.computed);
    ctx.findings.push(
      finding(
        "PLAUSIBILITY",
        { sheet: a.sheet, cell: a.cell, field: m.computedKey! },
        `${m.label} är ${show(v)}, ${v > bound ? "långt över" : "långt under"} ${show(bound)}. ${p.note}. Kontrollera volymer och resurser.`,
        { expected: bound, actual: v, delta: v - bound },
      ),
    );
  }
}

/**
 * Validate a workbook snapshot against a template: integrity, types, required, bounds, code
 * lists, organisationsnummer, cross-field, cross-period and plausibility rules. Never throws on a
 * well-typed snapshot; returns findings sorted by sheet and cell, deduplicated.
 */
export function validateSubmission(
  snapshot: WorkbookSnapshot,
  template: TemplateDefinition,
  options: ValidateOptions = {},
): Finding[] {
  const core = integrityCore(snapshot, template, options.registry ?? TEMPLATES, options.requireStamp ?? true);
  const t = core.template;
  const plan = core.plan;
  // Plain arrays, not typed arrays: these are small and per call, and V8 allocates typed
  // arrays of this size outside the heap.
  const present: number[] = [];
  for (let ti = 0; ti < t.sheets.length; ti++) present.push(core.actualNames[ti] ? 1 : 0);
  const ctx: Context = {
    snapshot,
    template: t,
    core,
    plan,
    present,
    area: null,
    lastMonth: null,
    raw: plan.nulls.slice(),
    values: plan.nulls.slice(),
    typed: plan.nulls.slice(),
    typedDone: plan.zeros.slice(),
    flags: plan.zeros.slice(),
    anyBad: false,
    anyBroken: false,
    findings: core.findings,
    options: {
      jumpFactor: options.jumpFactor ?? 3,
      jumpMinValue: options.jumpMinValue ?? 10,
      plausibility: options.plausibility ?? true,
      requireStamp: options.requireStamp ?? true,
    },
  };
  checkMerged(ctx);
  readAll(ctx);
  const areaValue = valueOf(ctx, t.roles.area);
  ctx.area =
    options.area ??
    ((AREA_CODES as readonly string[]).includes(String(areaValue)) ? (areaValue as AreaCode) : null);
  if (ctx.area === null) {
    ctx.findings.push(
      finding(
        "AREA_UNKNOWN",
        {},
        "Verksamhetsområdet är inte valt; kontrollerna av volymer och personalkategorier som beror på det hoppades över.",
        {},
      ),
    );
  }
  checkContext(ctx);
  const pt = valueOf(ctx, t.roles.periodType);
  const periodSlot = plan.slotOf.get(t.roles.period)!;
  const p = ctx.values[periodSlot];
  if ((pt === "manad" || pt === "kvartal" || pt === "ar") && !(ctx.flags[periodSlot] & BAD)) {
    ctx.lastMonth = lastMonthOfPeriod(pt, typeof p === "number" ? p : null) ?? null;
  }
  for (const i of plan.singleFields) checkField(ctx, i);
  checkSeries(ctx);
  checkComputed(ctx);
  prepareTyped(ctx);
  checkCross(ctx);
  checkMetrics(ctx);
  const sheetOrder: string[] = [];
  for (let ti = 0; ti < t.sheets.length; ti++) sheetOrder.push(core.actualNames[ti] ?? t.sheets[ti].name);
  return sortAndDedupe(groupSeriesText(ctx.findings, t), sheetOrder);
}

const NO_SLOTS = new Int32Array(0);

/** Bits of Context.flags. */
const EMPTY = 1;
const BAD = 2;
const BROKEN = 4;
