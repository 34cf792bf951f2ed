import { describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { LATEST_TEMPLATE, exampleSubmission, snapshotFromValues, validateSubmission } from "../../src/domain";
import { openXlsxFile, XlsxOpenError } from "../../taskpane/office/xlsxWorkbook";

async function toBuffer(wb: ExcelJS.Workbook): Promise<ArrayBuffer> {
  const buf = (await wb.xlsx.writeBuffer()) as unknown as Uint8Array;
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

describe("openXlsxFile", () => {
  it("a written example submission reads back and validates the same as its snapshot", async () => {
    const snap = snapshotFromValues(LATEST_TEMPLATE, exampleSubmission("hemtjanst", LATEST_TEMPLATE));
    const wb = new ExcelJS.Workbook();
    for (const s of snap.sheets) {
      const ws = wb.addWorksheet(s.name, { state: s.visibility ?? "visible" });
      s.rows.forEach((row, r) =>
        (row ?? []).forEach(
          (v, c) => v !== null && (ws.getCell(r + 1, c + 1).value = v as ExcelJS.CellValue),
        ),
      );
    }
    for (const [name, ref] of Object.entries(snap.definedNames ?? {}))
      wb.definedNames.add(ref.replace(/^=/, ""), name);
    const bytes = await toBuffer(wb);
    const host = await openXlsxFile({
      name: "hemtjanst.xlsx",
      size: bytes.byteLength,
      arrayBuffer: async () => bytes,
    });
    expect(host.label).toBe("hemtjanst.xlsx");
    const back = await host.readSnapshot();
    expect(validateSubmission(back, LATEST_TEMPLATE)).toEqual(validateSubmission(snap, LATEST_TEMPLATE));
  });

  it("refuses files that are not workbooks with a reason", async () => {
    const file = (name: string, bytes: string) => ({
      name,
      size: bytes.length,
      arrayBuffer: async () => new TextEncoder().encode(bytes).buffer as ArrayBuffer,
    });
    await expect(openXlsxFile(file("anteckning.txt", "hej"))).rejects.toMatchObject({ reason: "notXlsx" });
    const err = await openXlsxFile(file("trasig.xlsx", "inte en zip")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XlsxOpenError);
    expect((err as XlsxOpenError).reason).toBe("unreadable");
    expect((err as XlsxOpenError).detail.length).toBeGreaterThan(10);
  });
});
