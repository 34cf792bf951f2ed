/**
 * Cross-cutting properties of the domain engine (fast-check).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  AREA_CODES,
  exampleSubmission,
  luhnCheckDigit,
  migrateSubmission,
  readSubmission,
  snapshotFromValues,
  TEMPLATE_V1,
  TEMPLATE_V1_1,
  TEMPLATES,
  validateSubmission,
  verdict,
  type SnapshotValue,
  type WorkbookSnapshot,
} from "../../src/domain";

const cell: fc.Arbitrary<SnapshotValue> = fc.oneof(
  fc.constant(null),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constantFrom("#REF!", "#N/A").map((code) => ({ kind: "error" as const, code })),
);

describe("validation is total", () => {
  it("never throws with arbitrary merged ranges, visibility and defined names", () => {
    const sheet = fc.record({
      name: fc.oneof(
        fc.constantFrom(...TEMPLATE_V1.sheets.map((s) => s.name), "_uppf_meta"),
        fc.string({ minLength: 1, maxLength: 31 }),
      ),
      visibility: fc.constantFrom("visible" as const, "hidden" as const, "veryHidden" as const, undefined),
      rows: fc.array(fc.array(cell, { maxLength: 16 }), { maxLength: 36 }),
      merged: fc.option(
        fc.array(fc.oneof(fc.string(), fc.constantFrom("A1:D1", "C5:C6", "B6:C6", "C10:E10", "ZZZZ1:A1")), {
          maxLength: 4,
        }),
        { nil: undefined },
      ),
    });
    const names = fc.option(
      fc.dictionary(
        fc.constantFrom("UPPF_MALL", "uppf_mall", "X"),
        fc.oneof(
          fc.string(),
          fc.constantFrom('="uppf-mall@1.0.0"', "_uppf_meta!$B$1", "'Blad 1'!A1", "Saknas!A1"),
        ),
      ),
      { nil: undefined },
    );
    fc.assert(
      fc.property(
        fc.array(sheet, { maxLength: 8 }),
        names,
        fc.constantFrom(...TEMPLATES),
        (sheets, definedNames, template) => {
          const snap: WorkbookSnapshot = { sheets, definedNames };
          const fs = validateSubmission(snap, template);
          expect(["GODKÄND", "GODKÄND MED VARNINGAR", "UNDERKÄND"]).toContain(verdict(fs));
          for (const f of fs) expect(JSON.parse(JSON.stringify(f))).toEqual(f);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("personnummer never leaks", () => {
  it("a personnummer-like orgnr is never echoed in findings nor read into the submission", () => {
    const pnr = fc
      .tuple(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 999 }),
        fc.boolean(),
        fc.boolean(),
      )
      .map(([yy, mm, dd, nnn, century, dash]) => {
        const p2 = (n: number) => String(n).padStart(2, "0");
        const nine = `${p2(yy)}${p2(mm)}${p2(dd)}${String(nnn).padStart(3, "0")}`;
        const ten = `${nine}${luhnCheckDigit(nine)}`;
        const body = dash ? `${ten.slice(0, 6)}-${ten.slice(6)}` : ten;
        return { text: century ? `19${body}` : body, digits: ten };
      });
    fc.assert(
      fc.property(pnr, ({ text, digits }) => {
        const snap = snapshotFromValues(TEMPLATE_V1, {
          ...exampleSubmission("hemtjanst", TEMPLATE_V1),
          "uppgifter.orgnr": text,
        });
        const fs = validateSubmission(snap, TEMPLATE_V1);
        expect(fs.map((f) => f.code)).toEqual(["ORGNR_PERSONNUMMER"]);
        expect(JSON.stringify(fs)).not.toContain(digits.slice(0, 6));
        expect(readSubmission(snap, TEMPLATE_V1).orgnr).toBeNull();
      }),
      { numRuns: 50 },
    );
  });
});

describe("values survive the snapshot", () => {
  it("readSubmission returns the numbers written by snapshotFromValues", () => {
    const numeric = TEMPLATE_V1.fields.filter(
      (f) => f.type === "integer" || f.type === "decimal" || f.type === "amount" || f.type === "percent",
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...AREA_CODES),
        fc.constantFrom(...numeric),
        fc.integer({ min: 0, max: 100 }),
        (area, field, n) => {
          const value = field.type === "percent" ? n / 100 : field.type === "decimal" ? n + 0.25 : n;
          const snap = snapshotFromValues(TEMPLATE_V1, {
            ...exampleSubmission(area, TEMPLATE_V1),
            [field.key]: value,
          });
          expect(readSubmission(snap, TEMPLATE_V1).values[field.key]).toBe(value);
        },
      ),
    );
  });
  it("migration keeps every v1 value", () => {
    const keys = TEMPLATE_V1.fields.map((f) => f.key);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...keys),
          fc.oneof(fc.string(), fc.double(), fc.constant(null), fc.boolean()),
        ),
        (values) => {
          const r = migrateSubmission(values, TEMPLATE_V1, TEMPLATE_V1_1);
          for (const [k, v] of Object.entries(values)) expect(Object.is(r.values[k], v)).toBe(true);
          expect(r.dropped).toEqual([]);
        },
      ),
    );
  });
});
