import { describe, expect, it, beforeAll } from "vitest";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { LATEST_TEMPLATE, TEMPLATES } from "../../src/domain/template/registry";
import { snapshotFromValues } from "../../src/domain/template/values";
import { getCell, resolveDefinedName, type WorkbookSnapshot } from "../../src/domain/snapshot";
import { templateStamp } from "../../src/domain/template/types";
import { writeTemplate } from "../../src/xlsx/template";
import { readWorkbook } from "../../src/xlsx/read";
import { INSTRUCTIONS_SHEET } from "../../src/xlsx/text";
import { exampleValues, FIXED_DATE } from "./helpers";

const T = LATEST_TEMPLATE;

async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

describe("generated template (re-read with ExcelJS)", () => {
  let bytes: Uint8Array;
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    bytes = await writeTemplate(T, { created: FIXED_DATE });
    wb = await load(bytes);
  });

  it("has the instructions, one sheet per template sheet, and a very hidden meta sheet", () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      INSTRUCTIONS_SHEET,
      ...T.sheets.map((s) => s.name),
      T.stamp.metaSheet,
    ]);
    expect(wb.getWorksheet(T.stamp.metaSheet)!.state).toBe("veryHidden");
    for (const s of T.sheets) expect(wb.getWorksheet(s.name)!.state).toBe("visible");
  });

  it("stamps id and version in a defined name pointing at the meta sheet", () => {
    const names = (wb.definedNames as unknown as { model: { name: string; ranges: string[] }[] }).model;
    const stamp = names.find((n) => n.name === T.stamp.definedName);
    expect(stamp?.ranges[0]).toMatch(/_uppf_meta'?!\$B\$1$/);
    const meta = wb.getWorksheet(T.stamp.metaSheet)!;
    expect(meta.getCell(T.stamp.stampCell).value).toBe(templateStamp(T));
    expect(meta.getCell(T.stamp.idCell).value).toBe(T.id);
    expect(meta.getCell(T.stamp.versionCell).value).toBe(T.version);
    // the field manifest: key | sheet | cell for every input
    T.fields.forEach((f, i) => {
      const row = meta.getRow(T.stamp.manifestStartRow + i);
      expect([row.getCell(1).value, row.getCell(2).value, row.getCell(3).value]).toEqual([
        f.key,
        f.sheet,
        f.cell,
      ]);
    });
  });

  it("protects every sheet without a password and the workbook structure", async () => {
    for (const ws of wb.worksheets) {
      const p = (ws as unknown as { sheetProtection?: { sheet?: boolean; hashValue?: string } })
        .sheetProtection;
      expect(p?.sheet, ws.name).toBe(true);
      expect(p?.hashValue, ws.name).toBeUndefined();
    }
    const xml = await (await JSZip.loadAsync(bytes)).file("xl/workbook.xml")!.async("string");
    expect(xml).toMatch(/<workbookProtection lockStructure="1"\/>/);
    expect(xml).not.toMatch(/workbookPassword|workbookHashValue/);
  });

  it("unlocks exactly the input cells, with data validation, prompts and sv-SE formats", () => {
    const inputs = new Set(T.fields.map((f) => `${f.sheet}!${f.cell}`));
    for (const f of T.fields) {
      const c = wb.getWorksheet(f.sheet)!.getCell(f.cell);
      expect(c.protection?.locked, f.key).toBe(false);
      const dv = c.dataValidation;
      const expectedType = {
        integer: "whole",
        decimal: "decimal",
        percent: "decimal",
        amount: "decimal",
        date: "date",
        code: "list",
        text: "textLength",
        orgnr: "textLength",
      }[f.type];
      expect(dv?.type, f.key).toBe(expectedType);
      expect(dv?.showErrorMessage, f.key).toBe(true);
      expect(dv?.prompt?.length ?? 0, f.key).toBeGreaterThan(10);
      expect(dv!.prompt!.length).toBeLessThanOrEqual(255);
      expect(dv!.promptTitle!.length).toBeLessThanOrEqual(32);
      expect(dv!.error!.length).toBeLessThanOrEqual(225);
      if (f.type === "code") {
        const labels = T.codeLists[f.codeList!].options.map((o) => o.label);
        expect(dv!.formulae[0]).toBe(`"${labels.join(",")}"`);
      }
      if (
        (f.type === "integer" || f.type === "decimal" || f.type === "amount" || f.type === "percent") &&
        f.min !== undefined &&
        f.max !== undefined
      ) {
        expect(dv!.operator).toBe("between");
        expect(dv!.formulae.map(Number)).toEqual([f.min, f.max]);
      }
      if (f.type === "amount") expect(c.numFmt).toContain('"kr"');
      if (f.type === "percent") expect(c.numFmt).toContain("%");
      if (f.type === "integer" && f.key !== T.roles.year && f.key !== T.roles.period)
        expect(c.numFmt).toBe("#,##0");
      if (f.type === "date") expect(c.numFmt).toBe("yyyy-mm-dd");
    }
    // every other cell that holds anything is locked
    for (const s of T.sheets) {
      wb.getWorksheet(s.name)!.eachRow((row) =>
        row.eachCell((c) => {
          if (!inputs.has(`${s.name}!${c.address}`))
            expect(c.protection?.locked, `${s.name}!${c.address}`).not.toBe(false);
        }),
      );
    }
  });

  it("writes every computed cell as the definition's formula, locked", () => {
    for (const c of T.computed) {
      const cell = wb.getWorksheet(c.sheet)!.getCell(c.cell);
      expect(cell.formula, c.key).toBe(c.formula.slice(1));
      expect(cell.protection?.locked, c.key).not.toBe(false);
    }
  });

  it("puts labels, units and help text where the definition says", () => {
    for (const s of T.sheets) {
      const ws = wb.getWorksheet(s.name)!;
      expect(ws.getCell("A1").value).toBe(s.title);
      for (const [a1, text] of Object.entries(s.headers)) expect(ws.getCell(a1).value).toBe(text);
      for (const [a1, text] of Object.entries(s.sections)) expect(ws.getCell(a1).value).toBe(text);
    }
    for (const f of T.fields.filter((x) => !x.series)) {
      const ws = wb.getWorksheet(f.sheet)!;
      expect(ws.getCell(f.labelCell).value).toBe(f.label);
      expect(ws.getCell(f.labelCell.replace(/^A/, "D")).value).toBe(f.help);
      if (f.unit) expect(ws.getCell(f.labelCell.replace(/^A/, "B")).value).toBe(f.unit);
    }
  });

  it("every published version can be generated and carries its own stamp", async () => {
    for (const t of TEMPLATES) {
      const snap = await readWorkbook(await writeTemplate(t, { created: FIXED_DATE }));
      expect(resolveDefinedName(snap, t.stamp.definedName)).toBe(templateStamp(t));
    }
  });
});

describe("generated example read back equals the definition's snapshot", () => {
  it.each(["primarvard", "hemtjanst"] as const)("%s: every input, computed and label cell", async (area) => {
    const values = exampleValues(area);
    const snap: WorkbookSnapshot = await readWorkbook(
      await writeTemplate(T, { area, values, created: FIXED_DATE }),
    );
    const expected = snapshotFromValues(T, values);
    const cells = [
      ...T.fields.map((f) => [f.sheet, f.cell]),
      ...T.fields.map((f) => [f.sheet, f.labelCell]),
      ...T.computed.map((c) => [c.sheet, c.cell]),
    ];
    for (const [sheet, cell] of cells) {
      const a = getCell(snap, sheet, cell);
      const e = getCell(expected, sheet, cell);
      if (typeof e === "number") expect(a, `${sheet}!${cell}`).toBeCloseTo(e, 6);
      else expect(a, `${sheet}!${cell}`).toEqual(e === "" ? null : e);
    }
  });

  it("--area hides the rows of other areas and preselects the area", async () => {
    const wb = await load(await writeTemplate(T, { area: "hemtjanst", created: FIXED_DATE }));
    const area = T.fields.find((f) => f.key === T.roles.area)!;
    expect(wb.getWorksheet(area.sheet)!.getCell(area.cell).value).toBe("Hemtjänst");
    expect(wb.getWorksheet(area.sheet)!.getCell(area.cell).protection?.locked).not.toBe(false);
    const vol = wb.getWorksheet("Volymer")!;
    const ht = T.series.find((s) => s.key === "volymer.ht_brukare")!;
    const pv = T.series.find((s) => s.key === "volymer.pv_lakarbesok")!;
    expect(vol.getRow(ht.row).hidden).toBe(false);
    expect(vol.getRow(pv.row).hidden).toBe(true);
  });
});

describe("code lists that cannot be inline", () => {
  it("a label with a comma is listed on the meta sheet and the validation refers to that range", async () => {
    const t = structuredClone(T);
    t.codeLists.janej = {
      ...t.codeLists.janej,
      options: [...t.codeLists.janej.options, { code: "delvis", label: "Delvis, för vissa register" }],
    };
    const wb = await load(await writeTemplate(t, { created: FIXED_DATE }));
    const f = t.fields.find((x) => x.codeList === "janej")!;
    const dv = wb.getWorksheet(f.sheet)!.getCell(f.cell).dataValidation;
    expect(dv?.type).toBe("list");
    expect(dv?.formulae[0]).toBe("_uppf_meta!$E$2:$E$4");
    const meta = wb.getWorksheet(t.stamp.metaSheet)!;
    expect([2, 3, 4].map((r) => meta.getRow(r).getCell(5).value)).toEqual([
      "Ja",
      "Nej",
      "Delvis, för vissa register",
    ]);
    // the other lists stay inline
    const area = t.fields.find((x) => x.key === t.roles.area)!;
    expect(wb.getWorksheet(area.sheet)!.getCell(area.cell).dataValidation?.formulae[0]).toMatch(
      /^"Primärvård,/,
    );
  });
});
