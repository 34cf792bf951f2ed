/**
 * A review copy of a submission: cells with findings get a fill colour by severity and a note
 * explaining the finding, and a "Granskning" sheet lists every finding with a link to its cell.
 * Cell values are never changed. Browser-safe (bytes in, bytes out).
 */
import type ExcelJS from "exceljs";
import { isA1 } from "../domain/snapshot";
import type { Severity } from "../domain/validate/findings";
import { loadWorkbook } from "./read";
import type { Finding } from "../domain/validate/findings";
import { REVIEW_SHEET, valueText } from "./text";

export { valueText };
import { workbookBytes } from "./template";

/** Fill colours by severity (ARGB). */
export const SEVERITY_FILL: Record<Severity, string> = {
  error: "FFFFC7CE",
  warning: "FFFFD8A8",
  info: "FFDDEBF7",
};

/** Swedish severity names. */
export const SEVERITY_TEXT: Record<Severity, string> = {
  error: "Fel",
  warning: "Varning",
  info: "Information",
};

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function uniqueSheetName(wb: ExcelJS.Workbook, base: string): string {
  let name = base;
  for (let i = 2; wb.worksheets.some((w) => w.name.toLowerCase() === name.toLowerCase()); i++)
    name = `${base} (${i})`;
  return name;
}

/** Options for {@link annotateWorkbook}. */
export interface AnnotateOptions {
  /** Shown in the review sheet's heading (e.g. the file name). */
  title?: string;
  /** Verdict text shown under the heading. */
  verdict?: string;
}

/**
 * Annotate a workbook's bytes with findings. Returns the new file's bytes; the input is not
 * modified. Throws UnreadableWorkbookError when the bytes cannot be read.
 */
export async function annotateWorkbook(
  bytes: ArrayBuffer | Uint8Array,
  findings: readonly Finding[],
  options: AnnotateOptions = {},
): Promise<Uint8Array> {
  const wb = await loadWorkbook(bytes);
  // Worst severity and all messages per cell.
  const perCell = new Map<string, { sheet: string; cell: string; severity: Severity; lines: string[] }>();
  for (const f of findings) {
    if (!f.sheet) continue;
    const cells = f.cells && f.cells.length > 0 ? f.cells : f.cell ? [f.cell] : [];
    for (const cell of cells) {
      if (!isA1(cell)) continue;
      const key = `${f.sheet}\u0000${cell}`;
      const e = perCell.get(key) ?? { sheet: f.sheet, cell, severity: f.severity, lines: [] };
      if (RANK[f.severity] < RANK[e.severity]) e.severity = f.severity;
      e.lines.push(`${SEVERITY_TEXT[f.severity]} (${f.code}): ${f.message}`);
      perCell.set(key, e);
    }
  }
  for (const e of perCell.values()) {
    const ws = wb.getWorksheet(e.sheet);
    if (!ws) continue;
    const cell = ws.getCell(e.cell);
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: SEVERITY_FILL[e.severity] } };
    const existing = typeof cell.note === "string" ? cell.note : "";
    const text = `Granskning:\n${e.lines.join("\n")}`;
    cell.note = existing ? `${existing}\n\n${text}` : text;
  }

  const ws = wb.addWorksheet(uniqueSheetName(wb, REVIEW_SHEET), {
    properties: { tabColor: { argb: "FFC00000" } },
    views: [{ state: "frozen", ySplit: 4 }],
    pageSetup: { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 },
  });
  const widths = [12, 22, 26, 9, 90, 18, 18];
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.getCell("A1").value = `Granskning${options.title ? ` av ${options.title}` : ""}`;
  ws.getCell("A1").font = { name: "Calibri", bold: true, size: 14 };
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  ws.getCell("A2").value =
    `${options.verdict ? `${options.verdict}: ` : ""}${counts.error} fel, ${counts.warning} varningar, ${counts.info} information. Markerade celler har en anteckning som förklarar felet.`;
  const header = ws.getRow(4);
  ["Allvarlighet", "Kod", "Blad", "Cell", "Meddelande", "Förväntat", "Faktiskt"].forEach((h, i) => {
    const c = header.getCell(i + 1);
    c.value = h;
    c.font = { name: "Calibri", bold: true };
    c.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9E1F2" } };
  });
  const sorted = [...findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  sorted.forEach((f, i) => {
    const row = ws.getRow(5 + i);
    row.getCell(1).value = SEVERITY_TEXT[f.severity];
    row.getCell(1).fill = { type: "pattern", pattern: "solid", fgColor: { argb: SEVERITY_FILL[f.severity] } };
    row.getCell(2).value = f.code;
    row.getCell(3).value = f.sheet ?? "(arbetsboken)";
    if (f.sheet && f.cell && isA1(f.cell) && wb.getWorksheet(f.sheet)) {
      const target = `#'${f.sheet.replace(/'/g, "''")}'!${f.cell}`;
      row.getCell(4).value = {
        formula: `HYPERLINK("${target.replace(/"/g, '""')}","${f.cell}")`,
        result: f.cell,
      } as ExcelJS.CellFormulaValue;
      row.getCell(4).font = { name: "Calibri", color: { argb: "FF0563C1" }, underline: true };
    } else {
      row.getCell(4).value = f.cell ?? "";
    }
    row.getCell(5).value = f.message;
    row.getCell(5).alignment = { wrapText: true, vertical: "top" };
    row.getCell(6).value = valueText(f.expected);
    row.getCell(7).value = valueText(f.actual);
    row.height = Math.max(15, Math.ceil(f.message.length / 95) * 15);
  });
  if (sorted.length > 0)
    ws.autoFilter = { from: { row: 4, column: 1 }, to: { row: 4 + sorted.length, column: 7 } };
  const index = wb.worksheets.indexOf(ws);
  wb.views = [
    {
      x: 0,
      y: 0,
      width: 20000,
      height: 12000,
      firstSheet: 0,
      activeTab: Math.max(0, index),
      visibility: "visible",
    },
  ];
  return workbookBytes(wb);
}
