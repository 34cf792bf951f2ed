/**
 * The generated custom-functions metadata in both languages, produced exactly as the build does:
 * custom-functions-metadata over functions/functions.ts (functions.json, English) and the
 * locale plugin's localiseMetadata with functions/translations.sv.json (functions-sv.json).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import * as functions from "../../functions/functions";
import { EXCEL_BUILTIN_NAMES_EN, EXCEL_BUILTIN_NAMES_SV, foldName } from "./excelBuiltinNames";

const require = createRequire(import.meta.url);
const root = path.resolve(__dirname, "../..");
const { generateCustomFunctionsMetadata } = require("custom-functions-metadata") as {
  generateCustomFunctionsMetadata: (input: string | string[]) => Promise<{
    metadataJson: string;
    errors: string[];
    associate: Array<{ functionName: string; id: string }>;
  }>;
};
const { localiseMetadata } = require("../../scripts/functions-locale-plugin.cjs") as {
  localiseMetadata: (m: Metadata, t: unknown) => { metadata: Metadata; problems: string[] };
};

interface Param {
  name: string;
  description?: string;
  type: string;
  dimensionality?: string;
  optional?: boolean;
}
interface Fn {
  id: string;
  name: string;
  description?: string;
  parameters: Param[];
  result?: { type?: string; dimensionality?: string };
  options?: { stream?: boolean };
}
interface Metadata {
  functions: Fn[];
}

/**
 * Ids are stored in every workbook that uses a function: they must never change. Each id with
 * its TypeScript export, its sv-SE name (from the issue) and its parameters in code order.
 */
const STABLE = [
  { id: "PRODUCTIVITY", fn: "productivity", sv: "PRODUKTIVITET", params: ["volume", "resources"] },
  { id: "OPERATINGMARGIN", fn: "operatingMargin", sv: "RORELSEMARGINAL", params: ["revenue", "costs"] },
  {
    id: "REQUIREDMARGIN",
    fn: "requiredMargin",
    sv: "RESULTATKRAV",
    params: ["year", "startYear?", "startRate?", "step?", "cap?"],
  },
  {
    id: "RESULTGAP",
    fn: "resultGap",
    sv: "RESULTATGAP",
    params: ["revenue", "costs", "year", "startYear?", "startRate?", "step?", "cap?"],
  },
  {
    id: "DEVIATIONSTATUS",
    fn: "deviationStatus",
    sv: "AVVIKELSE",
    params: ["actual", "target", "tolerance?", "direction?"],
  },
  { id: "ALLOCATE", fn: "allocate", sv: "FORDELA", params: ["amount", "shares[][]", "directCosts?[][]"] },
  { id: "KEYSHARES", fn: "keyShares", sv: "NYCKELANDELAR", params: ["basis[][]"] },
  { id: "ISORGNUMBER", fn: "isValidOrgNumber", sv: "ORGNR", params: ["value"] },
  { id: "COSTKEY", fn: "costKey", sv: "KOSTNADSNYCKEL", params: ["agreementId", "party", "period?"] },
] as const;

const NAME_RE = /^[A-Z][A-Z0-9.]*$/;
const signature = (p: Param) =>
  `${p.name}${p.optional ? "?" : ""}${p.dimensionality === "matrix" ? "[][]" : ""}`;

describe("generated metadata (functions.json and functions-sv.json)", () => {
  let en: Metadata;
  let sv: Metadata;
  let associate: Array<{ functionName: string; id: string }>;
  let table: Record<string, unknown>;

  beforeAll(async () => {
    const generated = await generateCustomFunctionsMetadata(path.join(root, "functions/functions.ts"));
    expect(generated.errors).toEqual([]);
    en = JSON.parse(generated.metadataJson) as Metadata;
    associate = generated.associate;
    table = JSON.parse(readFileSync(path.join(root, "functions/translations.sv.json"), "utf8"));
    const localised = localiseMetadata(en, table);
    expect(localised.problems).toEqual([]);
    sv = localised.metadata;
  }, 60_000);

  it("has an entry for every exported function, associated under its stable id", () => {
    const exported = Object.entries(functions)
      .filter(([, v]) => typeof v === "function")
      .map(([k]) => k)
      .sort();
    expect(associate.map((a) => a.functionName).sort()).toEqual(exported);
    expect(associate.map((a) => [a.functionName, a.id])).toEqual(
      expect.arrayContaining(STABLE.map((s) => [s.fn, s.id])),
    );
    expect(en.functions.map((f) => f.id).sort()).toEqual(STABLE.map((s) => s.id).sort());
    expect(sv.functions.map((f) => f.id)).toEqual(en.functions.map((f) => f.id));
  });

  it("uses the English id as default name and the issue's Swedish names for sv-SE", () => {
    for (const s of STABLE) {
      expect(en.functions.find((f) => f.id === s.id)?.name).toBe(s.id);
      expect(sv.functions.find((f) => f.id === s.id)?.name).toBe(s.sv);
    }
  });

  it("has valid, unique names in both languages (A–Z, digits, '.'), and no name means another function elsewhere", () => {
    for (const meta of [en, sv]) {
      const names = meta.functions.map((f) => f.name);
      for (const n of names) expect(n).toMatch(NAME_RE);
      expect(new Set(names).size).toBe(names.length);
    }
    // Microsoft's naming rules: at least three characters, never something Excel reads as a cell
    // reference (A1 … XFD1048576, R1C1 style).
    for (const f of [...en.functions, ...sv.functions]) {
      expect(f.name.length).toBeGreaterThanOrEqual(3);
      expect(f.name).not.toMatch(/^[A-Z]{1,3}\d+$|^R\d*C\d*$/);
    }
    for (const f of sv.functions) {
      const other = en.functions.find((g) => g.name === f.name);
      if (other) expect(other.id).toBe(f.id);
    }
  });

  it("clashes with no built-in Excel function in English or Swedish (with or without UPPF., diacritics ignored)", () => {
    const builtins = new Set([...EXCEL_BUILTIN_NAMES_EN, ...EXCEL_BUILTIN_NAMES_SV].map(foldName));
    expect(builtins.has("PRODUKT")).toBe(true); // the list is folded as intended
    const ours = [...en.functions, ...sv.functions].flatMap((f) => [f.name, `UPPF.${f.name}`]).map(foldName);
    expect(ours.filter((n) => builtins.has(n))).toEqual([]);
  });

  it("has the parameters of the TypeScript functions, the same in both languages", () => {
    for (const s of STABLE) {
      const e = en.functions.find((f) => f.id === s.id)!;
      const v = sv.functions.find((f) => f.id === s.id)!;
      expect(e.parameters.map(signature), s.id).toEqual([...s.params]);
      expect(v.parameters.length).toBe(e.parameters.length);
      v.parameters.forEach((p, i) => {
        const q = e.parameters[i];
        expect([p.type, p.dimensionality, p.optional]).toEqual([q.type, q.dimensionality, q.optional]);
      });
      expect(v.result).toEqual(e.result);
      expect(v.options).toEqual(e.options);
      expect(new Set(v.parameters.map((p) => p.name)).size).toBe(v.parameters.length);
    }
  });

  it("describes every function and parameter in both languages", () => {
    for (const meta of [en, sv]) {
      for (const f of meta.functions) {
        expect(f.description?.trim(), f.id).toBeTruthy();
        for (const p of f.parameters) expect(p.description?.trim(), `${f.id}.${p.name}`).toBeTruthy();
      }
    }
    // Swedish text really is Swedish (spot check) and names Swedish Excel errors.
    expect(sv.functions.find((f) => f.id === "PRODUCTIVITY")?.description).toMatch(
      /årsarbetare.*#DIVISION\/0!/,
    );
  });

  it("spills ALLOCATE and KEYSHARES, streams COSTKEY, and returns booleans from ISORGNUMBER", () => {
    const byId = (id: string) => en.functions.find((f) => f.id === id)!;
    expect(byId("ALLOCATE").result).toMatchObject({ dimensionality: "matrix", type: "number" });
    expect(byId("KEYSHARES").result).toMatchObject({ dimensionality: "matrix", type: "number" });
    expect(byId("COSTKEY").options?.stream).toBe(true);
    expect(byId("ISORGNUMBER").result?.type).toBe("boolean");
  });
});

describe("the locale step refuses an inconsistent translation table", () => {
  const meta: Metadata = {
    functions: [
      { id: "A", name: "A", description: "a", parameters: [{ name: "x", description: "x", type: "any" }] },
      { id: "B", name: "B", description: "b", parameters: [] },
    ],
  };
  const ok = {
    A: { name: "AA", description: "aa", parameters: { x: { name: "ix", description: "ix" } } },
    B: { name: "BB", description: "bb", parameters: {} },
  };

  it("localises names, descriptions and parameter names, keeping everything else", () => {
    const r = localiseMetadata(meta, ok);
    expect(r.problems).toEqual([]);
    expect(r.metadata.functions[0]).toEqual({
      id: "A",
      name: "AA",
      description: "aa",
      parameters: [{ name: "ix", description: "ix", type: "any" }],
    });
  });

  it("reports missing, extra, invalid and duplicate entries", () => {
    const r = localiseMetadata(meta, {
      A: { name: "bad name", description: "", parameters: { y: { name: "y", description: "y" } } },
      C: { name: "CC", description: "c", parameters: {} },
    });
    expect(r.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^A: ogiltigt namn/),
        "A: saknar beskrivning",
        expect.stringMatching(/^A: parametern y finns inte/),
        "A: parametern x saknar ett giltigt översatt namn",
        "B: saknar översättning",
        "C: översättning för en funktion som inte finns",
      ]),
    );
    const dup = localiseMetadata(meta, { ...ok, B: { ...ok.B, name: "AA" } });
    expect(dup.problems).toEqual(["B: namnet AA används redan av A"]);
  });
});
