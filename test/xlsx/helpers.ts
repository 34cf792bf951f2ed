/**
 * Shared helpers for the xlsx tests: generated templates filled through ExcelJS exactly as a
 * provider's Excel would leave them (inputs typed, formulas' cached results recalculated).
 */
import ExcelJS from "exceljs";
import { LATEST_TEMPLATE } from "../../src/domain/template/registry";
import { exampleSubmission } from "../../src/domain/template/values";
import type { AreaCode } from "../../src/domain/template/types";
import type { CellValue, SnapshotValue } from "../../src/domain/snapshot";
import { buildTemplateWorkbook, setTemplateValues, workbookBytes } from "../../src/xlsx/template";

export const FIXED_DATE = new Date(Date.UTC(2026, 0, 15, 12));

/** A generated, empty template loaded back into ExcelJS (as a provider opens it). */
export async function openGeneratedTemplate(options: { area?: AreaCode } = {}): Promise<ExcelJS.Workbook> {
  const wb = await buildTemplateWorkbook(LATEST_TEMPLATE, { created: FIXED_DATE, area: options.area });
  const bytes = await workbookBytes(wb, { lockStructure: true });
  const back = new ExcelJS.Workbook();
  await back.xlsx.load(bytes as unknown as ArrayBuffer);
  return back;
}

/** Generate the empty template, fill it with `values` and return the saved file's bytes. */
export async function filledTemplateBytes(
  values: Record<string, CellValue | SnapshotValue>,
  options: { area?: AreaCode } = {},
): Promise<Uint8Array> {
  const wb = await openGeneratedTemplate(options);
  setTemplateValues(wb, LATEST_TEMPLATE, values);
  return workbookBytes(wb);
}

/** The reference example for an area, as cell values. */
export function exampleValues(area: AreaCode): Record<string, CellValue> {
  return exampleSubmission(area, LATEST_TEMPLATE);
}
