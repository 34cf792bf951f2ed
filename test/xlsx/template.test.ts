import { describe, expect, it, beforeAll } from "vitest";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { LATEST_TEMPLATE, TEMPLATES } from "../../src/domain/template/registry";
import { appliesToArea, snapshotFromValues } from "../../src/domain/template/values";
import { AREA_CODES } from "../../src/domain/template/types";
import { isLocaleSafeFormat } from "../../src/domain/template/formats";
import { helpFor } from "../../src/domain/template/help";
import { validateSubmission } from "../../src/domain/validate/validate";
import { getCell, resolveDefinedName, type WorkbookSnapshot } from "../../src/domain/snapshot";
import { templateStamp } from "../../src/domain/template/types";
import { hiddenRows, writeTemplate } from "../../src/xlsx/template";
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
      if (f.type === "amount") expect(c.numFmt).toContain('" kr"');
      if (f.type === "percent") expect(c.numFmt).toContain("%");
      if (f.type === "integer" && f.key !== T.roles.year && f.key !== T.roles.period)
        expect(c.numFmt).toBe("#,##0");
      // (ExcelJS reads the escaped hyphens of the file's yyyy\-mm\-dd back without the escapes.)
      if (f.type === "date") expect(c.numFmt).toMatch(/^yyyy\\?-mm\\?-dd$/);
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
      expect(ws.getCell(f.labelCell.replace(/^A/, "D")).value).toBe(helpFor(f));
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

describe("what a provider sees in a template prepared for an area", () => {
  const headerRows = (sheet: string) =>
    Object.keys(T.sheets.find((s) => s.name === sheet)!.headers).map((a1) => Number(a1.replace(/^\D+/, "")));

  it.each(AREA_CODES)(
    "%s: title, intro and column headings stay visible; headings of shown rows too",
    async (area) => {
      const wb = await load(await writeTemplate(T, { area, created: FIXED_DATE }));
      for (const def of T.sheets) {
        const ws = wb.getWorksheet(def.name)!;
        for (const r of [1, 2, ...headerRows(def.name)])
          expect(ws.getRow(r).hidden, `${def.name} rad ${r}`).toBe(false);
        // Every section heading above a visible input or computed row is visible.
        const headings = Object.keys(def.sections)
          .map((a1) => Number(a1.replace(/^\D+/, "")))
          .sort((a, b) => a - b);
        const itemRows = [
          ...T.fields.filter((f) => f.sheet === def.name).map((f) => Number(f.cell.replace(/^\D+/, ""))),
          ...T.computed.filter((c) => c.sheet === def.name).map((c) => Number(c.cell.replace(/^\D+/, ""))),
        ];
        for (const row of itemRows) {
          if (ws.getRow(row).hidden) continue;
          const heading = headings.filter((h) => h < row).pop();
          if (heading !== undefined)
            expect(ws.getRow(heading).hidden, `${def.name} rubrik rad ${heading}`).toBe(false);
        }
        expect(hiddenRows(T, def.name, area).has(headerRows(def.name)[0])).toBe(false);
      }
      // The area's own volume rows are shown, the other areas' hidden.
      const vol = wb.getWorksheet("Volymer")!;
      for (const s of T.series) expect(vol.getRow(s.row).hidden, s.key).toBe(!appliesToArea(s, area));
    },
  );

  it("every number format of every generated file survives a Swedish save (no bare space, escaped date hyphens)", async () => {
    expect(isLocaleSafeFormat('#,##0 "kr";-#,##0 "kr"')).toBe(false);
    expect(isLocaleSafeFormat("0.0 %")).toBe(false);
    expect(isLocaleSafeFormat("yyyy-mm-dd")).toBe(false);
    expect(isLocaleSafeFormat('#,##0" kr";-#,##0" kr"')).toBe(true);
    expect(isLocaleSafeFormat("0.0\\ %")).toBe(true);
    expect(isLocaleSafeFormat("yyyy\\-mm\\-dd")).toBe(true);
    const files = [
      await writeTemplate(T, { created: FIXED_DATE }),
      ...(await Promise.all(
        AREA_CODES.map((area) =>
          writeTemplate(T, { area, values: exampleValues(area), created: FIXED_DATE }),
        ),
      )),
    ];
    for (const bytes of files) {
      const styles = await (await JSZip.loadAsync(bytes)).file("xl/styles.xml")!.async("string");
      const codes = [...styles.matchAll(/formatCode="([^"]*)"/g)].map((m) =>
        m[1].replace(/&quot;/g, '"').replace(/&amp;/g, "&"),
      );
      expect(codes.length).toBeGreaterThan(3);
      for (const code of codes) expect(isLocaleSafeFormat(code), code).toBe(true);
    }
  });

  /** Words that belong to other kinds of services than the area's. */
  const FOREIGN: Record<"health" | "care" | "school", RegExp> = {
    health: /\b(elev|förskol|skollag|vårdnadshavare|senior alert|bpsd)/i,
    care: /(patient(?!säkerhet)|vårdcentral|elev|förskol|skollag|vårdnadshavare)/i,
    school: /(patient|vårdcentral|brukar|underskötersk|omsorg|senior alert|bpsd|palliativ)/i,
  };
  const KIND: Record<(typeof AREA_CODES)[number], keyof typeof FOREIGN> = {
    primarvard: "health",
    hemtjanst: "care",
    sarskilt_boende: "care",
    lss_boende: "care",
    forskola: "school",
    grundskola: "school",
  };

  it.each(AREA_CODES)("%s: help texts, prompts and intros fit the area", async (area) => {
    const wb = await load(await writeTemplate(T, { area, created: FIXED_DATE }));
    const foreign = FOREIGN[KIND[area]];
    // The fields of the area (staff categories of other areas stay visible as optional rows; the
    // preselected, locked area cell lists every area).
    for (const f of T.fields.filter((x) => !x.optionalElsewhere && x.key !== T.roles.area)) {
      if (!appliesToArea(f, area)) continue;
      const ws = wb.getWorksheet(f.sheet)!;
      const prompt = ws.getCell(f.cell).dataValidation?.prompt ?? "";
      expect(prompt, `${f.key}: ${prompt}`).not.toMatch(foreign);
      if (!f.series) {
        const help = String(ws.getCell(f.labelCell.replace(/^A/, "D")).value ?? "");
        expect(help, `${f.key}: ${help}`).toBe(helpFor(f, area));
        expect(help, `${f.key}: ${help}`).not.toMatch(foreign);
      }
    }
    for (const def of T.sheets) {
      const intro = String(wb.getWorksheet(def.name)!.getCell("A2").value);
      expect(intro, `${def.name}: ${intro}`).not.toMatch(foreign);
    }
    const instructions = wb.getWorksheet(INSTRUCTIONS_SHEET)!;
    instructions.eachRow((row) => expect(String(row.getCell(2).value ?? "")).not.toMatch(foreign));
  });
});

describe("the blank template's formulas", () => {
  it("carry no cached result (a 0 would read as an overwritten formula once a program fills the inputs)", async () => {
    const bytes = await writeTemplate(T, { created: FIXED_DATE });
    const zip = await JSZip.loadAsync(bytes);
    for (const name of Object.keys(zip.files).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))) {
      const xml = await zip.file(name)!.async("string");
      const cached = [...xml.matchAll(/<c [^>]*>(<f>[^<]*<\/f>)<v>[^<]*<\/v><\/c>/g)];
      expect(
        cached.map((m) => m[0]).filter((c) => !c.includes('t="str"')),
        name,
      ).toEqual([]);
    }
  });

  it("a file filled by a program that does not recalculate is not UNDERKÄND for its formulas", async () => {
    const wb = await load(await writeTemplate(T, { created: FIXED_DATE }));
    const values = exampleValues("hemtjanst");
    for (const f of T.fields) {
      const v = values[f.key];
      if (v === undefined || v === null) continue;
      wb.getWorksheet(f.sheet)!.getCell(f.cell).value =
        f.type === "date" && typeof v === "number" ? new Date(Date.UTC(1899, 11, 30) + v * 86_400_000) : v;
    }
    const snap = await readWorkbook(new Uint8Array(await wb.xlsx.writeBuffer()));
    const findings = validateSubmission(snap, T);
    expect(findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(findings.map((f) => f.code)).toContain("FORMULAS_NOT_CALCULATED");
  });
});
