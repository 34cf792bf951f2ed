/**
 * Metrics: productivity, cost per unit, rörelsemarginal and the result requirement (resultatkrav)
 * as an effective-dated ramp. Every function returns a {@link Computed}: "not computable" with a
 * Swedish reason instead of NaN or Infinity. The primitives are what the custom functions wrap.
 */
import { z } from "zod";
import { formatPercent } from "./format";
import {
  finite,
  notComputable,
  ok,
  requireNumber,
  safeDivide,
  type Computed,
  type NumberInput,
} from "./result";
import type { SnapshotValue } from "./snapshot";
import { computeCells } from "./template/values";
import type { AreaCode, TemplateDefinition } from "./template/types";
import type { Submission } from "./validate/read";

// ---------------------------------------------------------------------------------------------
// Primitives
// ---------------------------------------------------------------------------------------------

/** Volume per årsarbetare, e.g. visits per full-time equivalent. */
export function productivity(volume: NumberInput, fte: NumberInput): Computed {
  const r = safeDivide(volume, fte, { numerator: "Volymen", denominator: "Antalet årsarbetare" });
  if (r.ok && r.value < 0) return notComputable("value", "Volym och årsarbetare får inte vara negativa");
  return r;
}

/** Cost per unit (kr per visit, per granted hour, per care day ...). */
export function costPerUnit(cost: NumberInput, volume: NumberInput): Computed {
  return safeDivide(cost, volume, { numerator: "Kostnaden", denominator: "Volymen" });
}

/** Rörelseresultat = intäkter − kostnader − avskrivningar (avskrivningar may be missing = 0). */
export function operatingResult(
  revenue: NumberInput,
  costs: NumberInput,
  depreciation: NumberInput = 0,
): Computed {
  const r = requireNumber(revenue, "Intäkterna");
  if (!r.ok) return r;
  const c = requireNumber(costs, "Kostnaderna");
  if (!c.ok) return c;
  const d =
    depreciation === null || depreciation === undefined
      ? ok(0)
      : requireNumber(depreciation, "Avskrivningarna");
  if (!d.ok) return d;
  return finite(r.value - c.value - d.value);
}

/** Rörelsemarginal = rörelseresultat / intäkter, as a fraction (0,032 = 3,2 %). */
export function operatingMargin(result: NumberInput, revenue: NumberInput): Computed {
  return safeDivide(result, revenue, { numerator: "Rörelseresultatet", denominator: "Intäkterna" });
}

// ---------------------------------------------------------------------------------------------
// Result requirement (resultatkrav)
// ---------------------------------------------------------------------------------------------

export const ResultRequirementRuleSchema = z
  .object({
    id: z.string().min(1),
    /** First day the rule applies (ISO date). */
    validFrom: z.iso.date(),
    /** Last day the rule applies (ISO date), open-ended when absent. */
    validTo: z.iso.date().optional(),
    /** Year the ramp starts. */
    startYear: z.number().int().min(1900).max(2200),
    /** Required margin in the start year (fraction). */
    start: z.number().min(-1).max(1),
    /** Increase per year (fraction, e.g. 0,01 = 1 procentenhet). */
    step: z.number().min(-1).max(1),
    /** Highest (for a rising ramp) required margin (fraction). */
    cap: z.number().min(-1).max(1),
    /** Where the rule comes from. */
    source: z.string().optional(),
  })
  .refine((r) => !r.validTo || r.validTo >= r.validFrom, {
    message: "validTo ska vara samma dag som eller efter validFrom",
  });

/** An effective-dated ramp: required margin for year y = min(start + (y − startYear)·step, cap). */
export type ResultRequirementRule = z.infer<typeof ResultRequirementRuleSchema>;

/** Österåker, Produktionsutskottet: 1 % 2019, +1 procentenhet per år, högst 3 %. */
export const OSTERAKER_RESULT_RULE: ResultRequirementRule = {
  id: "osteraker-resultatkrav-2019",
  validFrom: "2019-01-01",
  startYear: 2019,
  start: 0.01,
  step: 0.01,
  cap: 0.03,
  source: "Österåkers kommun, Produktionsutskottet: resultatkrav för egenregin",
};

const round12 = (x: number) => Math.round(x * 1e12) / 1e12;

function ruleInEffect(
  year: number,
  rules: readonly ResultRequirementRule[],
): ResultRequirementRule | undefined {
  const yearStart = `${String(year).padStart(4, "0")}-01-01`;
  const yearEnd = `${String(year).padStart(4, "0")}-12-31`;
  // The latest rule that has started by the end of the year and not ended before it began.
  return [...rules]
    .filter((r) => r.validFrom <= yearEnd && (!r.validTo || r.validTo >= yearStart))
    .sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0];
}

/**
 * The required rörelsemarginal for a year: min(start + (year − startYear)·step, cap) under the
 * rule (or the latest of several rules) in effect that year. Years before the ramp or without a
 * rule in effect are "not computable" with the reason.
 */
export function resultRequirement(
  year: number,
  rule: ResultRequirementRule | readonly ResultRequirementRule[],
): Computed {
  if (!Number.isInteger(year)) return notComputable("value", "Året ska vara ett heltal");
  const rules = Array.isArray(rule) ? rule : [rule as ResultRequirementRule];
  const r = ruleInEffect(year, rules);
  if (!r) {
    const upcoming = rules
      .filter((x) => Number(x.validFrom.slice(0, 4)) > year)
      .sort((a, b) => a.validFrom.localeCompare(b.validFrom))[0];
    return notComputable(
      "na",
      upcoming
        ? `Resultatkravet gäller från ${upcoming.validFrom.slice(0, 4)}`
        : `Inget resultatkrav gäller för ${year}`,
    );
  }
  if (year < r.startYear) return notComputable("na", `Resultatkravet gäller från ${r.startYear}`);
  const raw = r.start + (year - r.startYear) * r.step;
  const capped = r.step >= 0 ? Math.min(raw, r.cap) : Math.max(raw, r.cap);
  return ok(round12(capped));
}

/** The result in kronor that the requirement asks for: intäkter × required margin. */
export function requiredResult(revenue: NumberInput, requiredMargin: NumberInput): Computed {
  const r = requireNumber(revenue, "Intäkterna");
  if (!r.ok) return r;
  const m = requireNumber(requiredMargin, "Resultatkravet");
  if (!m.ok) return m;
  return finite(r.value * m.value);
}

/** Gap in kronor: actual result − required result (negative = below the requirement). */
export function resultGap(result: NumberInput, revenue: NumberInput, requiredMargin: NumberInput): Computed {
  const req = requiredResult(revenue, requiredMargin);
  if (!req.ok) return req;
  const a = requireNumber(result, "Rörelseresultatet");
  if (!a.ok) return a;
  return finite(a.value - req.value);
}

/** Equity carried forward: UB = IB + result + other changes (other may be missing = 0). */
export function equityCarryForward(
  opening: NumberInput,
  result: NumberInput,
  other: NumberInput = 0,
): Computed {
  const o = requireNumber(opening, "Eget kapital IB");
  if (!o.ok) return o;
  const r = requireNumber(result, "Resultatet");
  if (!r.ok) return r;
  const x = other === null || other === undefined ? ok(0) : requireNumber(other, "Övriga förändringar");
  if (!x.ok) return x;
  return finite(o.value + r.value + x.value);
}

/** One year of a result unit's history. */
export interface ResultYear {
  year: number;
  revenue: number | null;
  result: number | null;
}

/** One year of the carry-forward table. */
export interface ResultYearOutcome {
  year: number;
  requiredMargin: Computed;
  margin: Computed;
  requiredResult: Computed;
  /** result − required result, kr */
  gap: Computed;
  /** Equity after the year (IB + result); not computable once a result is missing. */
  equityClosing: Computed;
  /** Sum of gaps so far: over- and under-results carried forward. */
  cumulativeGap: Computed;
}

/**
 * Carry results forward year by year for a result unit (resultatenhet): each year's margin
 * against the requirement, the gap in kronor, the equity after the year and the cumulative gap.
 */
export function carryForward(
  years: readonly ResultYear[],
  rule: ResultRequirementRule | readonly ResultRequirementRule[],
  openingEquity: number,
): ResultYearOutcome[] {
  let equity: Computed = requireNumber(openingEquity, "Eget kapital IB");
  let cumulative: Computed = ok(0);
  return [...years]
    .sort((a, b) => a.year - b.year)
    .map((y) => {
      const requiredMargin = resultRequirement(y.year, rule);
      const margin = operatingMargin(y.result, y.revenue);
      const req = requiredMargin.ok ? requiredResult(y.revenue, requiredMargin.value) : requiredMargin;
      const gap = req.ok && requiredMargin.ok ? resultGap(y.result, y.revenue, requiredMargin.value) : req;
      equity = equity.ok ? equityCarryForward(equity.value, y.result) : equity;
      cumulative =
        cumulative.ok && gap.ok ? finite(cumulative.value + gap.value) : cumulative.ok ? gap : cumulative;
      return {
        year: y.year,
        requiredMargin,
        margin,
        requiredResult: req,
        gap,
        equityClosing: equity,
        cumulativeGap: cumulative,
      };
    });
}

/** Swedish one-line description: "Rörelsemarginal 3,2 % mot krav 3,0 %: uppfyllt". */
export function describeRequirement(margin: Computed, required: Computed): string {
  if (!margin.ok) return `Rörelsemarginalen kan inte beräknas: ${margin.reason}`;
  if (!required.ok) return `Resultatkrav saknas: ${required.reason}`;
  const met = margin.value >= required.value - 1e-12;
  return `Rörelsemarginal ${formatPercent(margin.value)} mot krav ${formatPercent(required.value)}: ${met ? "uppfyllt" : "ej uppfyllt"}`;
}

// ---------------------------------------------------------------------------------------------
// Metrics for a submission
// ---------------------------------------------------------------------------------------------

/** The main volume per area, used for productivity per staff category. */
export const MAIN_VOLUME: Record<AreaCode, string> = {
  primarvard: "volymer.pv_listade",
  hemtjanst: "volymer.ht_utforda",
  sarskilt_boende: "volymer.sab_varddygn",
  forskola: "volymer.fsk_barn",
  grundskola: "volymer.gr_elever",
  lss_boende: "volymer.lss_dygn",
};

/** A named metric value. */
export interface MetricValue {
  id: string;
  label: string;
  unit: string;
  value: Computed;
}

/** All metrics of a submission. `values` holds every metric by id for contract rules. */
export interface Metrics {
  area: AreaCode | null;
  year: number | null;
  revenue: Computed;
  costs: Computed;
  operatingResult: Computed;
  operatingMargin: Computed;
  requiredMargin: Computed;
  requiredResult: Computed;
  resultGap: Computed;
  meetsRequirement: Computed<boolean>;
  staffTotal: Computed;
  equityClosingExpected: Computed;
  /** Aggregated volume per series key (sum or average over the reporting period). */
  volumes: Record<string, Computed>;
  /** Productivity and unit-cost metrics that apply to the area (template metric rules). */
  ratios: MetricValue[];
  /** Main volume per årsarbetare for each staff category with årsarbetare > 0. */
  perStaffCategory: MetricValue[];
  /** Every metric by id (e.g. "rorelsemarginal", "pv_listade_per_lakare", "volym.ht_beviljade"). */
  values: Record<string, Computed>;
}

/** Options for {@link computeMetrics}. */
export interface MetricsOptions {
  /** Result requirement rule(s); default {@link OSTERAKER_RESULT_RULE}. */
  rule?: ResultRequirementRule | readonly ResultRequirementRule[];
}

function num(values: Submission["values"], key: string): number | null {
  const v = values[key];
  return typeof v === "number" ? v : null;
}

/**
 * Compute the metrics of a read submission: volumes over the reporting period, productivity,
 * cost per unit, rörelsemarginal, the result requirement for the year and the gap in kronor.
 */
export function computeMetrics(
  submission: Submission,
  template: TemplateDefinition,
  options: MetricsOptions = {},
): Metrics {
  const rule = options.rule ?? OSTERAKER_RESULT_RULE;
  const r = template.roles;
  const input: Record<string, SnapshotValue> = {};
  for (const f of template.fields) {
    const v = submission.values[f.key];
    const inPeriod = !f.month || submission.lastMonth === null || f.month <= submission.lastMonth;
    input[f.key] = typeof v === "number" && inPeriod ? v : null;
  }
  const cells = computeCells(template, input);
  const cellNum = (key: string): number | null => {
    const v = key in cells ? cells[key] : input[key];
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  };
  const labelOf = (key: string) =>
    template.fields.find((f) => f.key === key)?.label ??
    template.computed.find((c) => c.key === key)?.label ??
    template.series.find((s) => s.key === key)?.label ??
    key;
  const need = (key: string): Computed => {
    const v = cellNum(key);
    return v === null ? notComputable("na", `${labelOf(key)} saknas`) : ok(v);
  };

  const revenue = requireNumber(num(submission.values, r.revenue), "Intäkterna");
  const costs = need(r.costsTotal);
  const depreciation = num(submission.values, r.depreciation);
  const result =
    revenue.ok && costs.ok
      ? operatingResult(revenue.value, costs.value, depreciation)
      : revenue.ok
        ? costs
        : revenue;
  const margin = result.ok ? operatingMargin(result.value, revenue.ok ? revenue.value : null) : result;
  const requiredMargin =
    submission.year === null
      ? notComputable("na", "Rapportåret saknas")
      : resultRequirement(submission.year, rule);
  const reqResult = requiredMargin.ok
    ? requiredResult(revenue.ok ? revenue.value : null, requiredMargin.value)
    : requiredMargin;
  const gap =
    reqResult.ok && result.ok ? finite(result.value - reqResult.value) : !reqResult.ok ? reqResult : result;
  const failed = !margin.ok ? margin : !requiredMargin.ok ? requiredMargin : undefined;
  const meets: Computed<boolean> =
    margin.ok && requiredMargin.ok
      ? ok(margin.value >= requiredMargin.value - 1e-12)
      : notComputable<boolean>(
          failed && !failed.ok ? failed.kind : "na",
          failed && !failed.ok ? failed.reason : "",
        );
  const staffTotal = need(r.staffTotal);
  const equity = result.ok
    ? equityCarryForward(
        num(submission.values, r.equityOpening),
        result.value,
        num(submission.values, r.equityOther),
      )
    : result;

  const applies = (x: { appliesTo?: AreaCode[] }) =>
    !x.appliesTo || (submission.area !== null && x.appliesTo.includes(submission.area));
  const volumes: Record<string, Computed> = {};
  for (const s of template.series) if (applies(s)) volumes[s.key] = need(s.totalKey);

  const ratios: MetricValue[] = template.metrics.filter(applies).map((m) => {
    const numerator = cellNum(m.num);
    const denParts = m.den.map(cellNum);
    const den = denParts.some((d) => d === null) ? null : denParts.reduce<number>((a, b) => a + (b ?? 0), 0);
    const labels = { numerator: labelOf(m.num), denominator: m.den.map(labelOf).join(" + ") };
    return { id: m.id, label: m.label, unit: m.unit, value: safeDivide(numerator, den, labels) };
  });

  const perStaffCategory: MetricValue[] = [];
  if (submission.area) {
    const series = template.series.find((s) => s.key === MAIN_VOLUME[submission.area!]);
    if (series) {
      for (const key of template.staffCategories) {
        const fte = num(submission.values, key);
        if (fte === null || fte <= 0) continue;
        perStaffCategory.push({
          id: `${series.key.replace(/^volymer\./, "")}_per_${key.replace(/^resurser\./, "")}`,
          label: `${series.label} per årsarbetare ${labelOf(key).toLowerCase()}`,
          unit: series.unit,
          value: productivity(cellNum(series.totalKey), fte),
        });
      }
    }
  }

  const values: Record<string, Computed> = {
    intakter: revenue,
    kostnader: costs,
    rorelseresultat: result,
    rorelsemarginal: margin,
    resultatkrav: requiredMargin,
    resultatkrav_kr: reqResult,
    resultatkrav_gap_kr: gap,
    arsarbetare: staffTotal,
    eget_kapital_ub_berakning: equity,
  };
  for (const [k, v] of Object.entries(volumes)) values[`volym.${k.replace(/^volymer\./, "")}`] = v;
  for (const m of [...ratios, ...perStaffCategory]) values[m.id] = m.value;

  return {
    area: submission.area,
    year: submission.year,
    revenue,
    costs,
    operatingResult: result,
    operatingMargin: margin,
    requiredMargin,
    requiredResult: reqResult,
    resultGap: gap,
    meetsRequirement: meets,
    staffTotal,
    equityClosingExpected: equity,
    volumes,
    ratios,
    perStaffCategory,
    values,
  };
}

/** Look up a metric by id, "not computable" when unknown. */
export function metricValue(metrics: Metrics, id: string): Computed {
  return metrics.values[id] ?? notComputable("na", `Okänt nyckeltal: ${id}`);
}
