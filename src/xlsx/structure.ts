/**
 * Workbook-structure checks that need what the xlsx file shows beyond cell values: hidden
 * sheets, and whether the workbook is this template at all. (Merged cells over inputs are the
 * domain's INPUT_MERGED, from the snapshot's merged ranges.)
 * Pure functions over a WorkbookSnapshot (browser-safe).
 *
 * The code here (SHEET_HIDDEN) extends the domain's finding codes; they can move
 * into src/domain/validate when the domain engine takes them over.
 */
import { findSheet, type WorkbookSnapshot } from "../domain/snapshot";
import { finding, type Finding, type FindingCode } from "../domain/validate/findings";
import { readStamp } from "../domain/validate/read";
import type { TemplateDefinition } from "../domain/template/types";
import { INSTRUCTIONS_SHEET } from "./text";

/** Finding codes added by the xlsx layer. */
export type XlsxFindingCode = "SHEET_HIDDEN";

/** A finding as reported for a file: a domain finding or one of the xlsx layer's. */
export type ReportFinding = Omit<Finding, "code"> & { code: FindingCode | XlsxFindingCode };

/** Description of the xlsx layer's codes (for documentation and the review sheet). */
export const XLSX_FINDING_CODES: Record<
  XlsxFindingCode,
  { severity: "error" | "warning"; description: string }
> = {
  SHEET_HIDDEN: {
    severity: "error",
    description: "Ett av mallens blad är dolt; dolda uppgifter granskas men utföraren ser dem inte.",
  },
};

function xlsxFinding(
  code: XlsxFindingCode,
  at: { sheet: string; cell?: string; cells?: string[]; field?: string | null },
  message: string,
  values: { expected?: string | null; actual?: string | null; severity?: "error" | "warning" } = {},
): ReportFinding {
  const f = finding(
    "SHEET_EXTRA",
    { sheet: at.sheet, cell: at.cell ?? null, cells: at.cells, field: at.field ?? null },
    message,
    {
      expected: values.expected ?? null,
      actual: values.actual ?? null,
      severity: values.severity ?? XLSX_FINDING_CODES[code].severity,
    },
  );
  return { ...f, code };
}

/** Hidden sheets and merged cells over input cells. */
export function structuralFindings(
  snapshot: WorkbookSnapshot,
  template: TemplateDefinition,
): ReportFinding[] {
  const out: ReportFinding[] = [];
  const templateSheets = new Set(template.sheets.map((s) => s.name.toLocaleLowerCase("sv-SE")));
  const meta = template.stamp.metaSheet.toLocaleLowerCase("sv-SE");
  for (const s of snapshot.sheets) {
    const lower = s.name.toLocaleLowerCase("sv-SE");
    if (lower === meta || !s.visibility || s.visibility === "visible") continue;
    if (templateSheets.has(lower)) {
      out.push(
        xlsxFinding(
          "SHEET_HIDDEN",
          { sheet: s.name },
          `Bladet ”${s.name}” är dolt. Visa det igen (högerklicka på en bladflik > Ta fram) så att uppgifterna syns.`,
          { expected: "synligt", actual: s.visibility === "veryHidden" ? "mycket dolt" : "dolt" },
        ),
      );
    } else if (lower !== INSTRUCTIONS_SHEET.toLocaleLowerCase("sv-SE")) {
      out.push(
        xlsxFinding(
          "SHEET_HIDDEN",
          { sheet: s.name },
          `Arbetsboken har ett dolt blad ”${s.name}” som inte ingår i mallen; det granskas inte. Kontrollera att inga uppgifter står där.`,
          { expected: "synligt", actual: "dolt", severity: "warning" },
        ),
      );
    }
  }
  return out;
}

/**
 * True when the workbook looks like this template: it carries the stamp (defined name or meta
 * sheet), or at least half of the template's sheets are there by name.
 */
export function looksLikeTemplate(snapshot: WorkbookSnapshot, template: TemplateDefinition): boolean {
  if (readStamp(snapshot, template)) return true;
  if (findSheet(snapshot, template.stamp.metaSheet)) return true;
  const present = template.sheets.filter((s) => findSheet(snapshot, s.name)).length;
  return present >= Math.ceil(template.sheets.length / 2);
}
