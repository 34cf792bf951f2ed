import { describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { LATEST_TEMPLATE } from "../../src/domain/template/registry";
import { validateSubmission } from "../../src/domain/validate/validate";
import { readWorkbook } from "../../src/xlsx/read";
import { annotateWorkbook, SEVERITY_FILL } from "../../src/xlsx/annotate";
import { REVIEW_SHEET } from "../../src/xlsx/text";
import { exampleValues, filledTemplateBytes } from "./helpers";

describe("annotated review copy", () => {
  it("highlights and explains each finding, lists them with links, and never changes a value", async () => {
    const values = {
      ...exampleValues("primarvard"),
      "ekonomi.intakter": "mycket",
      "uppgifter.epost": "fel adress",
      "volymer.pv_lakarbesok.m03": null,
    };
    const bytes = await filledTemplateBytes(values);
    const before = await readWorkbook(bytes);
    const findings = validateSubmission(before, LATEST_TEMPLATE);
    const errors = findings.filter((f) => f.severity === "error");
    expect(errors.map((f) => f.code).sort()).toEqual(["MONTH_MISSING", "NOT_A_NUMBER", "TEXT_PATTERN"]);

    const annotated = await annotateWorkbook(bytes, findings, { title: "test.xlsx", verdict: "UNDERKÄND" });
    const after = await readWorkbook(annotated);
    // every original sheet's values are identical
    for (const s of before.sheets) {
      expect(after.sheets.find((x) => x.name === s.name)?.rows, s.name).toEqual(s.rows);
    }
    expect(after.definedNames).toEqual(before.definedNames);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(annotated as unknown as ArrayBuffer);
    for (const f of errors) {
      const cell = wb.getWorksheet(f.sheet!)!.getCell(f.cell!);
      expect((cell.fill as ExcelJS.FillPattern).fgColor?.argb, f.code).toBe(SEVERITY_FILL.error);
      const note =
        typeof cell.note === "string"
          ? cell.note
          : (cell.note as { texts?: { text: string }[] })?.texts?.map((t) => t.text).join("");
      expect(note, f.code).toContain(f.message);
    }
    const review = wb.getWorksheet(REVIEW_SHEET)!;
    expect(review).toBeDefined();
    const rows: string[] = [];
    review.eachRow((row, n) => {
      if (n > 4) rows.push(String(row.getCell(2).value));
    });
    expect(rows.sort()).toEqual(findings.map((f) => f.code).sort());
    const link = review.getRow(5).getCell(4).value as ExcelJS.CellFormulaValue;
    expect(link.formula).toMatch(/^HYPERLINK\("#'[^']+'!C\d+","C\d+"\)$/);
  });
});
