/**
 * The server's own verdict on a submitted workbook: the stored values (as a snapshot, from
 * store/workbookValues.ts) are reviewed with the domain's one review path (reviewSubmission),
 * the same as the task pane and `uppf validate`, so what is stored does not rest on what the
 * client claims.
 */
import { getTemplate, reviewSubmission, type WorkbookSnapshot } from "../domain";
import type { ServerVerdict } from "../api/submissions";

const STATUS = { GODKÄND: "godkand", "GODKÄND MED VARNINGAR": "varningar", UNDERKÄND: "fel" } as const;
const SEVERITY = { error: "fel", warning: "varning", info: "info" } as const;

export function serverVerdict(
  templateId: string,
  templateVersion: string,
  snapshot: WorkbookSnapshot | undefined,
): ServerVerdict {
  const template = getTemplate(templateId, templateVersion);
  if (!template || !snapshot) {
    return {
      status: "fel",
      errorCount: 1,
      warningCount: 0,
      findings: [
        {
          severity: "fel",
          message: `Mallen ${templateId}@${templateVersion} är okänd för servern; inlämningen kan inte granskas.`,
        },
      ],
    };
  }
  const { findings, counts, verdict } = reviewSubmission(snapshot, { template });
  return {
    status: STATUS[verdict],
    errorCount: counts.error,
    warningCount: counts.warning,
    findings: findings.map((f) => ({
      severity: SEVERITY[f.severity],
      code: f.code,
      ...(f.sheet ? { sheet: f.sheet } : {}),
      ...(f.cell ? { cell: f.cell } : {}),
      message: f.message,
      expected: f.expected ?? null,
      actual: f.actual ?? null,
    })),
  };
}
