import { describe, expect, it } from "vitest";
import {
  a1ToPosition,
  AREA_CODES,
  computeCells,
  evaluateExpr,
  exampleSubmission,
  fieldsForArea,
  formulaFor,
  getCell,
  getTemplate,
  LATEST_TEMPLATE,
  migrateSubmission,
  resolveDefinedName,
  SHEETS,
  snapshotFromValues,
  TEMPLATE_V1,
  TEMPLATE_V1_1,
  TemplateDefinitionSchema,
  V1_1_ADDED_FIELD_KEY,
} from "../../src/domain";

const t = TEMPLATE_V1;

describe("template v1 definition", () => {
  it("is valid according to its own schema", () => {
    expect(TemplateDefinitionSchema.safeParse(TEMPLATE_V1).success).toBe(true);
    expect(TemplateDefinitionSchema.safeParse(TEMPLATE_V1_1).success).toBe(true);
  });
  it("has the six sheets in order and a very hidden meta sheet name", () => {
    expect(t.sheets.map((s) => s.name)).toEqual([
      "Uppgifter",
      "Volymer",
      "Resurser",
      "Ekonomi",
      "Kvalitet",
      "Synpunkter och avvikelser",
    ]);
    expect(t.stamp).toMatchObject({ definedName: "UPPF_MALL", metaSheet: "_uppf_meta" });
  });
  it("gives every input and computed cell a unique address and unique key", () => {
    const cells = [...t.fields, ...t.computed].map((x) => `${x.sheet}!${x.cell}`);
    expect(new Set(cells).size).toBe(cells.length);
    const keys = [...t.fields, ...t.computed].map((x) => x.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
  it("never puts an input on a header, title or label cell", () => {
    for (const s of t.sheets) {
      const used = new Set([...Object.keys(s.headers), ...Object.keys(s.sections), "A1", "A2"]);
      for (const f of t.fields.filter((x) => x.sheet === s.name)) {
        expect(used.has(f.cell), `${f.key} at ${f.cell}`).toBe(false);
        expect(a1ToPosition(f.cell).row).toBeGreaterThanOrEqual(4);
        expect(f.labelCell.startsWith("A")).toBe(true);
      }
    }
  });
  it("puts monthly volumes in twelve columns C..N with the aggregate in O", () => {
    for (const s of t.series) {
      const cells = s.monthKeys.map((k) => [...t.fields, ...t.computed].find((x) => x.key === k)!.cell);
      expect(cells).toEqual(
        ["C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N"].map((c) => `${c}${s.row}`),
      );
      expect(t.computed.find((c) => c.key === s.totalKey)!.cell).toBe(`O${s.row}`);
    }
  });
  it("references only existing keys and code lists", () => {
    const keys = new Set([...t.fields, ...t.computed].map((x) => x.key));
    for (const c of t.computed) {
      const e = c.expr;
      const refs =
        e.op === "linear" ? e.terms.map((x) => x.key) : e.op === "ratio" ? [e.num, ...e.den] : e.of;
      for (const r of refs) expect(keys.has(r), `${c.key} -> ${r}`).toBe(true);
    }
    for (const f of t.fields.filter((x) => x.type === "code")) expect(t.codeLists[f.codeList!]).toBeDefined();
    for (const k of Object.values(t.roles)) expect(keys.has(k), k).toBe(true);
    for (const chk of t.checks)
      for (const k of [chk.target, ...chk.terms.map((x) => x.key)]) expect(keys.has(k)).toBe(true);
  });
  it("has the formulas the generator writes", () => {
    const f = (k: string) => t.computed.find((c) => c.key === k)!.formula;
    expect(f("ekonomi.kostnader_total")).toBe("=SUM(C6:C8)");
    expect(f("ekonomi.rorelseresultat")).toBe("=C5-C9-C10");
    expect(f("ekonomi.rorelsemarginal")).toBe('=IF(OR(COUNT(C11)=0,SUM(C5)=0),"",C11/SUM(C5))');
    expect(f("resurser.total")).toBe("=SUM(C5:C17)");
    expect(f("volymer.pv_lakarbesok.total")).toMatch(/^=IF\(COUNT\(C\d+:N\d+\)=0,"",SUM\(C\d+:N\d+\)\)$/);
    expect(f("nyckeltal.pv_listade_per_lakare")).toMatch(/Volymer!O\d+/);
  });
  it("quotes sheet names with spaces in cross-sheet formulas", () => {
    const loc = (k: string) =>
      k === "x" ? { sheet: "Synpunkter och avvikelser", cell: "C5" } : { sheet: "Ekonomi", cell: "C6" };
    expect(
      formulaFor(
        {
          op: "linear",
          terms: [
            { key: "x", coef: 1 },
            { key: "y", coef: -2 },
          ],
        },
        loc,
        "Ekonomi",
      ),
    ).toBe("='Synpunkter och avvikelser'!C5-2*C6");
  });
  it("applies volume rows and staff categories by verksamhetsområde", () => {
    const pv = fieldsForArea(t, "primarvard").map((f) => f.key);
    expect(pv).toContain("volymer.pv_lakarbesok.m01");
    expect(pv).not.toContain("volymer.ht_beviljade.m01");
    expect(pv).toContain("resurser.lakare");
    expect(pv).toContain("resurser.larare"); // staff categories are optional elsewhere
    const ht = fieldsForArea(t, "hemtjanst").map((f) => f.key);
    expect(ht).toContain("kvalitet.kontinuitet");
    expect(ht).not.toContain("avvikelser.lex_maria");
  });
  it("looks up templates by stamp", () => {
    expect(getTemplate("uppf-mall@1.0.0")).toBe(TEMPLATE_V1);
    expect(getTemplate("uppf-mall", "1.1.0")).toBe(TEMPLATE_V1_1);
    expect(getTemplate("uppf-mall@9.9.9")).toBeUndefined();
    expect(getTemplate("nonsense")).toBeUndefined();
    expect(LATEST_TEMPLATE.version).toBe("1.1.0");
  });
});

describe("evaluateExpr mirrors Excel", () => {
  const read = (vals: Record<string, unknown>) => (k: string) => (vals[k] ?? null) as never;
  it("SUM ignores text and blanks; arithmetic treats text as #VALUE!", () => {
    expect(evaluateExpr({ op: "sum", of: ["a", "b", "c"] }, read({ a: 1, b: "x", c: null }))).toBe(1);
    expect(evaluateExpr({ op: "sum", of: ["a"], blankIfEmpty: true }, read({}))).toBe("");
    expect(
      evaluateExpr(
        {
          op: "linear",
          terms: [
            { key: "a", coef: 1 },
            { key: "b", coef: -1 },
          ],
        },
        read({ a: 5, b: "x" }),
      ),
    ).toEqual({ kind: "error", code: "#VALUE!" });
    expect(
      evaluateExpr(
        {
          op: "linear",
          terms: [
            { key: "a", coef: 1 },
            { key: "b", coef: -1 },
          ],
        },
        read({ a: 5 }),
      ),
    ).toBe(5);
  });
  it("ratio is blank on a zero denominator or missing numerator, errors propagate", () => {
    expect(evaluateExpr({ op: "ratio", num: "a", den: ["b"] }, read({ a: 5, b: 0 }))).toBe("");
    expect(evaluateExpr({ op: "ratio", num: "a", den: ["b"] }, read({ b: 2 }))).toBe("");
    expect(evaluateExpr({ op: "ratio", num: "a", den: ["b", "c"] }, read({ a: 6, b: 1, c: 2 }))).toBe(2);
    expect(
      evaluateExpr(
        { op: "ratio", num: "a", den: ["b"] },
        read({ a: { kind: "error", code: "#REF!" }, b: 2 }),
      ),
    ).toBe(""); // like Excel: COUNT ignores the error numerator
    expect(
      evaluateExpr({ op: "ratio", num: "a", den: ["b"] }, read({ a: 1, b: { kind: "error", code: "#N/A" } })),
    ).toEqual({ kind: "error", code: "#N/A" });
    expect(evaluateExpr({ op: "average", of: ["a", "b"] }, read({ a: 2, b: null }))).toBe(2);
    expect(evaluateExpr({ op: "average", of: ["a", "b"] }, read({}))).toBe("");
  });
});

describe("example submissions (reference figures)", () => {
  it("exists for every area and only uses template keys", () => {
    const keys = new Set(t.fields.map((f) => f.key));
    for (const a of AREA_CODES)
      for (const k of Object.keys(exampleSubmission(a, t))) expect(keys.has(k), k).toBe(true);
  });
  it("hemtjänst costs 472 kr per granted hour (KPB 2016)", () => {
    const c = computeCells(t, exampleSubmission("hemtjanst", t));
    expect(c["ekonomi.ht_kostnad_per_beviljad_timme"]).toBeCloseTo(472, 6);
  });
  it("särskilt boende costs 1 880 kr per day (KPB 2016)", () => {
    const c = computeCells(t, exampleSubmission("sarskilt_boende", t));
    expect(c["ekonomi.sab_kostnad_per_varddygn"]).toBeCloseTo(1880, 6);
  });
  it("primärvård has fewer listed patients per GP than the observed ~1 950", () => {
    const c = computeCells(t, exampleSubmission("primarvard", t));
    const perGp = c["nyckeltal.pv_listade_per_lakare"] as number;
    expect(perGp).toBeGreaterThan(1100);
    expect(perGp).toBeLessThan(1950);
  });
  it("every area meets the 3 % result requirement", () => {
    for (const a of AREA_CODES) {
      const m = computeCells(t, exampleSubmission(a, t))["ekonomi.rorelsemarginal"] as number;
      expect(m).toBeGreaterThanOrEqual(0.03);
      expect(m).toBeLessThan(0.04);
    }
  });
});

describe("snapshotFromValues", () => {
  const values = exampleSubmission("primarvard", t);
  const snap = snapshotFromValues(t, values);
  it("puts values, labels and evaluated formulas where the definition says", () => {
    expect(getCell(snap, SHEETS.uppgifter, "C5")).toBe("559214-8604");
    expect(getCell(snap, SHEETS.uppgifter, "A5")).toBe("Organisationsnummer");
    expect(getCell(snap, SHEETS.ekonomi, "C11")).toBe(860_000);
    expect(getCell(snap, SHEETS.resurser, "C18")).toBeCloseTo(24.7, 10);
  });
  it("stamps the template in a defined name and a very hidden sheet with a manifest", () => {
    expect(resolveDefinedName(snap, "UPPF_MALL")).toBe("uppf-mall@1.0.0");
    const meta = snap.sheets.find((s) => s.name === "_uppf_meta")!;
    expect(meta.visibility).toBe("veryHidden");
    expect(getCell(snap, "_uppf_meta", "B3")).toBe("1.0.0");
    expect(getCell(snap, "_uppf_meta", "A7")).toBe(t.fields[0].key);
    expect(getCell(snap, "_uppf_meta", "C7")).toBe(t.fields[0].cell);
  });
  it("lets a value replace a computed cell (an overwritten formula)", () => {
    const s = snapshotFromValues(t, { ...values, "resurser.total": 99 });
    expect(getCell(s, SHEETS.resurser, "C18")).toBe(99);
  });
  it("can leave formulas uncalculated and the stamp out", () => {
    const s = snapshotFromValues(t, values, { computeFormulas: false, omitStamp: true });
    expect(getCell(s, SHEETS.ekonomi, "C11")).toBeNull();
    expect(s.definedNames).toBeUndefined();
  });
});

describe("migration v1.0.0 -> v1.1.0", () => {
  it("keeps every v1 address and appends the new field", () => {
    for (const f of TEMPLATE_V1.fields) {
      const g = TEMPLATE_V1_1.fields.find((x) => x.key === f.key)!;
      expect(g.cell).toBe(f.cell);
    }
    const added = TEMPLATE_V1_1.fields.find((x) => x.key === V1_1_ADDED_FIELD_KEY)!;
    expect(added.sheet).toBe("Kvalitet");
    expect(TEMPLATE_V1.fields.some((f) => f.sheet === added.sheet && f.cell === added.cell)).toBe(false);
  });
  it("migrates values and reports what changed", () => {
    const v1 = exampleSubmission("hemtjanst", TEMPLATE_V1);
    const r = migrateSubmission(v1, TEMPLATE_V1, TEMPLATE_V1_1);
    expect(r.values[V1_1_ADDED_FIELD_KEY]).toBeNull();
    expect(r.values["ekonomi.intakter"]).toBe(v1["ekonomi.intakter"]);
    expect(Object.keys(r.values).length).toBe(Object.keys(v1).length + 1);
    expect(r.notes[0]).toMatch(/1\.1\.0/);
    expect(migrateSubmission(v1, TEMPLATE_V1, TEMPLATE_V1).steps).toEqual([]);
  });
  it("refuses to downgrade", () => {
    expect(() => migrateSubmission({}, TEMPLATE_V1_1, TEMPLATE_V1)).toThrow(/nedgradera/);
  });
});

describe("documentation", () => {
  it("src/domain/README.md lists every finding code and every v1 input", async () => {
    const { readFileSync } = await import("node:fs");
    const { FINDING_CODES } = await import("../../src/domain");
    const doc = readFileSync(new URL("../../src/domain/README.md", import.meta.url), "utf8");
    for (const code of Object.keys(FINDING_CODES)) expect(doc, code).toContain(`\`${code}\``);
    for (const f of TEMPLATE_V1.fields.filter((x) => !x.series))
      expect(doc, f.key).toContain(`| ${f.cell} | \`${f.key}\``);
    for (const c of TEMPLATE_V1.computed.filter((x) => !x.series))
      expect(doc, c.key).toContain(`\`${c.formula}\``);
  });
});
