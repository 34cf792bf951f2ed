/**
 * What the views show about a workbook, computed once per read with the domain's one review
 * path (reviewSubmission, the same as `uppf validate` and the server): findings and verdict, the
 * typed submission (template id/version, provider, period) and the template the workbook was
 * validated against.
 */
import {
  codeLabel,
  reviewSubmission,
  templateStamp,
  type Finding,
  type Severity,
  type Submission,
  type TemplateDefinition,
  type Verdict,
  type WorkbookSnapshot,
} from "../../src/domain";

export interface Analysis {
  snapshot: WorkbookSnapshot;
  template: TemplateDefinition;
  /** The workbook carries the template's stamp. */
  stamped: boolean;
  findings: Finding[];
  counts: Record<Severity, number>;
  verdict: Verdict;
  submission: Submission;
  /** "uppf-mall@1.1.0" as found in the workbook. */
  stampText: string;
  /** The verksamhetsområde's label, or null when unknown. */
  areaLabel: string | null;
}

export function analyse(snapshot: WorkbookSnapshot): Analysis {
  const { template, findings, counts, verdict, submission } = reviewSubmission(snapshot);
  const stamped = !findings.some((f) => f.code === "TEMPLATE_STAMP_MISSING");
  const stampText = templateStamp({ id: submission.templateId, version: submission.templateVersion });
  const areaLabel = submission.area
    ? (codeLabel(template, "verksamhetsomrade", submission.area) ?? submission.area)
    : null;
  return {
    snapshot,
    template,
    stamped,
    findings,
    counts,
    verdict,
    submission,
    stampText,
    areaLabel,
  };
}

export { findingCells } from "./findingCells";
