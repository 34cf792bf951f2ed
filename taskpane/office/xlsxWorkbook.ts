/**
 * Open an .xlsx file chosen by the user outside Excel: the shared reader (src/xlsx/read, ExcelJS)
 * is loaded lazily, in its own chunk, so the task pane's first load does not pay for it. The file
 * is checked before it is parsed (size, zip, password, old .xls ...) and refused with a Swedish
 * one-line reason. The result is a MemoryHost the views work on.
 */
import { MemoryHost } from "./memoryHost";

/** Largest file opened in the browser (bytes); the shared reader enforces the same default. */
export const MAX_XLSX_BYTES = 50 * 1024 * 1024;

export class XlsxOpenError extends Error {
  override readonly name = "XlsxOpenError";
  constructor(
    readonly reason: "notXlsx" | "tooLarge" | "unreadable",
    readonly detail = "",
  ) {
    super(detail || reason);
  }
}

export async function openXlsxFile(file: {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}): Promise<MemoryHost> {
  if (!/\.xlsx$/i.test(file.name)) throw new XlsxOpenError("notXlsx");
  if (file.size > MAX_XLSX_BYTES) throw new XlsxOpenError("tooLarge");
  const { readWorkbook } = await import(/* webpackChunkName: "exceljs" */ "../../src/xlsx/read");
  const bytes = await file.arrayBuffer();
  try {
    return new MemoryHost(await readWorkbook(bytes), file.name);
  } catch (e) {
    throw new XlsxOpenError("unreadable", e instanceof Error ? e.message : String(e));
  }
}
