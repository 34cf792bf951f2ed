/**
 * One call for a whole review: which template version the workbook is, its findings and verdict,
 * the typed submission, its metrics and (given an avtal) the contract deviations.
 */
import { evaluateContract, type Avtal, type Deviation } from "./contract";
import { computeMetrics, type Metrics, type MetricsOptions } from "./metrics";
import type { WorkbookSnapshot } from "./snapshot";
import { LATEST_TEMPLATE, TEMPLATES } from "./template/registry";
import type { TemplateDefinition } from "./template/types";
import { summarise, verdict, type Finding, type Severity, type Verdict } from "./validate/findings";
import { checkIntegrity } from "./validate/integrity";
import { readSubmission, type Submission } from "./validate/read";
import { validateSubmission, type ValidateOptions } from "./validate/validate";

/** Options for {@link reviewSubmission}. */
export interface ReviewOptions extends ValidateOptions, MetricsOptions {
  /** Template to review against (default: the newest; an older stamped version is used as found). */
  template?: TemplateDefinition;
  /** Evaluate these avtal (each gives its own deviations). */
  avtal?: readonly Avtal[];
  /** Evaluation date for deadlines and åtgärdsplan due dates (ISO). Required when `avtal` is given. */
  today?: string;
}

/** Everything a reviewer needs about one workbook. */
export interface Review {
  /** The template version the workbook was read with. */
  template: TemplateDefinition;
  findings: Finding[];
  counts: Record<Severity, number>;
  verdict: Verdict;
  submission: Submission;
  metrics: Metrics;
  /** Contract evaluations per avtal id (only for avtal whose id matches the submission's, or all when it has none). */
  deviations: Record<string, Deviation[]>;
}

/**
 * Review a workbook snapshot: validate, read, compute metrics and evaluate the avtal whose id
 * matches the submission's avtal id (all given avtal when the submission names none).
 */
export function reviewSubmission(snapshot: WorkbookSnapshot, options: ReviewOptions = {}): Review {
  const requested = options.template ?? LATEST_TEMPLATE;
  const registry = options.registry ?? TEMPLATES;
  const integrity = checkIntegrity(snapshot, requested, registry, options.requireStamp ?? true);
  const template = integrity.template;
  const findings = validateSubmission(snapshot, requested, options);
  const submission = readSubmission(snapshot, template, integrity.addresses);
  if (options.area) submission.area = options.area;
  const metrics = computeMetrics(submission, template, options);
  const deviations: Record<string, Deviation[]> = {};
  if (options.avtal && options.avtal.length > 0) {
    if (!options.today) throw new Error("Ange dagens datum (today) för att bedöma avtal");
    const matching = options.avtal.filter((a) => submission.avtalId === null || a.id === submission.avtalId);
    for (const a of matching) deviations[a.id] = evaluateContract(submission, metrics, a, options.today);
  }
  return {
    template,
    findings,
    counts: summarise(findings),
    verdict: verdict(findings),
    submission,
    metrics,
    deviations,
  };
}
