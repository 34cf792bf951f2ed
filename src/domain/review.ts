/**
 * The one review path: which template version the workbook is, its findings (integrity,
 * structure, validation) and verdict, the typed submission, its metrics and the deviations from
 * the avtal that applies to it. `uppf validate`, the task pane and the server's own verdict all
 * call this, so the same file gets the same verdict and findings everywhere.
 */
import { evaluateContract, type Avtal, type Deviation } from "./contract";
import { computeMetrics, type Metrics, type MetricsOptions } from "./metrics";
import type { WorkbookSnapshot } from "./snapshot";
import { LATEST_TEMPLATE, TEMPLATES } from "./template/registry";
import type { AreaCode, TemplateDefinition } from "./template/types";
import { codeLabel } from "./template/values";
import { summarise, verdict, type Finding, type Severity, type Verdict } from "./validate/findings";
import { checkIntegrity } from "./validate/integrity";
import { readSubmission, type Submission } from "./validate/read";
import { validateSubmission, type ValidateOptions } from "./validate/validate";

/** Options for {@link reviewSubmission}. */
export interface ReviewOptions extends ValidateOptions, MetricsOptions {
  /** Template to review against (default: the newest; an older stamped version is used as found). */
  template?: TemplateDefinition;
  /** The avtal to choose from: the one whose id (and area) matches the submission's applies. */
  avtal?: readonly Avtal[];
  /** Evaluation date for deadlines and åtgärdsplan due dates (ISO). Required when `avtal` is given. */
  today?: string;
}

/** Why no avtal was applied to a submission although some were given. */
export interface AvtalMismatch {
  /** Swedish one-line reason, e.g. "inget av de angivna avtalen har id HT-LOV-2023". */
  reason: string;
}

/** Everything a reviewer needs about one workbook. */
export interface Review {
  /** The template version the workbook was read with. */
  template: TemplateDefinition;
  findings: Finding[];
  counts: Record<Severity, number>;
  verdict: Verdict;
  submission: Submission;
  /** Metrics, with the result requirement of the applied avtal (else the default rule). */
  metrics: Metrics;
  /** The avtal applied (its id and area match the submission's), or null. */
  avtal: Avtal | null;
  /** Every clause of the applied avtal evaluated, by avtal id (empty when none applied). */
  deviations: Record<string, Deviation[]>;
  /** Set when avtal were given but none applies to this submission. */
  avtalMismatch: AvtalMismatch | null;
}

/**
 * The avtal that applies to a submission: the same avtal id and an area the avtal covers. Of
 * several versions, the one in force at the end of the reporting period (else the newest).
 */
export function applicableAvtal(
  avtal: readonly Avtal[],
  submission: Pick<Submission, "avtalId" | "area" | "year" | "lastMonth">,
  template: TemplateDefinition = LATEST_TEMPLATE,
): { avtal: Avtal | null; mismatch: AvtalMismatch | null } {
  if (avtal.length === 0) return { avtal: null, mismatch: null };
  if (submission.avtalId === null)
    return {
      avtal: null,
      mismatch: { reason: "filen anger inget avtals-id; avtalskontrollen hoppades över" },
    };
  const sameId = avtal.filter((a) => a.id === submission.avtalId);
  if (sameId.length === 0)
    return {
      avtal: null,
      mismatch: {
        reason: `inget av de angivna avtalen har filens avtals-id ${submission.avtalId}; avtalskontrollen hoppades över`,
      },
    };
  const area = submission.area;
  const inArea = area === null ? sameId : sameId.filter((a) => a.areas.includes(area as AreaCode));
  if (inArea.length === 0) {
    const list = template.fields.find((f) => f.key === template.roles.area)?.codeList ?? "";
    const label = (code: string) => codeLabel(template, list, code) ?? code;
    return {
      avtal: null,
      mismatch: {
        reason: `avtal ${submission.avtalId} gäller ${sameId[0].areas.map(label).join(", ")}, inte filens verksamhetsområde ${label(area!)}; avtalskontrollen hoppades över`,
      },
    };
  }
  const end =
    submission.year !== null && submission.lastMonth !== null
      ? new Date(Date.UTC(submission.year, submission.lastMonth, 0)).toISOString().slice(0, 10)
      : null;
  const newest = [...inArea].sort((a, b) => b.validFrom.localeCompare(a.validFrom));
  const inForce = end
    ? newest.find((a) => a.validFrom <= end && (!a.validTo || a.validTo >= end))
    : undefined;
  return { avtal: inForce ?? newest[0], mismatch: null };
}

/**
 * Review a workbook snapshot: integrity and structure, validation, the typed submission, its
 * metrics and the avtal that applies to it (same avtal id and area).
 */
export function reviewSubmission(snapshot: WorkbookSnapshot, options: ReviewOptions = {}): Review {
  const requested = options.template ?? LATEST_TEMPLATE;
  const registry = options.registry ?? TEMPLATES;
  const integrity = checkIntegrity(snapshot, requested, registry, options.requireStamp ?? true);
  const template = integrity.template;
  const findings = validateSubmission(snapshot, requested, options);
  const submission = readSubmission(snapshot, template, integrity.addresses);
  if (options.area) submission.area = options.area;
  const chosen = options.avtal
    ? applicableAvtal(options.avtal, submission, template)
    : { avtal: null, mismatch: null };
  const rule = chosen.avtal?.resultRequirement ?? options.rule;
  const metrics = computeMetrics(submission, template, rule ? { rule } : {});
  const deviations: Record<string, Deviation[]> = {};
  if (chosen.avtal) {
    if (!options.today) throw new Error("Ange dagens datum (today) för att bedöma avtal");
    deviations[chosen.avtal.id] = evaluateContract(submission, metrics, chosen.avtal, options.today);
  }
  return {
    template,
    findings,
    counts: summarise(findings),
    verdict: verdict(findings),
    submission,
    metrics,
    avtal: chosen.avtal,
    deviations,
    avtalMismatch: chosen.mismatch,
  };
}
