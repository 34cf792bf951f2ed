import { describe, expect, it } from "vitest";
import { LATEST_TEMPLATE, readFileBinding, setSheetCell, snapshotFromValues } from "../../src/domain";

describe("the file's binding to a shared workbook", () => {
  const t = LATEST_TEMPLATE;
  const meta = (snap: ReturnType<typeof snapshotFromValues>) =>
    snap.sheets.find((s) => s.name === t.stamp.metaSheet)!;

  it("a blank template carries its stamp and no workbook id", () => {
    expect(readFileBinding(snapshotFromValues(t, {}))).toEqual({
      templateId: t.id,
      version: t.version,
      workbookId: null,
    });
  });

  it("reads the workbook id from the meta sheet", () => {
    const snap = snapshotFromValues(t, {});
    setSheetCell(meta(snap), t.stamp.workbookIdCell, " wb-0123abcd ");
    expect(readFileBinding(snap)?.workbookId).toBe("wb-0123abcd");
  });

  it("reports an id that is not a valid workbook id, and binds to nothing", () => {
    const snap = snapshotFromValues(t, {});
    setSheetCell(meta(snap), t.stamp.workbookIdCell, "wb 1; DROP TABLE");
    expect(readFileBinding(snap)).toMatchObject({ workbookId: null, invalidWorkbookId: "wb 1; DROP TABLE" });
  });

  it("a file without the template's stamp has no binding", () => {
    expect(readFileBinding(snapshotFromValues(t, {}, { omitStamp: true }))).toBeUndefined();
    expect(readFileBinding({ sheets: [{ name: "Blad1", rows: [["x"]] }] })).toBeUndefined();
  });
});
