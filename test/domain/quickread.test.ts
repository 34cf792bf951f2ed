/**
 * The validator reads ordinary cells through a fast path (src/domain/validate/quick.ts) and
 * everything else through readField. The fast path may decline any cell, but when it answers it
 * must give exactly what readField gives, with no finding: this checks that for every field of
 * both template versions over arbitrary and near-miss cell values.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readField, TEMPLATES, type SnapshotValue } from "../../src/domain";
import { validationPlan } from "../../src/domain/validate/plan";
import { quickRead } from "../../src/domain/validate/quick";

const nearMiss: SnapshotValue[] = [
  0,
  1,
  -1,
  0.5,
  1.5,
  50,
  100,
  100.5,
  101,
  1e9,
  -0,
  3.25,
  12.0000001,
  Infinity,
  -Infinity,
  NaN,
  32873,
  32874,
  45000.5,
  73051,
  73052,
  "1 234,5",
  "12 %",
  "abc",
  " Primärvård ",
  "primarvard",
  "PRIMÄRVÅRD",
  "Månad",
  "månad",
  "År",
  " år",
  "ar",
  "Kvartal",
  "Ja",
  "Nej",
  "559214-8604",
  "5592148604",
  "16559214-8604",
  "19121212-1212",
  "121212-1212",
  "212000-0142",
  2120000142,
  "anna@exempel.se",
  "inte e-post",
  "08-123 456 78",
  "x".repeat(500),
  true,
  false,
  "  ",
  "",
];

describe("the validator's read fast path agrees with readField", () => {
  for (const template of TEMPLATES) {
    it(`${template.id}@${template.version}: every field, arbitrary values`, () => {
      const plan = validationPlan(template);
      const value: fc.Arbitrary<SnapshotValue> = fc.oneof(
        fc.constantFrom(...nearMiss),
        fc.double(),
        fc.integer({ min: -1_000_000, max: 100_000_000 }),
        fc.string({ maxLength: 20 }),
        fc.constantFrom(...Object.values(template.codeLists).flatMap((l) => l.options.map((o) => o.label))),
      );
      let answered = 0;
      fc.assert(
        fc.property(fc.nat({ max: plan.fieldCount - 1 }), value, (i, raw) => {
          if (raw === null || (typeof raw === "string" && raw.trim() === "")) return;
          const quick = quickRead(plan, i, raw);
          if (quick === undefined) return;
          answered++;
          const slow = readField(raw, plan.fields[i], template);
          expect(slow.findings).toEqual([]);
          expect(slow.empty).toBe(false);
          expect(quick).toBe(slow.value);
        }),
        { numRuns: 20_000 },
      );
      // The property is only worth something if the fast path answers often.
      expect(answered).toBeGreaterThan(2_000);
    });
  }
});
