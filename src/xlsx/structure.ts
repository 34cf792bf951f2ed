/**
 * Workbook-structure checks that need what the xlsx file shows beyond cell values: hidden
 * sheets, merged cells over inputs, and whether the workbook is this template at all.
 * Pure functions over a WorkbookSnapshot (browser-safe).
 *
 * The codes here (SHEET_HIDDEN, MERGED_INPUT) extend the domain's finding codes; they can move
 * into src/domain/validate when the domain engine takes them over.
 */
import { a1ToPosition, findSheet, type WorkbookSnapshot } from "../domain/snapshot";
import { finding, type Finding, type FindingCode } from "../domain/validate/findings";
import { readStamp } from "../domain/validate/read";
import type { TemplateDefinition } from "../domain/template/types";
import { INSTRUCTIONS_SHEET } from "./text";

/** Finding codes added by the xlsx layer. */
export type XlsxFindingCode = "SHEET_HIDDEN" | "MERGED_INPUT";

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
  MERGED_INPUT: {
    severity: "error",
    description: "En ifyllnadscell ingår i en sammanfogad cell; värdet kan hamna i fel cell eller försvinna.",
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

function parseRange(range: string): { r1: number; c1: number; r2: number; c2: number } | undefined {
  const [a, b = a] = range.replace(/\$/g, "").split(":");
  try {
    const p1 = a1ToPosition(a);
    const p2 = a1ToPosition(b);
    return {
      r1: Math.min(p1.row, p2.row),
      c1: Math.min(p1.col, p2.col),
      r2: Math.max(p1.row, p2.row),
      c2: Math.max(p1.col, p2.col),
    };
  } catch {
    return undefined;
  }
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
  for (const def of template.sheets) {
    const sheet = findSheet(snapshot, def.name);
    if (!sheet?.merged?.length) continue;
    const inputs = template.fields
      .filter((f) => f.sheet === def.name)
      .map((f) => ({ f, p: a1ToPosition(f.cell) }));
    for (const range of sheet.merged) {
      const r = parseRange(range);
      if (!r) continue;
      const hit = inputs.filter(({ p }) => p.row >= r.r1 && p.row <= r.r2 && p.col >= r.c1 && p.col <= r.c2);
      if (hit.length === 0) continue;
      const cells = hit.map((h) => h.f.cell);
      out.push(
        xlsxFinding(
          "MERGED_INPUT",
          { sheet: sheet.name, cell: cells[0], cells, field: hit[0].f.key },
          `Cellerna ${range} är sammanfogade och täcker ${hit.length === 1 ? `ifyllnadscellen ${cells[0]} (”${hit[0].f.label}”)` : `${hit.length} ifyllnadsceller (${cells.join(", ")})`}. Dela upp sammanfogningen (Start > Sammanfoga och centrera) och fyll i varje cell för sig.`,
          { expected: "ej sammanfogad", actual: range },
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
