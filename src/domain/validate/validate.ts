/**
 * validateSubmission: every rule over a WorkbookSnapshot, in an order that lets causes suppress
 * their follow-on findings (a bad input hides the totals built on it; a missing sheet hides its
 * fields; a broken total hides the equity check that uses it).
 */
import { formatNumber } from "../format";
import {
  a1ToPosition,
  isA1,
  isCellError,
  isEmptyValue,
  type SnapshotValue,
  type WorkbookSnapshot,
} from "../snapshot";
import { evaluateExpr, exprInputs } from "../template/formula";
import { MONTH_LABELS } from "../template/build";
import { TEMPLATES } from "../template/registry";
import {
  appliesToArea,
  computeCells,
  findComputed,
  findField,
  lastMonthOfPeriod,
  templateIndex,
} from "../template/values";
import {
  AREA_CODES,
  type AreaCode,
  type ComputedCell,
  type InputField,
  type TemplateDefinition,
} from "../template/types";
import { finding, sortAndDedupe, type Finding } from "./findings";
import { checkIntegrity } from "./integrity";
import { displayValue, rawAt, readField, type AddressMap, type TypedValue } from "./read";

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
  addresses: AddressMap;
  sheets: Map<string, string | null>;
  area: AreaCode | null;
  lastMonth: number | null;
  values: Record<string, TypedValue | null>;
  /** Keys whose value is unusable (type error, missing required, missing sheet). */
  bad: Set<string>;
  findings: Finding[];
  options: Required<Omit<ValidateOptions, "area" | "registry">>;
}

const fmt = (n: number) => formatNumber(n, { maxDecimals: 2 });

function addr(ctx: Context, key: string, fallback: { sheet: string; cell: string }) {
  return ctx.addresses.get(key) ?? fallback;
}

function sheetPresent(ctx: Context, sheet: string): boolean {
  return Boolean(ctx.sheets.get(sheet));
}

function monthName(m: number): string {
  return [
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
  ][m - 1];
}

/** Inputs covered by a merged range (other than its top-left cell) cannot be read. */
function checkMerged(ctx: Context): void {
  for (const [expected, actual] of ctx.sheets) {
    if (!actual) continue;
    const sheet = ctx.snapshot.sheets.find((x) => x.name === actual);
    for (const range of sheet?.merged ?? []) {
      const m = /^\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)$/i.exec(range);
      if (!m || !isA1(`${m[1]}${m[2]}`) || !isA1(`${m[3]}${m[4]}`)) continue;
      const a = a1ToPosition(`${m[1]}${m[2]}`);
      const b = a1ToPosition(`${m[3]}${m[4]}`);
      for (const f of ctx.template.fields) {
        if (f.sheet !== expected) continue;
        const at = addr(ctx, f.key, f);
        const p = a1ToPosition(at.cell);
        const inside =
          p.row >= Math.min(a.row, b.row) &&
          p.row <= Math.max(a.row, b.row) &&
          p.col >= Math.min(a.col, b.col) &&
          p.col <= Math.max(a.col, b.col);
        if (!inside || (a.row === b.row && a.col === b.col)) continue;
        ctx.bad.add(f.key);
        ctx.findings.push(
          finding(
            "INPUT_MERGED",
            { sheet: at.sheet, cell: at.cell, field: f.key },
            `Cellen för ”${f.label}” ingår i den sammanfogade cellen ${range.toUpperCase()}. Dela upp cellerna och fyll i värdet i ${at.cell}.`,
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

/** Read every field; record type findings and typed values. */
function readAll(ctx: Context): Map<string, boolean> {
  const empty = new Map<string, boolean>();
  for (const f of ctx.template.fields) {
    if (!sheetPresent(ctx, f.sheet)) {
      ctx.bad.add(f.key);
      ctx.values[f.key] = null;
      continue;
    }
    const a = addr(ctx, f.key, f);
    const r = readField(rawAt(ctx.snapshot, a.sheet, a.cell), f, ctx.template, a.cell, a.sheet);
    ctx.values[f.key] = r.value;
    empty.set(f.key, r.empty);
    if (r.findings.some((x) => x.severity === "error")) ctx.bad.add(f.key);
    if (applies(ctx, f) !== false || f.optionalElsewhere) ctx.findings.push(...r.findings);
  }
  return empty;
}

/** true/false when the area is known, null when it is not (and the field is area-specific). */
function applies(ctx: Context, item: { appliesTo?: AreaCode[] }): boolean | null {
  if (!item.appliesTo) return true;
  if (ctx.area === null) return null;
  return appliesToArea(item, ctx.area);
}

function checkContext(ctx: Context): void {
  const r = ctx.template.roles;
  const pf = findField(ctx.template, r.period)!;
  const pt = ctx.values[r.periodType];
  const p = ctx.values[r.period];
  if (!sheetPresent(ctx, pf.sheet) || ctx.bad.has(r.period)) return;
  const a = addr(ctx, pf.key, pf);
  if (pt === "ar" && p !== null) {
    ctx.findings.push(
      finding(
        "PERIOD_IGNORED",
        { sheet: a.sheet, cell: a.cell, field: pf.key },
        "Period anges inte när periodiciteten är År; värdet ignoreras.",
        { actual: p },
      ),
    );
  } else if (
    (pt === "manad" || pt === "kvartal") &&
    (typeof p !== "number" || lastMonthOfPeriod(pt, p) === undefined)
  ) {
    const range = pt === "manad" ? "1–12" : "1–4";
    ctx.findings.push(
      finding(
        "PERIOD_INVALID",
        { sheet: a.sheet, cell: a.cell, field: pf.key },
        `Ange ${pt === "manad" ? "månadens" : "kvartalets"} nummer (${range}) för perioden.`,
        { expected: range, actual: typeof p === "number" || typeof p === "string" ? p : null },
      ),
    );
    ctx.bad.add(r.period);
  }
}

function checkField(ctx: Context, f: InputField, isEmpty: boolean): void {
  if (!sheetPresent(ctx, f.sheet) || f.series) return;
  const a = addr(ctx, f.key, f);
  const at = { sheet: a.sheet, cell: a.cell, field: f.key };
  const ap = applies(ctx, f);
  const v = ctx.values[f.key];
  if (isEmpty && ctx.bad.has(f.key)) return; // cause already reported (e.g. merged cell)
  if (isEmpty) {
    if (f.required && ap === true) {
      ctx.findings.push(
        finding(
          "REQUIRED_MISSING",
          at,
          `”${f.label}” ska fyllas i.${f.type === "integer" || f.type === "decimal" ? " Ange 0 om värdet är noll." : ""}`,
          { expected: f.unit ?? f.type },
        ),
      );
      ctx.bad.add(f.key);
    }
    return;
  }
  if (ap === false && !f.optionalElsewhere) {
    ctx.findings.push(
      finding(
        "NOT_APPLICABLE",
        at,
        `”${f.label}” gäller inte det valda verksamhetsområdet och räknas inte med.`,
        { actual: v },
      ),
    );
    return;
  }
  if (ctx.bad.has(f.key)) return; // already reported (type error, merged cell, invalid period)
  checkBounds(ctx, f, v, at);
}

function checkBounds(
  ctx: Context,
  f: InputField,
  v: TypedValue | null,
  at: { sheet: string; cell: string; field: string },
): void {
  if (typeof v !== "number") return;
  const show = (n: number) => (f.type === "percent" ? `${fmt(n * 100)} %` : fmt(n));
  if (f.min !== undefined && v < f.min) {
    ctx.findings.push(
      finding("BELOW_MIN", at, `”${f.label}” får inte vara lägre än ${show(f.min)}, men är ${show(v)}.`, {
        expected: f.min,
        actual: v,
        delta: v - f.min,
      }),
    );
    ctx.bad.add(f.key);
    return;
  }
  if (f.max !== undefined && v > f.max) {
    ctx.findings.push(
      finding("ABOVE_MAX", at, `”${f.label}” får inte vara högre än ${show(f.max)}, men är ${show(v)}.`, {
        expected: f.max,
        actual: v,
        delta: v - f.max,
      }),
    );
    ctx.bad.add(f.key);
    return;
  }
  const p = f.plausible;
  if (ctx.options.plausibility && p) {
    if (p.min !== undefined && v < p.min) {
      ctx.findings.push(
        finding(
          "PLAUSIBILITY",
          at,
          `”${f.label}” är ovanligt lågt (${show(v)}; rimligt från ${show(p.min)}). ${p.note}. Kontrollera värdet.`,
          { expected: p.min, actual: v, delta: v - p.min },
        ),
      );
    } else if (p.max !== undefined && v > p.max) {
      ctx.findings.push(
        finding(
          "PLAUSIBILITY",
          at,
          `”${f.label}” är ovanligt högt (${show(v)}; rimligt upp till ${show(p.max)}). ${p.note}. Kontrollera värdet.`,
          { expected: p.max, actual: v, delta: v - p.max },
        ),
      );
    }
  }
}

function checkSeries(ctx: Context, empty: Map<string, boolean>): void {
  for (const s of ctx.template.series) {
    if (s.computed || !sheetPresent(ctx, s.sheet)) continue;
    const fields = s.monthKeys.map((k) => findField(ctx.template, k)!);
    const at = (f: InputField) => addr(ctx, f.key, f);
    const ap = applies(ctx, s);
    const filled = fields.filter((f) => !empty.get(f.key));
    if (ap === false) {
      if (filled.length > 0) {
        ctx.findings.push(
          finding(
            "NOT_APPLICABLE",
            {
              sheet: at(filled[0]).sheet,
              cell: at(filled[0]).cell,
              field: s.key,
              cells: filled.map((f) => at(f).cell),
            },
            `Raden ”${s.label}” gäller inte det valda verksamhetsområdet och räknas inte med.`,
            { actual: ctx.values[filled[0].key] },
          ),
        );
      }
      continue;
    }
    for (const f of filled) checkBounds(ctx, f, ctx.values[f.key], { ...at(f), field: f.key });
    if (ap === null || ctx.lastMonth === null) continue;
    const inPeriod = fields.slice(0, ctx.lastMonth);
    const missing = inPeriod.filter((f) => empty.get(f.key) && !ctx.bad.has(f.key));
    missing.forEach((f) => ctx.bad.add(f.key));
    if (missing.length === inPeriod.length) {
      ctx.findings.push(
        finding(
          "SERIES_MISSING",
          {
            sheet: at(missing[0]).sheet,
            cell: at(missing[0]).cell,
            field: s.key,
            cells: missing.map((f) => at(f).cell),
          },
          `Raden ”${s.label}” är tom. Fyll i ${s.unit === "antal" ? "antal" : s.unit} för ${ctx.lastMonth === 1 ? "januari" : `januari–${monthName(ctx.lastMonth)}`}; ange 0 om volymen är noll.`,
          { expected: `${ctx.lastMonth} månader`, actual: 0 },
        ),
      );
    } else if (missing.length > 0) {
      const names = missing.map((f) => monthName(f.month!)).join(", ");
      ctx.findings.push(
        finding(
          "MONTH_MISSING",
          {
            sheet: at(missing[0]).sheet,
            cell: at(missing[0]).cell,
            field: s.key,
            cells: missing.map((f) => at(f).cell),
          },
          `”${s.label}” saknar värden för ${names}.`,
          { expected: inPeriod.length, actual: inPeriod.length - missing.length, delta: -missing.length },
        ),
      );
    }
    const after = fields.slice(ctx.lastMonth).filter((f) => !empty.get(f.key));
    if (after.length > 0) {
      ctx.findings.push(
        finding(
          "MONTH_AFTER_PERIOD",
          {
            sheet: at(after[0]).sheet,
            cell: at(after[0]).cell,
            field: s.key,
            cells: after.map((f) => at(f).cell),
          },
          `”${s.label}” har värden efter rapportperiodens slut (${monthName(ctx.lastMonth)}); de räknas inte med.`,
          { actual: after.length },
        ),
      );
    }
    if (s.checkJumps) checkJumps(ctx, s.label, inPeriod);
  }
}

function checkJumps(ctx: Context, label: string, fields: InputField[]): void {
  const factor = ctx.options.jumpFactor;
  for (let i = 1; i < fields.length; i++) {
    const prev = ctx.values[fields[i - 1].key];
    const cur = ctx.values[fields[i].key];
    if (typeof prev !== "number" || typeof cur !== "number") continue;
    if (Math.max(prev, cur) < ctx.options.jumpMinValue) continue;
    const jump = prev === 0 || cur === 0 || cur / prev > factor || prev / cur > factor;
    if (!jump) continue;
    const a = addr(ctx, fields[i].key, fields[i]);
    ctx.findings.push(
      finding(
        "PERIOD_JUMP",
        { sheet: a.sheet, cell: a.cell, field: fields[i].key },
        `”${label}” ändras kraftigt från ${MONTH_LABELS[i - 1].toLowerCase()} (${fmt(prev)}) till ${MONTH_LABELS[i].toLowerCase()} (${fmt(cur)}). Kontrollera värdet.`,
        { expected: prev, actual: cur, delta: cur - prev },
      ),
    );
  }
}

/** All input keys a computed key depends on, transitively. */
function dependencies(template: TemplateDefinition): Map<string, Set<string>> {
  const byKey = new Map(template.computed.map((c) => [c.key, c]));
  const memo = new Map<string, Set<string>>();
  const visit = (key: string, stack: Set<string>): Set<string> => {
    if (memo.has(key)) return memo.get(key)!;
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
  for (const c of template.computed) visit(c.key, new Set());
  return memo;
}

function checkComputed(ctx: Context, deps: Map<string, Set<string>>): Set<string> {
  const broken = new Set<string>();
  let notCalculated = 0;
  const groups = new Map<string, { c: ComputedCell; cells: string[]; first: Finding }>();
  const readRaw = (key: string): SnapshotValue | undefined => {
    const item = templateIndex(ctx.template).cells.get(key);
    if (!item) return null;
    const a = addr(ctx, key, item);
    return rawAt(ctx.snapshot, a.sheet, a.cell);
  };
  for (const c of ctx.template.computed) {
    if (!sheetPresent(ctx, c.sheet)) continue;
    const d = deps.get(c.key) ?? new Set();
    if ([...d].some((k) => ctx.bad.has(k) || broken.has(k))) continue;
    const a = addr(ctx, c.key, c);
    const raw = rawAt(ctx.snapshot, a.sheet, a.cell);
    const expected = evaluateExpr(c.expr, readRaw);
    if (isCellError(expected)) continue;
    const at = { sheet: a.sheet, cell: a.cell, field: c.key };
    let f: Finding | undefined;
    if (isCellError(raw)) {
      f = finding(
        "FORMULA_ERROR",
        at,
        `”${c.label}” visar ${raw.code}, fast uppgifterna den bygger på är giltiga. Formeln har troligen skadats; den ska vara ${c.formula}.`,
        { expected: typeof expected === "number" ? expected : null, actual: raw.code },
      );
    } else if (isEmptyValue(raw)) {
      if (typeof expected === "number") notCalculated++;
      continue;
    } else if (
      typeof raw !== "number" ||
      expected === "" ||
      Math.abs(raw - expected) > c.tolerance + 1e-9 * Math.abs(expected)
    ) {
      const exp = expected === "" ? null : expected;
      const delta = typeof raw === "number" && exp !== null ? raw - exp : null;
      f = finding(
        c.checkCode,
        at,
        `”${c.label}” visar ${typeof raw === "number" ? fmt(raw) : `”${String(raw)}”`} men ska vara ${exp === null ? "tom" : fmt(exp)} (${c.rule}). Formeln kan ha skrivits över; återställ ${c.formula}.`,
        { expected: exp, actual: displayValue(raw), delta },
      );
    }
    if (!f) continue;
    broken.add(c.key);
    if (c.group) {
      const g = groups.get(c.group);
      if (g) {
        g.cells.push(a.cell);
        continue;
      }
      groups.set(c.group, { c, cells: [a.cell], first: f });
    } else {
      ctx.findings.push(f);
    }
  }
  for (const g of groups.values()) {
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
  return broken;
}

/** Computed cells evaluated from the typed (parsed) inputs, months after the period left out. */
function typedComputed(ctx: Context): Record<string, SnapshotValue> {
  const input: Record<string, SnapshotValue> = {};
  for (const f of ctx.template.fields) {
    const v = ctx.values[f.key];
    const inPeriod = !f.month || ctx.lastMonth === null || f.month <= ctx.lastMonth;
    input[f.key] = typeof v === "number" && inPeriod ? v : null;
  }
  return computeCells(ctx.template, input);
}

function checkCross(
  ctx: Context,
  broken: Set<string>,
  deps: Map<string, Set<string>>,
  typed: Record<string, SnapshotValue>,
): void {
  for (const chk of ctx.template.checks) {
    if (applies(ctx, chk) === false) continue;
    const keys = [chk.target, ...chk.terms.map((t) => t.key)];
    const tainted = keys.some(
      (k) =>
        ctx.bad.has(k) ||
        broken.has(k) ||
        [...(deps.get(k) ?? [])].some((d) => ctx.bad.has(d) || broken.has(d)),
    );
    if (tainted) continue;
    const num = (k: string): number | null => {
      if (k in ctx.values) return typeof ctx.values[k] === "number" ? (ctx.values[k] as number) : null;
      const v = typed[k];
      return typeof v === "number" ? v : null;
    };
    const target = num(chk.target);
    if (target === null) continue;
    let expected = 0;
    let computable = true;
    for (const t of chk.terms) {
      const v = num(t.key);
      const field = findField(ctx.template, t.key);
      if (v === null && (!field || field.required)) computable = false;
      expected += t.coef * (v ?? 0);
    }
    if (!computable || Math.abs(target - expected) <= chk.tolerance) continue;
    const tf = findField(ctx.template, chk.target);
    const a = tf ? addr(ctx, tf.key, tf) : { sheet: null, cell: null };
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

function checkMetrics(
  ctx: Context,
  deps: Map<string, Set<string>>,
  computed: Record<string, SnapshotValue>,
): void {
  if (!ctx.options.plausibility || ctx.area === null) return;
  for (const m of ctx.template.metrics) {
    if (!m.plausible || !appliesToArea(m, ctx.area) || !m.computedKey) continue;
    const d = deps.get(m.computedKey) ?? new Set();
    if ([...d].some((k) => ctx.bad.has(k))) continue;
    const v = computed[m.computedKey];
    if (typeof v !== "number") continue;
    const p = m.plausible;
    const c = findComputed(ctx.template, m.computedKey)!;
    if (!sheetPresent(ctx, c.sheet)) continue;
    const a = addr(ctx, c.key, c);
    const show = (n: number) => (m.unit === "%" ? `${fmt(n * 100)} %` : fmt(n));
    const bound =
      p.max !== undefined && v > p.max ? p.max : p.min !== undefined && v < p.min ? p.min : undefined;
    if (bound === undefined) continue;
    ctx.findings.push(
      finding(
        "PLAUSIBILITY",
        { sheet: a.sheet, cell: a.cell, field: m.computedKey },
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
  const integrity = checkIntegrity(
    snapshot,
    template,
    options.registry ?? TEMPLATES,
    options.requireStamp ?? true,
  );
  const t = integrity.template;
  const ctx: Context = {
    snapshot,
    template: t,
    addresses: integrity.addresses,
    sheets: integrity.sheets,
    area: null,
    lastMonth: null,
    values: {},
    bad: new Set(),
    findings: [...integrity.findings],
    options: {
      jumpFactor: options.jumpFactor ?? 3,
      jumpMinValue: options.jumpMinValue ?? 10,
      plausibility: options.plausibility ?? true,
      requireStamp: options.requireStamp ?? true,
    },
  };
  checkMerged(ctx);
  const empty = readAll(ctx);
  const areaValue = ctx.values[t.roles.area];
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
  const pt = ctx.values[t.roles.periodType];
  const p = ctx.values[t.roles.period];
  if ((pt === "manad" || pt === "kvartal" || pt === "ar") && !ctx.bad.has(t.roles.period)) {
    ctx.lastMonth = lastMonthOfPeriod(pt, typeof p === "number" ? p : null) ?? null;
  }
  for (const f of t.fields) checkField(ctx, f, empty.get(f.key) ?? false);
  checkSeries(ctx, empty);
  const deps = dependencies(t);
  const broken = checkComputed(ctx, deps);
  const typed = typedComputed(ctx);
  checkCross(ctx, broken, deps, typed);
  checkMetrics(ctx, deps, typed);
  return sortAndDedupe(
    groupSeriesText(ctx.findings, t),
    t.sheets.map((s) => integrity.sheets.get(s.name) ?? s.name),
  );
}
