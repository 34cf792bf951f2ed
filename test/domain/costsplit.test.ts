import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  allocate,
  compareKeys,
  CostKeySchema,
  formatPercent,
  keyFromBasis,
  largestRemainder,
  normaliseShares,
  SORMLAND_VASTMANLAND_CURRENT_KEY,
  SORMLAND_VASTMANLAND_POPULATION_KEY,
  type CostKey,
} from "../../src/domain";

describe("reference figures: Region Sörmland / Region Västmanland", () => {
  it("population key gives 51,8 % / 48,2 % from 301 944 and 280 813", () => {
    const a = allocate(10_000_000, SORMLAND_VASTMANLAND_POPULATION_KEY);
    expect(a.parts.map((p) => formatPercent(p.share))).toEqual(["51,8\u00a0%", "48,2\u00a0%"]);
    expect(a.parts.map((p) => p.amount)).toEqual([5_181_302, 4_818_698]);
    expect(a.parts[0].amount + a.parts[1].amount).toBe(10_000_000);
  });
  it("half each plus directly attributable costs reproduces ~52/48 when Sörmland's direct costs are larger", () => {
    const a = allocate(10_000_000, SORMLAND_VASTMANLAND_CURRENT_KEY, { "04": 450_000, "19": 50_000 });
    expect(a.parts.map((p) => [p.partyId, p.amount, p.direct, p.common])).toEqual([
      ["04", 5_200_000, 450_000, 4_750_000],
      ["19", 4_800_000, 50_000, 4_750_000],
    ]);
    expect(a.parts.map((p) => formatPercent(p.share, 0))).toEqual(["52\u00a0%", "48\u00a0%"]);
  });
  it("committee costs: 120 tkr a year split by population", () => {
    const a = allocate(120_000, SORMLAND_VASTMANLAND_POPULATION_KEY);
    expect(a.parts.map((p) => p.amount)).toEqual([62_176, 57_824]);
  });
  it("compareKeys shows each key side by side with the difference against the current key", () => {
    const c = compareKeys({ total: 10_000_000, direct: { "04": 450_000, "19": 50_000 } }, [
      SORMLAND_VASTMANLAND_CURRENT_KEY,
      SORMLAND_VASTMANLAND_POPULATION_KEY,
    ]);
    expect(c[0].isCurrent).toBe(true);
    expect(c[0].parts.map((p) => p.diffKr)).toEqual([0, 0]);
    expect(c[1].isCurrent).toBe(false);
    expect(c[1].parts.map((p) => p.diffKr)).toEqual([5_181_302 - 5_200_000, 4_818_698 - 4_800_000]);
    expect(c[1].parts[0].diffShare).toBeCloseTo(-0.0018698, 7);
    const other = compareKeys(
      { total: 100 },
      [SORMLAND_VASTMANLAND_CURRENT_KEY, SORMLAND_VASTMANLAND_POPULATION_KEY],
      { currentKeyId: "befolkning-2023" },
    );
    expect(other[1].isCurrent).toBe(true);
    expect(() =>
      compareKeys({ total: 1 }, [SORMLAND_VASTMANLAND_CURRENT_KEY], { currentKeyId: "x" }),
    ).toThrow(/Okänd/);
    expect(compareKeys({ total: 1 }, [])).toEqual([]);
  });
});

describe("allocate", () => {
  const key = (weights: number[], basis: CostKey["basis"] = "fixed"): CostKey => ({
    id: "k",
    name: "k",
    basis,
    parties: weights.map((w, i) => ({ id: `p${i}`, name: `Part ${i}`, weight: w })),
  });
  it("splits in öre when asked", () => {
    const a = allocate(100, key([1, 1, 1]), {}, { unit: "öre" });
    expect(a.parts.map((p) => p.amount)).toEqual([33.34, 33.33, 33.33]);
  });
  it("ignores direct costs for keys that split the whole amount", () => {
    const a = allocate(100, key([1, 3]), { p0: 50 });
    expect(a.parts.map((p) => p.amount)).toEqual([25, 75]);
    const b = allocate(100, { ...key([1, 3]), directFirst: true }, { p0: 50 });
    // 50 direct to p0, the other 50 split 1:3 = 12,5 / 37,5: the tie goes to the larger weight
    expect(b.parts.map((p) => p.amount)).toEqual([62, 38]);
  });
  it("refuses bad input with Swedish messages", () => {
    expect(() => allocate(-1, key([1]))).toThrow(/negativt/);
    expect(() => allocate(Number.NaN, key([1]))).toThrow(/tal/);
    expect(() => allocate(100, key([1, 1], "equalAfterDirect"), { p0: 80, p1: 30 })).toThrow(
      /större än beloppet/,
    );
    expect(() => allocate(100, key([1, 1], "equalAfterDirect"), { x: 1 })).toThrow(/okänd part/);
    expect(() => allocate(100, key([0, 0]))).toThrow(/större än 0/);
  });
  it("sums exactly and never goes negative (property)", () => {
    const weights = fc
      .array(fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.double({ min: 0, max: 1e9, noNaN: true })), {
        minLength: 1,
        maxLength: 12,
      })
      .filter((w) => w.some((x) => x > 0));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        weights,
        fc.constantFrom("kr" as const, "öre" as const),
        (amount, w, unit) => {
          const a = allocate(amount, key(w), {}, { unit });
          const sumUnits = a.parts.reduce((s, p) => s + Math.round(p.amount * (unit === "öre" ? 100 : 1)), 0);
          expect(sumUnits).toBe(Math.round(amount * (unit === "öre" ? 100 : 1)));
          for (const p of a.parts) expect(p.amount).toBeGreaterThanOrEqual(0);
          // each part is within one unit of its exact quota
          const shares = normaliseShares(w);
          a.parts.forEach((p, i) =>
            expect(Math.abs(p.amount - amount * shares[i])).toBeLessThanOrEqual(1 + 1e-6 * amount),
          );
          // zero weight gets nothing
          a.parts.forEach((p, i) => w[i] === 0 && expect(p.amount).toBe(0));
        },
      ),
    );
  });
  it("with direct costs: sums exactly, never negative, each party pays at least its direct costs (property)", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 6 })
          .chain((n) =>
            fc.tuple(
              fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: n, maxLength: n }),
              fc.integer({ min: 0, max: 1e9 }),
            ),
          ),
        ([direct, extra]) => {
          const total = direct.reduce((a, b) => a + b, 0) + extra;
          const k = key(
            direct.map(() => 1),
            "equalAfterDirect",
          );
          const a = allocate(total, k, Object.fromEntries(direct.map((d, i) => [`p${i}`, d])));
          expect(a.parts.reduce((s, p) => s + p.amount, 0)).toBe(total);
          a.parts.forEach((p, i) => {
            expect(p.amount).toBeGreaterThanOrEqual(direct[i]);
            expect(p.common).toBeGreaterThanOrEqual(Math.floor(extra / direct.length));
          });
        },
      ),
    );
  });
});

describe("shares", () => {
  it("normalise to 1 (property)", () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.double({ min: 0, max: 1e300, noNaN: true }), { minLength: 1, maxLength: 20 })
          .filter((w) => w.some((x) => x > 0)),
        (w) => {
          const s = normaliseShares(w);
          expect(Math.abs(s.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
          s.forEach((x) => expect(x).toBeGreaterThanOrEqual(0));
        },
      ),
    );
  });
  it("reject negative or non-finite weights", () => {
    expect(() => normaliseShares([1, -1])).toThrow(RangeError);
    expect(() => normaliseShares([Infinity])).toThrow(RangeError);
    expect(() => normaliseShares([])).toThrow(RangeError);
  });
  it("largestRemainder gives ties to the larger weight, then the earlier party", () => {
    expect(largestRemainder(1, [1, 1])).toEqual([1, 0]);
    expect(largestRemainder(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(largestRemainder(10, [1, 2, 2])).toEqual([2, 4, 4]);
    expect(largestRemainder(0, [1, 2])).toEqual([0, 0]);
    expect(() => largestRemainder(1.5, [1])).toThrow(RangeError);
  });
});

describe("keys as data", () => {
  it("builds and validates keys", () => {
    const k = keyFromBasis("vol", "Inköpsvolym 2024", "purchaseVolume", [
      { id: "04", name: "Region Sörmland", value: 3_200_000_000 },
      { id: "19", name: "Region Västmanland", value: 2_900_000_000 },
    ]);
    expect(k.parties[0].weight).toBe(3_200_000_000);
    const dup = CostKeySchema.safeParse({ ...k, parties: [k.parties[0], k.parties[0]] });
    expect(dup.success).toBe(false);
    expect(CostKeySchema.safeParse({ ...k, parties: [{ id: "04", name: "x", weight: -1 }] }).success).toBe(
      false,
    );
    expect(CostKeySchema.safeParse({ ...k, parties: [{ id: "04", name: "x", weight: 0 }] }).success).toBe(
      false,
    );
    expect(CostKeySchema.safeParse(SORMLAND_VASTMANLAND_POPULATION_KEY).success).toBe(true);
  });
});
