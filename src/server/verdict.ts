/**
 * The server's own verdict on a submitted workbook: the stored cells are read by the template's
 * cell addresses and validated with the same domain code as the task pane and `uppf validate`,
 * so what is stored does not rest on what the client claims.
 */
import {
  getTemplate,
  snapshotFromValues,
  validateSubmission,
  verdict as verdictOf,
  type SnapshotValue,
} from "../domain";
import type { CellValue } from "../sync/protocol";
import type { Verdict } from "./store";

const STATUS = { GODKÄND: "godkand", "GODKÄND MED VARNINGAR": "varningar", UNDERKÄND: "fel" } as const;
const SEVERITY = { error: "fel", warning: "varning", info: "info" } as const;

export function serverVerdict(
  templateId: string,
  templateVersion: string,
  cells: ReadonlyArray<{ sheet: string; cell: string; value: CellValue }>,
): Verdict {
  const template = getTemplate(templateId, templateVersion);
  if (!template) {
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
  const byAddress = new Map(cells.map((c) => [`${c.sheet}!${c.cell}`, c.value]));
  const values: Record<string, SnapshotValue> = {};
  for (const f of template.fields) {
    const v = byAddress.get(`${f.sheet}!${f.cell}`);
    if (v !== undefined) values[f.key] = v;
  }
  const findings = validateSubmission(snapshotFromValues(template, values), template);
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  return {
    status: STATUS[verdictOf(findings)],
    errorCount: errors,
    warningCount: warnings,
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
