/**
 * Contract (avtal) rules and deviations. An avtal is data (zod-validated JSON): LOV authorisation
 * terms, an LOU contract, or an internal agreement with in-house production — the same rules apply
 * to all three. `evaluateContract` measures a submission against each clause and cites it.
 */
import { z } from "zod";
import { formatKr, formatNumber, formatPercent } from "./format";
import { metricValue, resultRequirement, ResultRequirementRuleSchema, type Metrics } from "./metrics";
import { isValidOrgNumber } from "./orgnr";
import { notComputable, ok, type Computed } from "./result";
import { AreaCodeSchema } from "./template/types";
import type { Submission } from "./validate/read";

const IsoDate = z.iso.date({ message: "Datum ska skrivas ÅÅÅÅ-MM-DD" });

export const SanctionSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("vite"),
    amountKr: z.number().nonnegative(),
    description: z.string().optional(),
  }),
  z.object({
    kind: z.literal("andelAvErsattning"),
    /** Fraction of the compensation for the period (0,01 = 1 %). */
    share: z.number().positive().max(1),
    description: z.string().optional(),
  }),
]);
/** A sanction: a fixed vite or a share of the compensation (ersättning) for the period. */
export type Sanction = z.infer<typeof SanctionSchema>;

export const ActionPlanSchema = z.object({
  required: z.boolean(),
  /** Days from the evaluation date to the åtgärdsplan's due date. */
  dueDays: z.number().int().positive().max(365),
});

export const ToleranceSchema = z.object({
  kind: z.enum(["absolute", "percent"]),
  /** Absolute: in the measure's unit (fractions for percentages). Percent: share of the target (0,1 = 10 %). */
  value: z.number().nonnegative(),
});
/** How far from the target a value may be and still count as a warning rather than a deviation. */
export type Tolerance = z.infer<typeof ToleranceSchema>;

export const ClauseSchema = z.object({
  /** Clause id as written in the avtal, e.g. "6.3". */
  id: z.string().min(1),
  title: z.string().min(1),
  /** Where in the documents the clause is, e.g. "Förfrågningsunderlag, avsnitt 6.3". */
  reference: z.string().optional(),
  /** "metric:<id>" (see Metrics.values) or "field:<template field key>". */
  measure: z
    .string()
    .regex(/^(metric|field):[A-Za-z0-9_.]+$/, "Mått ska vara metric:<id> eller field:<nyckel>"),
  /** Unit for display: "%", "kr", "antal", ... */
  unit: z.string().default(""),
  comparator: z.enum(["gte", "lte", "eq"]),
  /** A number, or the result requirement (resultatkrav) for the year. */
  target: z.union([z.number(), z.object({ kind: z.literal("resultatkrav") })]),
  tolerance: ToleranceSchema.default({ kind: "absolute", value: 0 }),
  effective: z.object({ from: IsoDate, to: IsoDate.optional() }).optional(),
  appliesTo: z.array(AreaCodeSchema).optional(),
  severity: z.enum(["låg", "medel", "hög"]),
  sanction: SanctionSchema.optional(),
  actionPlan: ActionPlanSchema.optional(),
});
/** One measurable clause. */
export type Clause = z.infer<typeof ClauseSchema>;

export const ReportingRuleSchema = z.object({
  clauseId: z.string().min(1),
  title: z.string().default("Rapportering"),
  reference: z.string().optional(),
  /** The report is due on this day of the month ... */
  dayOfMonth: z.number().int().min(1).max(31),
  /** ... this many months after the end of the reporting period (1 = the month after). */
  monthsAfterPeriod: z.number().int().min(0).max(12),
  severity: z.enum(["låg", "medel", "hög"]).default("medel"),
  sanction: SanctionSchema.optional(),
  actionPlan: ActionPlanSchema.optional(),
});

export const PartySchema = z.object({
  role: z.enum(["beställare", "utförare"]),
  name: z.string().min(1),
  orgnr: z
    .string()
    .refine((v) => isValidOrgNumber(v), { message: "Ogiltigt organisationsnummer (NNNNNN-NNNN)" })
    .optional(),
});

export const AvtalSchema = z
  .object({
    id: z.string().min(1),
    version: z.string().min(1),
    /** LOV (valfrihetssystem), LOU (upphandlat avtal) or intern (överenskommelse/direktbeställning i egen regi). */
    kind: z.enum(["LOV", "LOU", "intern"]),
    title: z.string().min(1),
    parties: z.array(PartySchema).min(2),
    areas: z.array(AreaCodeSchema).min(1),
    validFrom: IsoDate,
    validTo: IsoDate.optional(),
    reporting: ReportingRuleSchema.optional(),
    resultRequirement: ResultRequirementRuleSchema.optional(),
    clauses: z.array(ClauseSchema),
  })
  .superRefine((a, ctx) => {
    if (a.validTo && a.validTo < a.validFrom) {
      ctx.addIssue({
        code: "custom",
        path: ["validTo"],
        message: "Avtalet kan inte upphöra före giltighetsdagen",
      });
    }
    const ids = new Set<string>();
    a.clauses.forEach((c, i) => {
      if (ids.has(c.id))
        ctx.addIssue({
          code: "custom",
          path: ["clauses", i, "id"],
          message: `Punkt ${c.id} förekommer två gånger`,
        });
      ids.add(c.id);
      if (typeof c.target !== "number" && !a.resultRequirement) {
        ctx.addIssue({
          code: "custom",
          path: ["clauses", i, "target"],
          message: "Målet resultatkrav kräver att avtalet anger resultRequirement",
        });
      }
    });
  });
/** An avtal as data. */
export type Avtal = z.infer<typeof AvtalSchema>;
/** An avtal as written in JSON (defaults not yet applied). */
export type AvtalInput = z.input<typeof AvtalSchema>;

/** Parse an avtal from unknown JSON, with Swedish messages and paths. */
export function parseAvtal(json: unknown): { ok: true; avtal: Avtal } | { ok: false; errors: string[] } {
  const r = AvtalSchema.safeParse(json);
  if (r.success) return { ok: true, avtal: r.data };
  return { ok: false, errors: r.error.issues.map((i) => `${i.path.join(".") || "(avtalet)"}: ${i.message}`) };
}

/** Status of a clause. */
export type DeviationStatus = "ok" | "warning" | "deviation" | "not_evaluable";

/** A sanction as it applies to this evaluation. */
export interface AppliedSanction {
  kind: Sanction["kind"];
  description: string;
  /** Amount in kr, or null when it cannot be computed (reason in `description`). */
  amountKr: number | null;
}

/** One clause evaluated against a submission. */
export interface Deviation {
  avtalId: string;
  avtalVersion: string;
  clauseId: string;
  clauseTitle: string;
  reference: string | null;
  kind: "measure" | "deadline" | "validity";
  measure: string | null;
  status: DeviationStatus;
  actual: number | null;
  target: number | null;
  comparator: "gte" | "lte" | "eq" | null;
  /** actual − target. */
  gap: number | null;
  /** How far beyond the edge of the tolerance band (0 when inside the band). */
  outsideBand: number | null;
  severity: "låg" | "medel" | "hög";
  sanction: AppliedSanction | null;
  actionPlanRequired: boolean;
  /** ISO date the åtgärdsplan is due, or null. */
  actionPlanDue: string | null;
  /** Swedish explanation, citing the clause. */
  message: string;
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function lastDayOfMonth(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** Days from a to b (b − a). */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** The reporting deadline: `dayOfMonth` of the month `monthsAfter` months after the period's last month. */
export function reportingDeadline(
  year: number,
  lastMonth: number,
  dayOfMonth: number,
  monthsAfter: number,
): string {
  const monthIndex = lastMonth - 1 + monthsAfter; // 0-based, may exceed 11
  const y = year + Math.floor(monthIndex / 12);
  const m = (monthIndex % 12) + 1;
  const lastDay = Number(lastDayOfMonth(y, m).slice(8));
  return `${y}-${String(m).padStart(2, "0")}-${String(Math.min(dayOfMonth, lastDay)).padStart(2, "0")}`;
}

function showValue(v: number, unit: string): string {
  if (unit === "%") return formatPercent(v);
  if (unit === "kr") return formatKr(v);
  return `${formatNumber(v)}${unit ? ` ${unit}` : ""}`;
}

function applySanction(s: Sanction | undefined, metrics: Metrics): AppliedSanction | null {
  if (!s) return null;
  if (s.kind === "vite")
    return {
      kind: "vite",
      description: s.description ?? `Vite ${formatKr(s.amountKr)}`,
      amountKr: s.amountKr,
    };
  const base = metrics.revenue;
  const desc = s.description ?? `${formatPercent(s.share)} av ersättningen för perioden`;
  return base.ok
    ? { kind: s.kind, description: desc, amountKr: Math.round(base.value * s.share) }
    : { kind: s.kind, description: `${desc} (beloppet kan inte beräknas: ${base.reason})`, amountKr: null };
}

function measureValue(measure: string, submission: Submission, metrics: Metrics): Computed {
  const [source, id] = [measure.slice(0, measure.indexOf(":")), measure.slice(measure.indexOf(":") + 1)];
  if (source === "metric") return metricValue(metrics, id);
  const v = submission.values[id];
  if (typeof v === "number") return ok(v);
  return notComputable(
    "na",
    v === undefined ? `Uppgiften ${id} finns inte i mallen` : `Uppgiften ${id} saknas i rapporten`,
  );
}

/** Compare a value with a target and tolerance band. */
export function compareToTarget(
  actual: number,
  target: number,
  comparator: "gte" | "lte" | "eq",
  tolerance: Tolerance,
): { status: "ok" | "warning" | "deviation"; gap: number; outsideBand: number } {
  const band = tolerance.kind === "absolute" ? tolerance.value : Math.abs(target) * tolerance.value;
  const gap = actual - target;
  const eps = 1e-9 * Math.max(1, Math.abs(target));
  let shortfall: number; // how far on the wrong side of the target
  if (comparator === "gte") shortfall = target - actual;
  else if (comparator === "lte") shortfall = actual - target;
  else shortfall = Math.abs(gap);
  if (shortfall <= eps) return { status: "ok", gap, outsideBand: 0 };
  if (shortfall <= band + eps) return { status: "warning", gap, outsideBand: 0 };
  return { status: "deviation", gap, outsideBand: shortfall - band };
}

const COMPARATOR_TEXT = { gte: "minst", lte: "högst", eq: "lika med" } as const;

function periodBounds(submission: Submission): { start: string; end: string } | null {
  if (submission.year === null || submission.lastMonth === null) return null;
  return { start: `${submission.year}-01-01`, end: lastDayOfMonth(submission.year, submission.lastMonth) };
}

function base(
  avtal: Avtal,
  c: { id: string; title: string; reference?: string },
  severity: Deviation["severity"],
) {
  return {
    avtalId: avtal.id,
    avtalVersion: avtal.version,
    clauseId: c.id,
    clauseTitle: c.title,
    reference: c.reference ?? null,
    severity,
  };
}

function evaluateClause(
  c: Clause,
  avtal: Avtal,
  submission: Submission,
  metrics: Metrics,
  today: string,
): Deviation {
  const cite = `(avtal ${avtal.id} version ${avtal.version}, punkt ${c.id})`;
  const common = {
    ...base(avtal, c, c.severity),
    kind: "measure" as const,
    measure: c.measure,
    comparator: c.comparator,
  };
  const actual = measureValue(c.measure, submission, metrics);
  const target: Computed =
    typeof c.target === "number"
      ? ok(c.target)
      : !avtal.resultRequirement
        ? metrics.requiredMargin
        : submission.year === null
          ? notComputable("na", "Rapportåret saknas")
          : resultRequirement(submission.year, avtal.resultRequirement);
  if (!actual.ok || !target.ok) {
    const reason = !actual.ok ? actual.reason : !target.ok ? target.reason : "";
    return {
      ...common,
      status: "not_evaluable",
      actual: actual.ok ? actual.value : null,
      target: target.ok ? target.value : null,
      gap: null,
      outsideBand: null,
      sanction: null,
      actionPlanRequired: false,
      actionPlanDue: null,
      message: `${c.title}: kan inte bedömas – ${reason} ${cite}.`,
    };
  }
  const cmp = compareToTarget(actual.value, target.value, c.comparator, c.tolerance);
  const isDev = cmp.status === "deviation";
  const planRequired = isDev && Boolean(c.actionPlan?.required);
  const wanted = `${COMPARATOR_TEXT[c.comparator]} ${showValue(target.value, c.unit)}`;
  const message =
    cmp.status === "ok"
      ? `${c.title}: ${showValue(actual.value, c.unit)}, krav ${wanted} – uppfyllt ${cite}.`
      : cmp.status === "warning"
        ? `${c.title}: ${showValue(actual.value, c.unit)}, krav ${wanted} – inom toleransen men under målet ${cite}.`
        : `${c.title}: ${showValue(actual.value, c.unit)}, krav ${wanted} – avvikelse, ${showValue(cmp.outsideBand, c.unit)} utanför toleransen ${cite}.${planRequired ? ` Åtgärdsplan krävs senast ${addDays(today, c.actionPlan!.dueDays)}.` : ""}`;
  return {
    ...common,
    status: cmp.status,
    actual: actual.value,
    target: target.value,
    gap: cmp.gap,
    outsideBand: cmp.outsideBand,
    sanction: isDev ? applySanction(c.sanction, metrics) : null,
    actionPlanRequired: planRequired,
    actionPlanDue: planRequired ? addDays(today, c.actionPlan!.dueDays) : null,
    message,
  };
}

function evaluateDeadline(
  avtal: Avtal,
  submission: Submission,
  metrics: Metrics,
  today: string,
): Deviation | null {
  const r = avtal.reporting;
  if (!r) return null;
  const common = {
    ...base(avtal, { id: r.clauseId, title: r.title, reference: r.reference }, r.severity),
    kind: "deadline" as const,
    measure: null,
    comparator: null,
    target: null,
  };
  const cite = `(avtal ${avtal.id} version ${avtal.version}, punkt ${r.clauseId})`;
  if (submission.year === null || submission.lastMonth === null) {
    return {
      ...common,
      status: "not_evaluable",
      actual: null,
      gap: null,
      outsideBand: null,
      sanction: null,
      actionPlanRequired: false,
      actionPlanDue: null,
      message: `${r.title}: fristen kan inte bestämmas eftersom rapportperioden saknas ${cite}.`,
    };
  }
  const due = reportingDeadline(submission.year, submission.lastMonth, r.dayOfMonth, r.monthsAfterPeriod);
  const submitted = submission.submittedOn ?? today;
  const late = daysBetween(due, submitted);
  const planRequired = late > 0 && Boolean(r.actionPlan?.required);
  return {
    ...common,
    status: late > 0 ? "deviation" : "ok",
    actual: late,
    gap: late,
    outsideBand: Math.max(late, 0),
    sanction: late > 0 ? applySanction(r.sanction, metrics) : null,
    actionPlanRequired: planRequired,
    actionPlanDue: planRequired ? addDays(today, r.actionPlan!.dueDays) : null,
    message:
      late > 0
        ? `${r.title}: rapporten skulle ha lämnats senast ${due} men lämnades ${submitted}, ${late} ${late === 1 ? "dag" : "dagar"} för sent ${cite}.`
        : `${r.title}: lämnad ${submitted}, senast ${due} – i tid ${cite}.`,
  };
}

/**
 * Evaluate a submission against an avtal on a given day (ISO date). Returns one entry per
 * applicable clause (status ok, warning, deviation or not_evaluable) plus the reporting deadline;
 * a period outside the avtal's validity gives a single validity deviation.
 */
export function evaluateContract(
  submission: Submission,
  metrics: Metrics,
  avtal: Avtal,
  today: string,
): Deviation[] {
  const period = periodBounds(submission);
  if (
    period &&
    (period.end < avtal.validFrom || (avtal.validTo !== undefined && period.start > avtal.validTo))
  ) {
    return [
      {
        ...base(avtal, { id: "giltighet", title: "Avtalets giltighetstid" }, "hög"),
        kind: "validity",
        measure: null,
        status: "deviation",
        actual: null,
        target: null,
        comparator: null,
        gap: null,
        outsideBand: null,
        sanction: null,
        actionPlanRequired: false,
        actionPlanDue: null,
        message: `Rapportperioden ${period.start}–${period.end} ligger utanför avtalets giltighetstid ${avtal.validFrom}–${avtal.validTo ?? "tills vidare"} (avtal ${avtal.id} version ${avtal.version}).`,
      },
    ];
  }
  const out: Deviation[] = [];
  for (const c of avtal.clauses) {
    if (c.appliesTo && submission.area !== null && !c.appliesTo.includes(submission.area)) continue;
    if (
      c.effective &&
      period &&
      (period.end < c.effective.from || (c.effective.to !== undefined && period.start > c.effective.to))
    )
      continue;
    out.push(evaluateClause(c, avtal, submission, metrics, today));
  }
  const deadline = evaluateDeadline(avtal, submission, metrics, today);
  if (deadline) out.push(deadline);
  return out;
}

/** Only the entries that need attention (warning, deviation, not_evaluable). */
export function deviationsOnly(results: readonly Deviation[]): Deviation[] {
  return results.filter((d) => d.status !== "ok");
}
