/**
 * What the views show about a workbook, computed once per read: findings and verdict
 * (validateSubmission), the typed submission (template id/version, provider, period) and the
 * template the workbook was validated against.
 */
import {
  LATEST_TEMPLATE,
  TEMPLATES,
  checkIntegrity,
  codeLabel,
  readSubmission,
  templateStamp,
  summarise,
  validateSubmission,
  verdict,
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
  const integrity = checkIntegrity(snapshot, LATEST_TEMPLATE, TEMPLATES, true);
  const template = integrity.template;
  const findings = validateSubmission(snapshot, LATEST_TEMPLATE);
  const submission = readSubmission(snapshot, template, integrity.addresses);
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
    counts: summarise(findings),
    verdict: verdict(findings),
    submission,
    stampText,
    areaLabel,
  };
}

export { findingCells } from "./findingCells";
