/**
 * Read an .xlsx file (ArrayBuffer) into a WorkbookSnapshot in the browser, with ExcelJS loaded
 * lazily (its own chunk: the task pane's first load does not pay for it). Used when the task pane
 * runs outside Excel; the result goes into a MemoryHost.
 */
import type { SnapshotValue, WorkbookSnapshot } from "../../src/domain/snapshot";
import { MemoryHost } from "./memoryHost";

/** Largest file opened in the browser (bytes). */
export const MAX_XLSX_BYTES = 50 * 1024 * 1024;

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const MS_PER_DAY = 86_400_000;

function dateToSerial(d: Date, date1904: boolean): number {
  const serial = (d.getTime() - EXCEL_EPOCH_MS) / MS_PER_DAY;
  return date1904 ? serial - 1462 : serial;
}

/** One ExcelJS cell value → snapshot value (formulas give their cached result). */
export function fromExcelJsValue(v: unknown, date1904 = false): SnapshotValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "string") return v === "" ? null : v;
  if (v instanceof Date) return dateToSerial(v, date1904);
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.error === "string") return { kind: "error", code: o.error };
    if ("formula" in o || "sharedFormula" in o) return fromExcelJsValue(o.result, date1904);
    if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((r) => r.text ?? "").join("") || null;
    if (typeof o.text === "string") return o.text;
  }
  return null;
}

export async function readXlsx(data: ArrayBuffer): Promise<WorkbookSnapshot> {
  const mod = (await import(/* webpackChunkName: "exceljs" */ "exceljs")) as unknown as {
    default?: { Workbook: new () => ExcelJsWorkbook };
    Workbook?: new () => ExcelJsWorkbook;
  };
  const Workbook = mod.Workbook ?? mod.default?.Workbook;
  if (!Workbook) throw new Error("ExcelJS kunde inte laddas");
  const wb = new Workbook();
  await wb.xlsx.load(data);
  const date1904 = Boolean(wb.properties?.date1904);
  const sheets = wb.worksheets.map((ws) => {
    const rows: SnapshotValue[][] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const out: SnapshotValue[] = [];
      row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
        const v = fromExcelJsValue(cell.value, date1904);
        if (v === null) return;
        while (out.length < colNumber - 1) out.push(null);
        out[colNumber - 1] = v;
      });
      while (rows.length < rowNumber - 1) rows.push([]);
      rows[rowNumber - 1] = out;
    });
    const state = ws.state === "hidden" || ws.state === "veryHidden" ? ws.state : "visible";
    return { name: ws.name, visibility: state as "visible" | "hidden" | "veryHidden", rows };
  });
  const definedNames: Record<string, string> = {};
  for (const dn of wb.definedNames?.model ?? []) {
    if (dn.name && Array.isArray(dn.ranges) && dn.ranges.length > 0) definedNames[dn.name] = `=${dn.ranges[0]}`;
  }
  return { sheets, definedNames };
}

/** Open a File chosen by the user: checks, reads and returns a MemoryHost named after the file. */
export async function openXlsxFile(file: { name: string; size: number; arrayBuffer(): Promise<ArrayBuffer> }): Promise<MemoryHost> {
  if (!/\.xlsx$/i.test(file.name)) throw new XlsxOpenError("notXlsx");
  if (file.size > MAX_XLSX_BYTES) throw new XlsxOpenError("tooLarge");
  const buf = await file.arrayBuffer();
  let snapshot: WorkbookSnapshot;
  try {
    snapshot = await readXlsx(buf);
  } catch (e) {
    throw new XlsxOpenError("unreadable", e instanceof Error ? e.message : String(e));
  }
  return new MemoryHost(snapshot, file.name);
}

export class XlsxOpenError extends Error {
  override readonly name = "XlsxOpenError";
  constructor(
    readonly reason: "notXlsx" | "tooLarge" | "unreadable",
    readonly detail = "",
  ) {
    super(detail || reason);
  }
}

interface ExcelJsCell {
  value: unknown;
}
interface ExcelJsRow {
  eachCell(opts: { includeEmpty: boolean }, fn: (cell: ExcelJsCell, col: number) => void): void;
}
interface ExcelJsWorksheet {
  name: string;
  state?: string;
  eachRow(opts: { includeEmpty: boolean }, fn: (row: ExcelJsRow, rowNumber: number) => void): void;
}
interface ExcelJsWorkbook {
  xlsx: { load(data: ArrayBuffer): Promise<unknown> };
  worksheets: ExcelJsWorksheet[];
  properties?: { date1904?: boolean };
  definedNames?: { model?: { name: string; ranges: string[] }[] };
}
