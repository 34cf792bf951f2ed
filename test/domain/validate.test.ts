import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  AREA_CODES,
  exampleSubmission,
  FINDING_CODES,
  readSubmission,
  snapshotFromValues,
  TEMPLATE_V1,
  TEMPLATE_V1_1,
  validateSubmission,
  verdict,
  type Finding,
  type SnapshotValue,
  type WorkbookSnapshot,
} from "../../src/domain";

const t = TEMPLATE_V1;
const pv = () => exampleSubmission("primarvard", t);
const run = (values: Record<string, SnapshotValue>, opts = {}) =>
  validateSubmission(snapshotFromValues(t, values), t, opts);
const codes = (fs: Finding[]) => fs.map((f) => f.code);
const only = (fs: Finding[], code: string) => fs.filter((f) => f.code === code);

describe("valid submissions", () => {
  it.each(AREA_CODES)("example for %s is GODKÄND with no findings", (area) => {
    const fs = run(exampleSubmission(area, t));
    expect(fs).toEqual([]);
    expect(verdict(fs)).toBe("GODKÄND");
  });
  it("a v1.1 workbook validates against v1.1", () => {
    const v = exampleSubmission("hemtjanst", TEMPLATE_V1_1);
    expect(validateSubmission(snapshotFromValues(TEMPLATE_V1_1, v), TEMPLATE_V1_1)).toEqual([]);
  });
});

describe("verdict", () => {
  it("maps severities", () => {
    expect(verdict([])).toBe("GODKÄND");
    expect(verdict([{ severity: "info" }])).toBe("GODKÄND");
    expect(verdict([{ severity: "warning" }, { severity: "info" }])).toBe("GODKÄND MED VARNINGAR");
    expect(verdict([{ severity: "warning" }, { severity: "error" }])).toBe("UNDERKÄND");
  });
});

describe("template integrity", () => {
  it("reports a missing stamp", () => {
    const fs = validateSubmission(snapshotFromValues(t, pv(), { omitStamp: true }), t);
    expect(codes(fs)).toEqual(["TEMPLATE_STAMP_MISSING"]);
    expect(fs[0].severity).toBe("error");
    expect(
      validateSubmission(snapshotFromValues(t, pv(), { omitStamp: true }), t, { requireStamp: false })[0]
        .severity,
    ).toBe("warning");
  });
  it("reports a wrong template id and an unknown version", () => {
    const s = snapshotFromValues(t, pv());
    s.definedNames = { UPPF_MALL: '="annan-mall@1.0.0"' };
    s.sheets = s.sheets.filter((x) => x.name !== "_uppf_meta");
    expect(codes(validateSubmission(s, t))).toContain("TEMPLATE_ID_MISMATCH");
    s.definedNames = { UPPF_MALL: '="uppf-mall@7.0.0"' };
    const f = only(validateSubmission(s, t), "TEMPLATE_VERSION_UNKNOWN")[0];
    expect(f).toMatchObject({ expected: "1.0.0", actual: "7.0.0", severity: "error" });
  });
  it("validates an older known version against its own definition, with a warning", () => {
    const s = snapshotFromValues(t, pv());
    const fs = validateSubmission(s, TEMPLATE_V1_1);
    expect(codes(fs)).toEqual(["TEMPLATE_VERSION_OLD"]);
    expect(verdict(fs)).toBe("GODKÄND MED VARNINGAR");
  });
  it("validates a newer known version against its own definition, with an info", () => {
    const s = snapshotFromValues(TEMPLATE_V1_1, exampleSubmission("primarvard", TEMPLATE_V1_1));
    const fs = validateSubmission(s, t);
    expect(fs.map((f) => [f.code, f.severity, f.expected, f.actual])).toEqual([
      ["TEMPLATE_VERSION_NEWER", "info", "1.0.0", "1.1.0"],
    ]);
  });
  it("reports a conflicting stamp", () => {
    const s = snapshotFromValues(t, pv());
    s.definedNames = { UPPF_MALL: '="uppf-mall@1.1.0"' };
    expect(codes(validateSubmission(s, TEMPLATE_V1_1))).toContain("TEMPLATE_STAMP_CONFLICT");
  });
  it("reports a missing sheet once, not every field on it", () => {
    const s = snapshotFromValues(t, pv());
    s.sheets = s.sheets.filter((x) => x.name !== "Kvalitet");
    const fs = validateSubmission(s, t);
    expect(codes(fs)).toEqual(["SHEET_MISSING"]);
    expect(fs[0].sheet).toBe("Kvalitet");
  });
  it("follows a renamed sheet and reads its values", () => {
    const s = snapshotFromValues(t, pv());
    s.sheets.find((x) => x.name === "Ekonomi")!.name = "Ekonomi 2025";
    const fs = validateSubmission(s, t);
    expect(codes(fs)).toEqual(["SHEET_RENAMED"]);
    expect(fs[0]).toMatchObject({ expected: "Ekonomi", actual: "Ekonomi 2025" });
  });
  it("reports extra sheets as info", () => {
    const s = snapshotFromValues(t, pv());
    s.sheets.push({ name: "Mina anteckningar", rows: [["x"]] });
    const fs = validateSubmission(s, t);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ code: "SHEET_EXTRA", severity: "info" });
  });
  it("does not count the generator's instructions sheet as extra", () => {
    const s = snapshotFromValues(t, pv());
    s.sheets.unshift({ name: "Instruktioner", rows: [["Så fyller du i mallen"]] });
    expect(validateSubmission(s, t)).toEqual([]);
  });
  it("detects inserted rows as one moved-input finding and still reads the values", () => {
    const s = snapshotFromValues(t, pv());
    const eko = s.sheets.find((x) => x.name === "Ekonomi")!;
    eko.rows.splice(4, 0, ["Extra rad"], ["Extra rad 2"]);
    const fs = validateSubmission(s, t);
    const moved = only(fs, "INPUT_MOVED");
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ sheet: "Ekonomi", delta: 2 });
    expect(moved[0].cells!.length).toBeGreaterThan(5);
    expect(codes(fs).filter((c) => c !== "INPUT_MOVED")).toEqual([]);
  });
  it("readSubmission follows moved rows and renamed sheets by itself", () => {
    const s = snapshotFromValues(t, pv());
    s.sheets.find((x) => x.name === "Ekonomi")!.rows.splice(4, 0, ["Infogad rad"]);
    s.sheets.find((x) => x.name === "Resurser")!.name = "Personal";
    const sub = readSubmission(s, t);
    expect(sub.values["ekonomi.intakter"]).toBe(26_760_000);
    expect(sub.values["resurser.lakare"]).toBe(5.2);
    expect(sub.computed["ekonomi.rorelseresultat"]).toBe(860_000);
  });
  it("reports a single moved row and a changed label", () => {
    const s = snapshotFromValues(t, pv());
    const sheet = s.sheets.find((x) => x.name === "Synpunkter och avvikelser")!;
    // swap the labels of two rows: both are "moved"
    sheet.rows[4][0] = "Något annat";
    const fs = validateSubmission(s, t);
    expect(only(fs, "LABEL_CHANGED")).toHaveLength(1);
    expect(only(fs, "LABEL_CHANGED")[0]).toMatchObject({
      cell: "A5",
      expected: "Synpunkter",
      actual: "Något annat",
    });
  });
});

describe("types", () => {
  it("accepts Swedish numeric text with a warning and its parsed value", () => {
    const v = pv();
    v["ekonomi.kostnad_lokaler"] = "2\u00a0100\u00a0000";
    const fs = run(v);
    expect(codes(fs)).toEqual(["NUMBER_AS_TEXT"]);
    expect(fs[0]).toMatchObject({
      sheet: "Ekonomi",
      cell: "C7",
      field: "ekonomi.kostnad_lokaler",
      parsed: 2_100_000,
      severity: "warning",
    });
    expect(verdict(fs)).toBe("GODKÄND MED VARNINGAR");
    expect(readSubmission(snapshotFromValues(t, v), t).values["ekonomi.kostnad_lokaler"]).toBe(2_100_000);
  });
  it("groups numbers typed as text on one volume row into one warning", () => {
    const v: Record<string, SnapshotValue> = pv();
    for (const m of ["01", "02", "03"]) v[`volymer.pv_lakarbesok.m${m}`] = "1 650";
    const fs = run(v);
    expect(codes(fs)).toEqual(["NUMBER_AS_TEXT"]);
    expect(fs[0]).toMatchObject({
      field: "volymer.pv_lakarbesok",
      cell: "C10",
      cells: ["C10", "D10", "E10"],
    });
    expect(fs[0].message).toMatch(/^3 värden på raden ”Läkarbesök”/);
  });
  it("reports an input inside a merged range once, without a follow-on missing finding", () => {
    const s = snapshotFromValues(t, pv());
    const sheet = s.sheets.find((x) => x.name === "Uppgifter")!;
    sheet.merged = ["B6:C6"];
    sheet.rows[5][2] = null; // Excel keeps only the top-left value
    const fs = validateSubmission(s, t);
    expect(fs.map((f) => [f.code, f.cell, f.actual])).toEqual([["INPUT_MERGED", "C6", "B6:C6"]]);
  });
  it("rejects text that is not a number, without follow-on sum findings", () => {
    const v = pv();
    v["volymer.pv_lakarbesok.m03"] = "många";
    const fs = run(v);
    expect(codes(fs)).toEqual(["NOT_A_NUMBER"]);
    expect(fs[0]).toMatchObject({ cell: "E10", actual: "många" });
  });
  it("reports Excel errors in inputs", () => {
    const v: Record<string, SnapshotValue> = pv();
    v["resurser.lakare"] = { kind: "error", code: "#REF!" };
    const fs = run(v);
    expect(codes(fs)).toEqual(["CELL_ERROR"]);
    expect(fs[0].actual).toBe("#REF!");
  });
  it("treats error text from Office.js as an error", () => {
    const v = pv();
    v["resurser.lakare"] = "#DIV/0!";
    expect(codes(run(v))).toEqual(["CELL_ERROR"]);
  });
  it("rejects decimals in integer cells and booleans in number cells", () => {
    const v = pv();
    v["avvikelser.klagomal"] = 2.5;
    v["avvikelser.synpunkter"] = true;
    const fs = run(v);
    expect(codes(fs).sort()).toEqual(["INVALID_TYPE", "NOT_AN_INTEGER"]);
  });
  it("explains percentages given as whole numbers", () => {
    const v = pv();
    v["kvalitet.helhetsintryck"] = 81;
    const f = run(v)[0];
    expect(f).toMatchObject({ code: "PERCENT_SCALE", expected: 0.81, actual: 81 });
    v["kvalitet.helhetsintryck"] = "81 %";
    expect(run(v)[0]).toMatchObject({ code: "NUMBER_AS_TEXT", parsed: 0.81 });
  });
  it("accepts dates as text with a warning and rejects nonsense", () => {
    const v = pv();
    v["uppgifter.inlamningsdatum"] = "2026-01-20";
    expect(run(v)[0]).toMatchObject({ code: "DATE_AS_TEXT", parsed: "2026-01-20" });
    v["uppgifter.inlamningsdatum"] = "snart";
    expect(run(v)[0]).toMatchObject({ code: "INVALID_DATE" });
  });
  it("checks code lists, accepting labels case-insensitively and codes", () => {
    const v = pv();
    v["uppgifter.verksamhetsomrade"] = "primärvård";
    expect(run(v)).toEqual([]);
    v["uppgifter.verksamhetsomrade"] = "primarvard";
    expect(run(v)).toEqual([]);
    v["uppgifter.periodicitet"] = "Vecka";
    expect(run(v)[0]).toMatchObject({ code: "CODE_INVALID", cell: "C11" });
  });
});

describe("organisationsnummer", () => {
  it("rejects a bad check digit", () => {
    const v = pv();
    v["uppgifter.orgnr"] = "212000-0143";
    expect(run(v)[0]).toMatchObject({ code: "ORGNR_INVALID", cell: "C5", actual: "212000-0143" });
  });
  it("rejects a personnummer and never echoes it or reads it", () => {
    const v = pv();
    v["uppgifter.orgnr"] = "19811218-9876";
    const fs = run(v);
    expect(fs[0].code).toBe("ORGNR_PERSONNUMMER");
    expect(JSON.stringify(fs)).not.toContain("811218");
    expect(readSubmission(snapshotFromValues(t, v), t).orgnr).toBeNull();
  });
});

describe("required, bounds and period", () => {
  it("requires fields, with area-specific ones only for that area", () => {
    const v = pv();
    v["uppgifter.enhet"] = "  ";
    v["kvalitet.medicinsk_bedomning"] = null;
    const fs = run(v);
    expect(codes(fs)).toEqual(["REQUIRED_MISSING", "REQUIRED_MISSING"]);
    const h = exampleSubmission("hemtjanst", t);
    expect(h["kvalitet.medicinsk_bedomning"]).toBeUndefined();
    expect(run(h)).toEqual([]);
  });
  it("checks bounds", () => {
    const v = pv();
    v["resurser.lakare"] = -1;
    v["uppgifter.ar"] = 2200;
    const fs = run(v);
    expect(fs.map((f) => [f.code, f.expected, f.actual, f.delta])).toEqual([
      ["ABOVE_MAX", 2100, 2200, 100],
      ["BELOW_MIN", 0, -1, -1],
    ]);
  });
  it("reports values in rows that do not apply to the area as info", () => {
    const v = pv();
    v["volymer.ht_beviljade.m01"] = 100;
    v["volymer.ht_beviljade.m02"] = 100;
    v["avvikelser.lex_sarah"] = 1;
    const fs = run(v);
    expect(codes(fs)).toEqual(["NOT_APPLICABLE", "NOT_APPLICABLE"]);
    expect(fs.every((f) => f.severity === "info")).toBe(true);
    expect(fs[0].cells).toEqual(["C16", "D16"]);
  });
  it("requires months up to the end of the period only", () => {
    const v = pv();
    v["uppgifter.periodicitet"] = "Kvartal";
    v["uppgifter.period"] = 1;
    const fs = run(v);
    // months 4..12 are filled in the example: reported as info, not counted
    expect(fs.every((f) => f.code === "MONTH_AFTER_PERIOD" && f.severity === "info")).toBe(true);
    expect(fs.length).toBe(6);
    expect(fs[0].cells).toHaveLength(9);
  });
  it("groups missing months of a series into one finding", () => {
    const v = pv();
    v["volymer.pv_lakarbesok.m05"] = null;
    v["volymer.pv_lakarbesok.m06"] = null;
    const fs = run(v);
    expect(codes(fs)).toEqual(["MONTH_MISSING"]);
    expect(fs[0]).toMatchObject({ cell: "G10", cells: ["G10", "H10"] });
    expect(fs[0].message).toMatch(/maj, juni/);
  });
  it("reports a whole empty series once", () => {
    const v = pv();
    for (let m = 1; m <= 12; m++) v[`volymer.pv_digitala.m${String(m).padStart(2, "0")}`] = null;
    const fs = run(v);
    expect(codes(fs)).toEqual(["SERIES_MISSING"]);
  });
  it("checks the period against the periodicity", () => {
    const v = pv();
    v["uppgifter.periodicitet"] = "Kvartal";
    v["uppgifter.period"] = 7;
    expect(codes(run(v))).toEqual(["PERIOD_INVALID"]);
    v["uppgifter.periodicitet"] = "Månad";
    v["uppgifter.period"] = 13;
    expect(codes(run(v))).toEqual(["PERIOD_INVALID"]);
    v["uppgifter.periodicitet"] = "År";
    v["uppgifter.period"] = 3;
    expect(codes(run(v))).toEqual(["PERIOD_IGNORED"]);
  });
  it("skips area-dependent checks when the area is unknown", () => {
    const v = pv();
    v["uppgifter.verksamhetsomrade"] = null;
    expect(codes(run(v))).toEqual(["AREA_UNKNOWN", "REQUIRED_MISSING"]);
    expect(codes(run(v, { area: "primarvard" }))).toEqual(["REQUIRED_MISSING"]);
  });
});

describe("cross-field rules", () => {
  it("flags an overwritten total once, and not the metrics built on it", () => {
    const v = pv();
    const fs = run({ ...v, "resurser.total": 30 });
    expect(codes(fs)).toEqual(["CROSS_SUM"]);
    expect(fs[0]).toMatchObject({
      sheet: "Resurser",
      cell: "C18",
      expected: expect.closeTo(24.7, 9),
      actual: 30,
    });
    expect(fs[0].delta).toBeCloseTo(5.3, 9);
  });
  it("checks rörelseresultat = intäkter − kostnader − avskrivningar with 1 kr tolerance", () => {
    const v = pv();
    expect(run({ ...v, "ekonomi.rorelseresultat": 860_000.9 })).toEqual([]);
    const fs = run({ ...v, "ekonomi.rorelseresultat": 900_000 });
    expect(fs.map((f) => [f.code, f.cell, f.expected, f.actual, f.delta])).toEqual([
      ["CROSS_RESULT", "C11", 860_000, 900_000, 40_000],
    ]);
    expect(fs[0].message).toMatch(/intäkter − kostnader − avskrivningar/);
  });
  it("checks EK UB = IB + resultat + övrigt and does not pile on when the result is broken", () => {
    const v = pv();
    const ub = v["ekonomi.ek_ub"] as number;
    expect(run({ ...v, "ekonomi.ek_ub": ub + 1 })).toEqual([]);
    const fs = run({ ...v, "ekonomi.ek_ub": ub + 5000 });
    expect(fs.map((f) => [f.code, f.cell, f.delta])).toEqual([["CROSS_EQUITY", "C17", 5000]]);
    expect(run({ ...v, "ekonomi.ek_ub": ub - 100_000, "ekonomi.ek_ovrigt": -100_000 })).toEqual([]);
    const both = run({ ...v, "ekonomi.ek_ub": ub + 5000, "ekonomi.rorelseresultat": 1 });
    expect(codes(both)).toEqual(["CROSS_RESULT"]);
  });
  it("groups a total that is wrong in many months into one finding", () => {
    const v: Record<string, SnapshotValue> = pv();
    for (let m = 1; m <= 12; m++) v[`volymer.pv_listade.m${String(m).padStart(2, "0")}`] = 1;
    const fs = run(v);
    const sums = only(fs, "CROSS_SUM");
    expect(sums).toHaveLength(1);
    expect(sums[0].cells).toHaveLength(12);
    // the average in O9 follows the (wrong) months consistently: no extra finding
    expect(fs.filter((f) => f.code !== "CROSS_SUM" && f.severity === "error")).toEqual([]);
  });
  it("reports a formula error whose inputs are valid", () => {
    const fs = run({ ...pv(), "ekonomi.kostnader_total": { kind: "error", code: "#REF!" } });
    expect(codes(fs)).toEqual(["FORMULA_ERROR"]);
  });
  it("skips formula checks in an uncalculated file with one info", () => {
    const fs = validateSubmission(snapshotFromValues(t, pv(), { computeFormulas: false }), t);
    expect(codes(fs)).toEqual(["FORMULAS_NOT_CALCULATED"]);
  });
});

describe("cross-period and plausibility", () => {
  it("warns on month-to-month jumps beyond the factor", () => {
    const v = pv();
    v["volymer.pv_lakarbesok.m04"] = 9000;
    const fs = run(v);
    const jumps = only(fs, "PERIOD_JUMP");
    expect(jumps.map((f) => f.cell)).toEqual(["F10", "G10"]);
    expect(jumps[0]).toMatchObject({ expected: 1650, actual: 9000, delta: 7350, severity: "warning" });
    expect(only(run(v, { jumpFactor: 10 }), "PERIOD_JUMP")).toEqual([]);
  });
  it("warns when listed patients per GP are far above the observed ~1 950", () => {
    const v = pv();
    v["resurser.lakare"] = 2;
    const fs = run(v);
    expect(codes(fs)).toEqual(["PLAUSIBILITY"]);
    expect(fs[0]).toMatchObject({
      sheet: "Resurser",
      field: "nyckeltal.pv_listade_per_lakare",
      expected: 3000,
    });
    expect(fs[0].message).toMatch(/1 950/);
    expect(run(v, { plausibility: false })).toEqual([]);
  });
  it("warns when hemtjänst cost per granted hour is implausible", () => {
    const v = exampleSubmission("hemtjanst", t);
    v["ekonomi.kostnad_ovrigt"] = 30_000_000;
    v["ekonomi.intakter"] = 60_000_000;
    v["ekonomi.ek_ub"] = null;
    const fs = run(v);
    expect(only(fs, "PLAUSIBILITY")[0]).toMatchObject({
      field: "ekonomi.ht_kostnad_per_beviljad_timme",
      expected: 900,
    });
  });
});

describe("well-formed findings", () => {
  const allCodes = new Set(Object.keys(FINDING_CODES));
  const check = (fs: Finding[]) => {
    for (const f of fs) {
      expect(allCodes.has(f.code)).toBe(true);
      expect(["error", "warning", "info"]).toContain(f.severity);
      expect(typeof f.message).toBe("string");
      expect(f.message.length).toBeGreaterThan(5);
      expect(f.cell === null || /^[A-Z]{1,3}[1-9]\d*$/.test(f.cell)).toBe(true);
      expect(f.delta === null || Number.isFinite(f.delta)).toBe(true);
      for (const v of [f.expected, f.actual])
        expect(v === null || ["string", "number", "boolean"].includes(typeof v)).toBe(true);
      expect(f.message).not.toMatch(/NaN|Infinity|undefined|\[object/);
    }
    const keys = fs.map((f) => `${f.code}|${f.sheet}|${f.cell}|${f.field}`);
    expect(new Set(keys).size).toBe(keys.length);
  };
  const cellValue: fc.Arbitrary<SnapshotValue> = fc.oneof(
    fc.constant(null),
    fc.double({ noNaN: false }),
    fc.integer({ min: -1e6, max: 1e6 }),
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      "1 234,5",
      "12 %",
      "#REF!",
      "Ja",
      "Primärvård",
      "Kvartal",
      "2026-01-20",
      "556036-0793",
      "811218-9876",
    ),
    fc.boolean(),
    fc.constantFrom("#DIV/0!", "#N/A", "#VALUE!").map((code) => ({ kind: "error" as const, code })),
  );
  it("never throws on arbitrary grids and returns well-formed findings", () => {
    const grid = fc.array(fc.array(cellValue, { maxLength: 16 }), { maxLength: 40 });
    const names = fc.constantFrom(
      "Uppgifter",
      "Volymer",
      "Resurser",
      "Ekonomi",
      "Kvalitet",
      "Synpunkter och avvikelser",
      "_uppf_meta",
      "Blad1",
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: names, rows: grid }), { maxLength: 8 }),
        fc.option(fc.string(), { nil: undefined }),
        (sheets, stamp) => {
          const snap: WorkbookSnapshot = {
            sheets,
            definedNames: stamp === undefined ? undefined : { UPPF_MALL: stamp },
          };
          const fs = validateSubmission(snap, t);
          check(fs);
          expect(() => readSubmission(snap, t)).not.toThrow();
        },
      ),
      { numRuns: 100 },
    );
  });
  it("never throws when random cells of a valid workbook are replaced", () => {
    const keys = [...t.fields, ...t.computed].map((f) => f.key);
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...keys), cellValue, { maxKeys: 20 }),
        fc.constantFrom(...AREA_CODES),
        (patch, area) => {
          const fs = run({ ...exampleSubmission(area, t), ...patch });
          check(fs);
          if (Object.keys(patch).length === 0) expect(fs).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
  it("sorts by sheet order then cell", () => {
    const v = pv();
    v["avvikelser.klagomal"] = -1;
    v["uppgifter.enhet"] = null;
    v["ekonomi.kostnad_lokaler"] = "x";
    v["ekonomi.intakter"] = "x";
    const fs = run(v);
    expect(fs.map((f) => `${f.sheet}!${f.cell}`)).toEqual([
      "Uppgifter!C7",
      "Ekonomi!C5",
      "Ekonomi!C7",
      "Synpunkter och avvikelser!C6",
    ]);
  });
  it("documents every code in Swedish", () => {
    for (const [code, d] of Object.entries(FINDING_CODES)) {
      expect(code).toMatch(/^[A-Z_]+$/);
      expect(d.description).toMatch(/[a-zåäö]/);
    }
  });
});
