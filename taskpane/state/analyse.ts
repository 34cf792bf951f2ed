/**
 * What the views show about a workbook, computed once per read: findings and verdict
 * (validateSubmission), the typed submission (template id/version, provider, period) and the
 * template the workbook was validated against.
 */
import {
  LATEST_TEMPLATE,
  TEMPLATES,
  checkIntegrity,
  readSubmission,
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
}

export function analyse(snapshot: WorkbookSnapshot): Analysis {
  const integrity = checkIntegrity(snapshot, LATEST_TEMPLATE, TEMPLATES, true);
  const template = integrity.template;
  const findings = validateSubmission(snapshot, LATEST_TEMPLATE);
  const submission = readSubmission(snapshot, template, integrity.addresses);
  const stamped = !findings.some((f) => f.code === "TEMPLATE_STAMP_MISSING");
  return { snapshot, template, stamped, findings, counts: summarise(findings), verdict: verdict(findings), submission };
}

/** The cells a finding points at (several for grouped findings). */
export function findingCells(f: Finding): string[] {
  if (f.cells && f.cells.length > 0) return f.cells;
  return f.cell ? [f.cell] : [];
}
