import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  AvtalSchema,
  exampleSubmission,
  reviewSubmission,
  snapshotFromValues,
  TEMPLATE_V1,
  TEMPLATE_V1_1,
} from "../../src/domain";

const avtal = ["primarvard-lov.json", "hemtjanst-lov.json"].map((f) =>
  AvtalSchema.parse(JSON.parse(readFileSync(new URL(`../../examples/avtal/${f}`, import.meta.url), "utf8"))),
);

describe("reviewSubmission", () => {
  it("reviews an older workbook with its own version and evaluates the matching avtal only", () => {
    const r = reviewSubmission(snapshotFromValues(TEMPLATE_V1, exampleSubmission("hemtjanst", TEMPLATE_V1)), {
      avtal,
      today: "2026-02-01",
    });
    expect(r.template).toBe(TEMPLATE_V1);
    expect(r.verdict).toBe("GODKÄND MED VARNINGAR"); // TEMPLATE_VERSION_OLD
    expect(r.findings.map((f) => f.code)).toEqual(["TEMPLATE_VERSION_OLD"]);
    expect(r.submission.avtalId).toBe("HT-LOV-2023");
    expect(Object.keys(r.deviations)).toEqual(["HT-LOV-2023"]);
    expect(r.metrics.operatingMargin.ok).toBe(true);
  });
  it("is GODKÄND for a current example and needs a date to judge avtal", () => {
    const snap = snapshotFromValues(TEMPLATE_V1_1, exampleSubmission("primarvard", TEMPLATE_V1_1));
    expect(reviewSubmission(snap).verdict).toBe("GODKÄND");
    expect(() => reviewSubmission(snap, { avtal })).toThrow(/datum/);
  });
});
