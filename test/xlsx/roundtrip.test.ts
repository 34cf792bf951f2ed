/**
 * Round trip and mutation: generate the template, fill it through ExcelJS, save, read with the
 * xlsx reader and validate with the domain engine.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { LATEST_TEMPLATE } from "../../src/domain/template/registry";
import { AREA_CODES, type InputField } from "../../src/domain/template/types";
import { appliesToArea } from "../../src/domain/template/values";
import {
  isoDateToSerial,
  setSheetCell,
  findSheet,
  type SnapshotValue,
  type WorkbookSnapshot,
} from "../../src/domain/snapshot";
import { validateSubmission } from "../../src/domain/validate/validate";
import type { Finding } from "../../src/domain/validate/findings";
import { readWorkbook } from "../../src/xlsx/read";
import { INSTRUCTIONS_SHEET } from "../../src/xlsx/text";
import { exampleValues, filledTemplateBytes } from "./helpers";

const T = LATEST_TEMPLATE;

/** Findings that matter for a verdict (errors and warnings), minus the instructions sheet note. */
function significant(findings: Finding[]): Finding[] {
  return findings.filter(
    (f) => f.severity !== "info" && !(f.code === "SHEET_EXTRA" && f.sheet === INSTRUCTIONS_SHEET),
  );
}

describe("round trip: generate → fill every input → save → read → validate", () => {
  it.each(AREA_CODES)("%s gives 0 errors and 0 warnings", async (area) => {
    const values = exampleValues(area);
    // every input that applies gets a valid value (optional ones too)
    for (const f of T.fields) {
      if (f.key in values && values[f.key] !== null) continue;
      if (!appliesToArea(f, area) && !f.optionalElsewhere) continue;
      if (f.key === T.roles.period) continue; // not used for a full-year report
      values[f.key] =
        f.type === "percent"
          ? 0.5
          : f.type === "amount"
            ? 0
            : f.type === "text"
              ? "Ingen kommentar"
              : f.type === "decimal" || f.type === "integer"
                ? (f.min ?? 0)
                : values[f.key];
    }
    const snap = await readWorkbook(await filledTemplateBytes(values));
    const findings = validateSubmission(snap, T);
    expect(findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(significant(findings)).toEqual([]);
  });
});

/** One mutation of one input cell and the finding it must give. */
interface Mutation {
  field: InputField;
  kind: "text" | "bounds" | "cleared";
  value: SnapshotValue;
  code: string;
}

function mutationsFor(f: InputField): Mutation[] {
  const out: Mutation[] = [];
  const numeric = f.type === "integer" || f.type === "decimal" || f.type === "percent" || f.type === "amount";
  if (numeric) out.push({ field: f, kind: "text", value: "tre", code: "NOT_A_NUMBER" });
  if (f.type === "code") out.push({ field: f, kind: "text", value: "Något annat", code: "CODE_INVALID" });
  if (f.type === "date") out.push({ field: f, kind: "text", value: "snart", code: "INVALID_DATE" });
  if (f.type === "orgnr") out.push({ field: f, kind: "text", value: "212000-0143", code: "ORGNR_INVALID" });
  if (f.type === "text" && f.pattern)
    out.push({ field: f, kind: "text", value: "inte en adress", code: "TEXT_PATTERN" });
  if (numeric && f.min !== undefined)
    out.push({ field: f, kind: "bounds", value: f.min - 1, code: "BELOW_MIN" });
  if (numeric && f.max !== undefined && f.type !== "percent")
    out.push({ field: f, kind: "bounds", value: f.max + 1, code: "ABOVE_MAX" });
  if (f.type === "text" && f.maxLength)
    out.push({ field: f, kind: "bounds", value: "x".repeat(f.maxLength + 1), code: "TEXT_TOO_LONG" });
  if (f.type === "date")
    out.push({ field: f, kind: "bounds", value: isoDateToSerial("1980-01-01")!, code: "INVALID_DATE" });
  if (f.required)
    out.push({
      field: f,
      kind: "cleared",
      value: null,
      code: f.series ? "MONTH_MISSING" : "REQUIRED_MISSING",
    });
  return out;
}

function withCell(
  base: WorkbookSnapshot,
  sheet: string,
  cell: string,
  value: SnapshotValue,
): WorkbookSnapshot {
  const copy: WorkbookSnapshot = {
    ...base,
    sheets: base.sheets.map((s) => (s.name === sheet ? { ...s, rows: s.rows.map((r) => [...r]) } : s)),
  };
  setSheetCell(findSheet(copy, sheet)!, cell, value);
  return copy;
}

function expectExactly(findings: Finding[], m: Mutation): void {
  const got = significant(findings).map((f) => ({ code: f.code, sheet: f.sheet, cell: f.cell }));
  expect(got, `${m.field.key} (${m.kind}: ${JSON.stringify(m.value)})`).toEqual([
    { code: m.code, sheet: m.field.sheet, cell: m.field.cell },
  ]);
}

describe("mutation: each input cell, one bad value → exactly that finding on that cell", () => {
  const area = "primarvard" as const;
  let base: WorkbookSnapshot;
  beforeAll(async () => {
    base = await readWorkbook(await filledTemplateBytes(exampleValues(area)));
    expect(significant(validateSubmission(base, T))).toEqual([]);
  });

  const fields = T.fields.filter((f) => appliesToArea(f, area));
  const mutations = fields.flatMap(mutationsFor);

  it(`covers every applicable input (${fields.length} cells, ${mutations.length} mutations)`, () => {
    for (const f of fields)
      expect(
        mutations.some((m) => m.field === f),
        f.key,
      ).toBe(true);
    expect(new Set(mutations.map((m) => m.kind))).toEqual(new Set(["text", "bounds", "cleared"]));
  });

  // Known domain issue: a month above its maximum (ABOVE_MAX) is still used by the month-to-month
  // jump check, which adds PERIOD_JUMP on it and the next month. Reported to the domain engine;
  // the `it.fails` below starts failing once that is fixed, and can then be folded in here.
  const jumpAffected = (m: Mutation) => m.code === "ABOVE_MAX" && Boolean(m.field.series);

  it("every mutation on the read snapshot", () => {
    for (const m of mutations.filter((x) => !jumpAffected(x)))
      expectExactly(validateSubmission(withCell(base, m.field.sheet, m.field.cell, m.value), T), m);
  });

  it.fails("a month above its maximum gives only ABOVE_MAX (domain: PERIOD_JUMP also reported)", () => {
    const m = mutations.find(jumpAffected)!;
    expectExactly(validateSubmission(withCell(base, m.field.sheet, m.field.cell, m.value), T), m);
  });

  // The same mutations written into real files, one field per input type (the reader must keep
  // text in a number cell as text, an empty cell empty, a date as a date).
  const perType = new Map<string, InputField>();
  for (const f of fields)
    if (!perType.has(f.type + (f.series ? "s" : ""))) perType.set(f.type + (f.series ? "s" : ""), f);
  it.each([...perType.values()].map((f) => [f.key, f] as const))("in a saved file: %s", async (_key, f) => {
    for (const m of mutationsFor(f).filter((x) => !jumpAffected(x))) {
      const values: Record<string, SnapshotValue> = { ...exampleValues(area), [f.key]: m.value };
      const snap = await readWorkbook(await filledTemplateBytes(values));
      expectExactly(validateSubmission(snap, T), m);
    }
  });
});
