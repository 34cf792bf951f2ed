import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  AREA_CODES,
  carryForward,
  computeMetrics,
  costPerUnit,
  describeRequirement,
  equityCarryForward,
  exampleSubmission,
  excelErrorFor,
  metricValue,
  operatingMargin,
  operatingResult,
  OSTERAKER_RESULT_RULE,
  productivity,
  readSubmission,
  resultGap,
  resultRequirement,
  ResultRequirementRuleSchema,
  safeDivide,
  snapshotFromValues,
  TEMPLATE_V1,
  type Computed,
  type ResultRequirementRule,
} from "../../src/domain";

const value = (c: Computed<unknown>) => {
  if (!c.ok) throw new Error(c.reason);
  return c.value;
};

describe("primitives", () => {
  it("divide or say why not", () => {
    expect(productivity(9500, 5)).toEqual({ ok: true, value: 1900 });
    expect(productivity(9500, 0)).toMatchObject({ ok: false, kind: "div0" });
    expect(productivity(null, 5)).toMatchObject({ ok: false, kind: "na" });
    expect(productivity(Number.NaN, 5)).toMatchObject({ ok: false, kind: "value" });
    expect(productivity(-5, 1)).toMatchObject({ ok: false, kind: "value" });
    expect(costPerUnit(20_390_400, 43_200)).toEqual({ ok: true, value: 472 });
    expect(safeDivide(1e308, 1e-308)).toMatchObject({ ok: false, kind: "value" });
    expect(excelErrorFor("div0")).toBe("#DIV/0!");
    expect(excelErrorFor("na")).toBe("#N/A");
    expect(excelErrorFor("value")).toBe("#VALUE!");
  });
  it("rörelseresultat and rörelsemarginal", () => {
    expect(operatingResult(26_760_000, 25_600_000, 300_000)).toEqual({ ok: true, value: 860_000 });
    expect(operatingResult(100, 50)).toEqual({ ok: true, value: 50 });
    expect(operatingResult(100, null)).toMatchObject({ ok: false, kind: "na" });
    expect(value(operatingMargin(860_000, 26_760_000))).toBeCloseTo(0.0321375, 6);
    expect(operatingMargin(100, 0)).toMatchObject({
      ok: false,
      kind: "div0",
      reason: expect.stringMatching(/Intäkterna/),
    });
  });
  it("never returns NaN or Infinity", () => {
    const n = fc.oneof(fc.double(), fc.constant(null), fc.constant(undefined));
    fc.assert(
      fc.property(n, n, n, (a, b, c) => {
        for (const r of [
          productivity(a, b),
          costPerUnit(a, b),
          operatingMargin(a, b),
          operatingResult(a, b, c),
          equityCarryForward(a, b, c),
          resultGap(a, b, c),
        ]) {
          if (r.ok) expect(Number.isFinite(r.value)).toBe(true);
          else expect(r.reason.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});

describe("result requirement (Österåker ramp)", () => {
  it("gives 1 % 2019, 2 % 2020 and 3 % from 2021", () => {
    expect(resultRequirement(2019, OSTERAKER_RESULT_RULE)).toEqual({ ok: true, value: 0.01 });
    expect(resultRequirement(2020, OSTERAKER_RESULT_RULE)).toEqual({ ok: true, value: 0.02 });
    expect(resultRequirement(2021, OSTERAKER_RESULT_RULE)).toEqual({ ok: true, value: 0.03 });
    expect(resultRequirement(2030, OSTERAKER_RESULT_RULE)).toEqual({ ok: true, value: 0.03 });
  });
  it("is not computable before the ramp starts", () => {
    expect(resultRequirement(2018, OSTERAKER_RESULT_RULE)).toMatchObject({
      ok: false,
      kind: "na",
      reason: expect.stringMatching(/2019/),
    });
    expect(resultRequirement(2020.5, OSTERAKER_RESULT_RULE)).toMatchObject({ ok: false, kind: "value" });
  });
  it("uses the rule in effect for the year", () => {
    const later: ResultRequirementRule = {
      id: "ny-2024",
      validFrom: "2024-01-01",
      startYear: 2024,
      start: 0.02,
      step: 0.005,
      cap: 0.04,
    };
    const old: ResultRequirementRule = { ...OSTERAKER_RESULT_RULE, validTo: "2023-12-31" };
    expect(value(resultRequirement(2022, [old, later]))).toBe(0.03);
    expect(value(resultRequirement(2024, [old, later]))).toBe(0.02);
    expect(value(resultRequirement(2026, [old, later]))).toBe(0.03);
    expect(value(resultRequirement(2040, [old, later]))).toBe(0.04);
    expect(resultRequirement(2018, [later])).toMatchObject({
      ok: false,
      reason: "Resultatkravet gäller från 2024",
    });
    expect(resultRequirement(2025, [old])).toMatchObject({
      ok: false,
      reason: "Inget resultatkrav gäller för 2025",
    });
  });
  it("validates rules", () => {
    expect(ResultRequirementRuleSchema.safeParse(OSTERAKER_RESULT_RULE).success).toBe(true);
    expect(
      ResultRequirementRuleSchema.safeParse({ ...OSTERAKER_RESULT_RULE, validTo: "2018-01-01" }).success,
    ).toBe(false);
  });
  it("is monotone and capped for any rising ramp", () => {
    const rule = fc.record({
      start: fc.integer({ min: -500, max: 500 }).map((x) => x / 10_000),
      step: fc.integer({ min: 0, max: 300 }).map((x) => x / 10_000),
      cap: fc.integer({ min: 0, max: 1000 }).map((x) => x / 10_000),
      startYear: fc.integer({ min: 2000, max: 2030 }),
    });
    fc.assert(
      fc.property(rule, fc.integer({ min: 0, max: 40 }), (r, dy) => {
        const full: ResultRequirementRule = { id: "r", validFrom: "1990-01-01", ...r };
        const y = r.startYear + dy;
        const a = value(resultRequirement(y, full)) as number;
        const b = value(resultRequirement(y + 1, full)) as number;
        expect(b).toBeGreaterThanOrEqual(a);
        expect(a).toBeLessThanOrEqual(Math.max(r.cap, r.start) + 1e-12);
        expect(Number.isFinite(a)).toBe(true);
      }),
    );
  });
  it("computes the gap in kronor and carries results forward", () => {
    expect(value(resultGap(860_000, 26_760_000, 0.03))).toBeCloseTo(57_200, 6);
    const rows = carryForward(
      [
        { year: 2020, revenue: 10_000_000, result: 150_000 },
        { year: 2019, revenue: 10_000_000, result: 50_000 },
        { year: 2021, revenue: 10_000_000, result: null },
      ],
      OSTERAKER_RESULT_RULE,
      1_000_000,
    );
    expect(rows.map((r) => r.year)).toEqual([2019, 2020, 2021]);
    expect(value(rows[0].gap)).toBeCloseTo(-50_000, 6);
    expect(value(rows[1].gap)).toBeCloseTo(-50_000, 6);
    expect(value(rows[1].cumulativeGap)).toBeCloseTo(-100_000, 6);
    expect(value(rows[1].equityClosing)).toBe(1_200_000);
    expect(rows[2].equityClosing.ok).toBe(false);
    expect(rows[2].gap).toMatchObject({ ok: false, kind: "na" });
  });
  it("describes the requirement in Swedish", () => {
    expect(describeRequirement({ ok: true, value: 0.032 }, { ok: true, value: 0.03 })).toBe(
      "Rörelsemarginal 3,2\u00a0% mot krav 3,0\u00a0%: uppfyllt",
    );
    expect(describeRequirement({ ok: true, value: 0.02 }, { ok: true, value: 0.03 })).toMatch(/ej uppfyllt/);
  });
});

describe("computeMetrics", () => {
  const read = (area: (typeof AREA_CODES)[number], patch = {}) =>
    readSubmission(
      snapshotFromValues(TEMPLATE_V1, { ...exampleSubmission(area, TEMPLATE_V1), ...patch }),
      TEMPLATE_V1,
    );
  it("computes primärvård metrics from the example", () => {
    const m = computeMetrics(read("primarvard"), TEMPLATE_V1);
    expect(value(m.operatingResult)).toBe(860_000);
    expect(value(m.requiredMargin)).toBe(0.03);
    expect(value(m.meetsRequirement)).toBe(true);
    expect(value(m.resultGap)).toBeCloseTo(57_200, 6);
    expect(value(metricValue(m, "pv_listade_per_lakare"))).toBeCloseTo(9509.5 / 5.2, 6);
    expect(value(m.staffTotal)).toBeCloseTo(24.7, 9);
    expect(m.perStaffCategory.find((x) => x.id === "pv_listade_per_lakare")).toBeDefined();
    expect(metricValue(m, "okänt")).toMatchObject({ ok: false, kind: "na" });
    expect(m.ratios.every((r) => !r.id.startsWith("ht_"))).toBe(true);
  });
  it("computes hemtjänst cost per granted hour = 472 kr", () => {
    const m = computeMetrics(read("hemtjanst"), TEMPLATE_V1);
    expect(value(metricValue(m, "ht_kostnad_per_beviljad_timme"))).toBeCloseTo(472, 9);
    expect(value(metricValue(m, "volym.ht_beviljade"))).toBe(43_200);
  });
  it("uses only months within the reporting period", () => {
    const m = computeMetrics(
      read("hemtjanst", { "uppgifter.periodicitet": "Kvartal", "uppgifter.period": 1 }),
      TEMPLATE_V1,
    );
    expect(value(metricValue(m, "volym.ht_beviljade"))).toBe(3 * 3600);
  });
  it("says why a metric cannot be computed", () => {
    const m = computeMetrics(
      read("primarvard", { "resurser.lakare": 0, "ekonomi.intakter": null }),
      TEMPLATE_V1,
    );
    expect(metricValue(m, "pv_listade_per_lakare")).toMatchObject({ ok: false, kind: "div0" });
    expect(m.operatingMargin).toMatchObject({
      ok: false,
      kind: "na",
      reason: expect.stringMatching(/Intäkterna saknas/),
    });
    expect(m.meetsRequirement.ok).toBe(false);
    const noYear = computeMetrics(read("primarvard", { "uppgifter.ar": null }), TEMPLATE_V1);
    expect(noYear.requiredMargin).toMatchObject({ ok: false, reason: "Rapportåret saknas" });
  });
  it("flags a margin below the requirement", () => {
    const m = computeMetrics(read("primarvard", { "ekonomi.intakter": 26_300_000 }), TEMPLATE_V1);
    expect(value(m.meetsRequirement)).toBe(false);
    expect(value(m.resultGap)).toBeLessThan(0);
  });
  it("never yields NaN/Infinity for any area", () => {
    for (const area of AREA_CODES) {
      const m = computeMetrics(read(area), TEMPLATE_V1);
      for (const [id, v] of Object.entries(m.values))
        if (v.ok) expect(Number.isFinite(v.value), id).toBe(true);
    }
  });
});
