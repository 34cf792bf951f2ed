/**
 * Text and JSON output of `uppf validate`. The JSON schema is documented in README.md
 * ("uppf validate --json"); add fields, never rename.
 */
import { quoteSheetName } from "../../domain/snapshot";
import { valueText } from "../../xlsx/text";
import type { FileResult, FileVerdict, JsonFinding } from "./check";

/**
 * Findings that mean the file itself is broken (not the provider's figures): the workbook was
 * read and validated, but like an unreadable file it needs a new file, so it gives exit code 2.
 */
export const STRUCTURAL_CODES: ReadonlySet<string> = new Set([
  "CELL_ERROR",
  "FORMULA_ERROR",
  "INPUT_MERGED",
  "INPUT_MOVED",
  "SHEET_HIDDEN",
  "SHEET_RENAMED",
  "SHEET_MISSING",
]);

/** Summary over all files. */
export interface ValidateSummary {
  files: number;
  verdicts: Record<FileVerdict, number>;
  findings: { error: number; warning: number; info: number };
  /** Files that were read but are structurally broken (formula errors, merged inputs, hidden or renamed sheets). */
  damaged: number;
  /**
   * 0 no errors, 1 at least one file with errors, 2 at least one unreadable or structurally
   * broken file (or a usage error).
   */
  exitCode: 0 | 1 | 2;
}

/** The JSON document. */
export interface ValidateJson {
  schemaVersion: 1;
  files: FileResult[];
  summary: ValidateSummary;
}

export function summarise(results: FileResult[], extraFailure = false): ValidateSummary {
  const verdicts: Record<FileVerdict, number> = {
    GODKÄND: 0,
    "GODKÄND MED VARNINGAR": 0,
    UNDERKÄND: 0,
    OLÄSBAR: 0,
  };
  const findings = { error: 0, warning: 0, info: 0 };
  for (const r of results) {
    verdicts[r.verdict]++;
    findings.error += r.counts.error;
    findings.warning += r.counts.warning;
    findings.info += r.counts.info;
  }
  const damaged = results.filter((r) => r.findings.some((f) => STRUCTURAL_CODES.has(f.code))).length;
  const exitCode = verdicts.OLÄSBAR > 0 || damaged > 0 || extraFailure ? 2 : verdicts.UNDERKÄND > 0 ? 1 : 0;
  return { files: results.length, verdicts, findings, damaged, exitCode };
}

function where(f: JsonFinding): string {
  if (!f.sheet) return "(arbetsboken)";
  return f.cell ? `${quoteSheetName(f.sheet)}!${f.cell}` : quoteSheetName(f.sheet);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `Blad!Cell  kod  meddelande (förväntat …, faktiskt …)` */
export function findingLine(f: JsonFinding): string {
  const ea =
    f.expected !== null || f.actual !== null
      ? ` (förväntat ${valueText(f.expected)}, faktiskt ${valueText(f.actual)})`
      : "";
  return `${where(f)}  ${f.code}  ${f.message}${ea}`;
}

/** The text report for one file. */
export function fileText(r: FileResult): string {
  if (r.verdict === "OLÄSBAR") return `${r.file}: OLÄSBAR – ${r.reason}`;
  const c = r.counts;
  const lines = [
    `${r.file}: ${r.verdict} (${plural(c.error, "fel", "fel")}, ${plural(c.warning, "varning", "varningar")}, ${c.info} info)`,
  ];
  for (const f of r.findings)
    lines.push(
      `  ${f.severity === "error" ? "FEL    " : f.severity === "warning" ? "VARNING" : "INFO   "} ${findingLine(f)}`,
    );
  if (r.avtal === null)
    lines.push(
      `  Avtal: ${r.avtalNote ?? "inget av de angivna avtalen gäller filen; avtalskontrollen hoppades över"}.`,
    );
  for (const d of r.deviations) {
    const tag = d.status === "deviation" ? "AVVIKELSE" : d.status === "warning" ? "VARNING  " : "EJ BEDÖMD";
    lines.push(`  ${tag} avtal ${d.avtalId} punkt ${d.clauseId}  ${d.message}`);
  }
  if (r.annotated) lines.push(`  Granskningskopia: ${r.annotated}`);
  if (r.annotateError) lines.push(`  ${r.annotateError}`);
  return lines.join("\n");
}

/** The summary line. */
export function summaryText(s: ValidateSummary): string {
  const v = s.verdicts;
  return `Granskade ${plural(s.files, "fil", "filer")}: ${v.GODKÄND} godkända, ${v["GODKÄND MED VARNINGAR"]} godkända med varningar, ${v.UNDERKÄND} underkända, ${v.OLÄSBAR} oläsbara.`;
}
