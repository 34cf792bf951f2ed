import { describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { LATEST_TEMPLATE, exampleSubmission, snapshotFromValues, validateSubmission } from "../../src/domain";
import { fromExcelJsValue, openXlsxFile, readXlsx, XlsxOpenError } from "../../taskpane/office/xlsxWorkbook";

async function toBuffer(wb: ExcelJS.Workbook): Promise<ArrayBuffer> {
  const buf = (await wb.xlsx.writeBuffer()) as unknown as Uint8Array;
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

describe("readXlsx", () => {
  it("reads values, formula results, errors, dates, visibility and defined names", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Ekonomi");
    ws.getCell("C5").value = 1234.5;
    ws.getCell("C6").value = { formula: "C5*2", result: 2469 } as ExcelJS.CellValue;
    ws.getCell("C7").value = { error: "#DIV/0!" } as ExcelJS.CellValue;
    ws.getCell("C8").value = new Date(Date.UTC(2025, 0, 31));
    ws.getCell("A1").value = { richText: [{ text: "Eko" }, { text: "nomi" }] } as ExcelJS.CellValue;
    const meta = wb.addWorksheet("_uppf_meta", { state: "veryHidden" });
    meta.getCell("B1").value = "uppf-mall@1.1.0";
    wb.definedNames.add("'_uppf_meta'!$B$1", "UPPF_MALL");
    const snap = await readXlsx(await toBuffer(wb));
    const eko = snap.sheets[0];
    expect(eko.rows[4][2]).toBe(1234.5);
    expect(eko.rows[5][2]).toBe(2469);
    expect(eko.rows[6][2]).toEqual({ kind: "error", code: "#DIV/0!" });
    expect(eko.rows[7][2]).toBe(45688); // 2025-01-31 as an Excel serial
    expect(eko.rows[0][0]).toBe("Ekonomi");
    expect(snap.sheets[1].visibility).toBe("veryHidden");
    expect(Object.keys(snap.definedNames ?? {})).toContain("UPPF_MALL");
  });

  it("a written example submission reads back and validates the same as its snapshot", async () => {
    const snap = snapshotFromValues(LATEST_TEMPLATE, exampleSubmission("hemtjanst", LATEST_TEMPLATE));
    const wb = new ExcelJS.Workbook();
    for (const s of snap.sheets) {
      const ws = wb.addWorksheet(s.name, { state: s.visibility ?? "visible" });
      s.rows.forEach((row, r) => (row ?? []).forEach((v, c) => v !== null && (ws.getCell(r + 1, c + 1).value = v as ExcelJS.CellValue)));
    }
    for (const [name, ref] of Object.entries(snap.definedNames ?? {})) wb.definedNames.add(ref.replace(/^=/, ""), name);
    const back = await readXlsx(await toBuffer(wb));
    expect(validateSubmission(back, LATEST_TEMPLATE)).toEqual(validateSubmission(snap, LATEST_TEMPLATE));
  });

  it("refuses files that are not workbooks with a reason", async () => {
    const file = (name: string, bytes: string) => ({ name, size: bytes.length, arrayBuffer: async () => new TextEncoder().encode(bytes).buffer as ArrayBuffer });
    await expect(openXlsxFile(file("anteckning.txt", "hej"))).rejects.toMatchObject({ reason: "notXlsx" });
    const err = await openXlsxFile(file("trasig.xlsx", "inte en zip")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XlsxOpenError);
    expect((err as XlsxOpenError).reason).toBe("unreadable");
    expect(fromExcelJsValue({ sharedFormula: "A1", result: "x" })).toBe("x");
    expect(fromExcelJsValue("")).toBeNull();
  });
});
