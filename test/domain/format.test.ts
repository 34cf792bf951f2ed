import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  formatDate,
  formatKr,
  formatNumber,
  formatPercent,
  MINUS,
  NBSP,
  parseSwedishDate,
  parseSwedishNumber,
  parseSwedishNumberDetailed,
} from "../../src/domain";

describe("formatNumber", () => {
  it("uses decimal comma and NBSP thousands", () => {
    expect(formatNumber(1234.5)).toBe(`1${NBSP}234,5`);
    expect(formatNumber(1234567.891)).toBe(`1${NBSP}234${NBSP}567,89`);
    expect(formatNumber(-1234)).toBe(`${MINUS}1${NBSP}234`);
    expect(formatNumber(-1234, { asciiMinus: true })).toBe(`-1${NBSP}234`);
    expect(formatNumber(0.5, { decimals: 2 })).toBe("0,50");
    expect(formatNumber(-0.0001)).toBe("0");
    expect(formatNumber(999.999)).toBe(`1${NBSP}000`);
  });
  it("never prints NaN or Infinity", () => {
    expect(formatNumber(Number.NaN)).toBe("–");
    expect(formatNumber(Infinity)).toBe("–");
    expect(formatNumber(null)).toBe("–");
  });
  it("formats kronor and percent", () => {
    expect(formatKr(1234567)).toBe(`1${NBSP}234${NBSP}567${NBSP}kr`);
    expect(formatKr(1234567, { unit: "tkr" })).toBe(`1${NBSP}234,6${NBSP}tkr`);
    expect(formatKr(120_000_000, { unit: "mnkr" })).toBe(`120,0${NBSP}mnkr`);
    expect(formatPercent(0.5181)).toBe(`51,8${NBSP}%`);
    expect(formatPercent(0.03, 0)).toBe(`3${NBSP}%`);
  });
  it("agrees with Intl sv-SE", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (x) => {
        const intl = new Intl.NumberFormat("sv-SE", {
          minimumFractionDigits: 2,
          maximumFractionDigits: 2,
        }).format(x);
        const ours = formatNumber(x, { decimals: 2 });
        // Intl may differ on -0 rounding ("−0,00"); compare numeric meaning instead where that happens.
        if (Math.abs(x) >= 0.005) expect(ours).toBe(intl);
      }),
    );
  });
});

describe("parseSwedishNumber", () => {
  it.each([
    ["1 234,5", 1234.5],
    [`1${NBSP}234,5`, 1234.5],
    ["1\u202f234", 1234],
    ["−12,5", -12.5],
    ["-12", -12],
    ["+7", 7],
    ["79,5 %", 0.795],
    ["1 234 kr", 1234],
    ["1.234,5", 1234.5],
    ["1.5", 1.5],
    ["1.234.567", 1234567],
    [",5", 0.5],
    ["  42  ", 42],
    ["0", 0],
  ])("parses %j", (text, value) => {
    expect(parseSwedishNumber(text)).toBeCloseTo(value, 10);
  });
  it.each([
    "",
    "abc",
    "1 23",
    "12,",
    "1,2,3",
    "5 tkr",
    "12 mnkr",
    "1,5.2",
    "--1",
    "1e5",
    "NaN",
    "Infinity",
    "12 345,6,7",
  ])("rejects %j", (text) => {
    expect(parseSwedishNumber(text)).toBeNull();
  });
  it("reports percent and kr", () => {
    expect(parseSwedishNumberDetailed("12,5 %")).toEqual({ value: 12.5, percent: true, kr: false });
    expect(parseSwedishNumberDetailed("12 kr")).toEqual({ value: 12, percent: false, kr: true });
  });
  it("round-trips formatNumber", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 99 }), (i, c) => {
        const x = i + c / 100;
        expect(parseSwedishNumber(formatNumber(x, { decimals: 2 }))).toBeCloseTo(x, 6);
      }),
    );
  });
  it("returns a finite number or null for any text", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const v = parseSwedishNumber(s);
        expect(v === null || Number.isFinite(v)).toBe(true);
      }),
    );
  });
});

describe("dates", () => {
  it("parses Swedish date text", () => {
    expect(parseSwedishDate("2026-01-20")).toBe("2026-01-20");
    expect(parseSwedishDate("2026-1-2")).toBe("2026-01-02");
    expect(parseSwedishDate("20260120")).toBe("2026-01-20");
    expect(parseSwedishDate("20/1/2026")).toBe("2026-01-20");
    expect(parseSwedishDate("2025-02-29")).toBeNull();
    expect(parseSwedishDate("igår")).toBeNull();
    expect(formatDate(46042)).toBe("2026-01-20");
  });
});

describe("formatNumber with huge values", () => {
  it("never switches to exponent notation", () => {
    expect(formatNumber(1.5e21)).toBe(["1", "500", "000", "000", "000", "000", "000", "000"].join(NBSP));
    expect(formatNumber(-1e300)).not.toMatch(/e|Infinity/);
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(formatNumber(x)).toMatch(/^−?\d{1,3}(\u00a0\d{3})*(,\d+)?$/);
      }),
    );
  });
});
