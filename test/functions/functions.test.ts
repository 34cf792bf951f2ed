/**
 * The UPPF functions as Excel calls them (arguments as Excel passes them: numbers, text, null for
 * omitted optionals, ranges as number[][]), against the reference figures
 * (../shared/data/reference-figures.md) and the error conventions: #VALUE! for a non-number,
 * #DIV/0! for division by zero, #N/A for a year before the ramp or missing input.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allocate,
  deviationStatus,
  isValidOrgNumber,
  keyShares,
  operatingMargin,
  productivity,
  requiredMargin,
  resultGap,
} from "../../functions/functions";
import { LocalExcelError } from "../../functions/errors";

/** Call like Excel does: the value, or the Excel error the function threw. */
function call<T>(f: () => T): T | LocalExcelError {
  try {
    return f();
  } catch (err) {
    if (err instanceof LocalExcelError) return err;
    throw err;
  }
}

function expectError(result: unknown, code: string, message?: RegExp) {
  expect(result).toBeInstanceOf(LocalExcelError);
  expect((result as LocalExcelError).code).toBe(code);
  if (message) expect((result as LocalExcelError).message).toMatch(message);
}

describe("UPPF.PRODUKTIVITET (PRODUCTIVITY)", () => {
  it("is volume per årsarbetare: ~1 950 listed patients per full-time doctor (Vårdanalys 2018)", () => {
    expect(productivity(19_500, 10)).toBe(1950);
    expect(productivity(1100, 1)).toBe(1100);
    expect(productivity("12 345,5", "2,5")).toBeCloseTo(4938.2, 10); // numbers typed as Swedish text
  });

  it("gives #DIV/0! when the resources are 0 or less, #VALUE! for text, #N/A when missing", () => {
    expectError(
      call(() => productivity(100, 0)),
      "#DIV/0!",
    );
    expectError(
      call(() => productivity(100, -2)),
      "#DIV/0!",
    );
    expectError(
      call(() => productivity("många", 3)),
      "#VALUE!",
      /Volymen ska vara ett tal, men är texten "många"/,
    );
    expectError(
      call(() => productivity(100, true)),
      "#VALUE!",
      /årsarbetare ska vara ett tal, men är SANT/,
    );
    expectError(
      call(() => productivity(100, null)),
      "#N/A",
      /saknas/,
    );
  });
});

describe("UPPF.RORELSEMARGINAL (OPERATINGMARGIN)", () => {
  it("is (revenue − costs) / revenue", () => {
    expect(operatingMargin(1_000_000, 970_000)).toBeCloseTo(0.03, 12);
    expect(operatingMargin(2_000_000, 2_100_000)).toBeCloseTo(-0.05, 12);
  });
  it("gives #DIV/0! for zero revenue and #VALUE! for text", () => {
    expectError(
      call(() => operatingMargin(0, 10)),
      "#DIV/0!",
    );
    expectError(
      call(() => operatingMargin("x", 10)),
      "#VALUE!",
      /Intäkterna ska vara ett tal/,
    );
  });
});

describe("UPPF.RESULTATKRAV (REQUIREDMARGIN)", () => {
  it("follows the Österåker ramp by default: 2019 → 1 %, 2020 → 2 %, 2021 → 3 %, 2030 → 3 %", () => {
    expect(requiredMargin(2019, null, null, null, null)).toBeCloseTo(0.01, 12);
    expect(requiredMargin(2020)).toBeCloseTo(0.02, 12);
    expect(requiredMargin(2021)).toBeCloseTo(0.03, 12);
    expect(requiredMargin(2030)).toBeCloseTo(0.03, 12);
  });
  it("takes its own ramp from the optional arguments (percent as numbers or Swedish text)", () => {
    expect(requiredMargin(2024, 2023, 0.005, 0.005, 0.02)).toBeCloseTo(0.01, 12);
    expect(requiredMargin(2030, 2023, "0,5 %", "0,5 %", "2 %")).toBeCloseTo(0.02, 12);
  });
  it("gives #N/A for a year before the ramp starts, with the reason", () => {
    expectError(
      call(() => requiredMargin(2018)),
      "#N/A",
      /gäller från 2019/,
    );
    expectError(
      call(() => requiredMargin(2022, 2023)),
      "#N/A",
      /gäller från 2023/,
    );
  });
  it("gives #VALUE! for a non-integer year or a rate given as a whole number", () => {
    expectError(
      call(() => requiredMargin(2020.5)),
      "#VALUE!",
      /heltal/,
    );
    expectError(
      call(() => requiredMargin("i år")),
      "#VALUE!",
      /Året ska vara ett tal/,
    );
    expectError(
      call(() => requiredMargin(2020, null, 3)),
      "#VALUE!",
      /Startkravet .* 1 % eller 0,01/,
    );
  });
  it("is monotone and capped for any year from the start (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2019, max: 2199 }), (y) => {
        const a = requiredMargin(y);
        const b = requiredMargin(y + 1);
        return b >= a && b <= 0.03 + 1e-12 && a >= 0.01 - 1e-12;
      }),
    );
  });
});

describe("UPPF.RESULTATGAP (RESULTGAP)", () => {
  it("is result − requirement × revenue, in kronor", () => {
    // 2020: requirement 2 %. Revenue 10 mnkr, costs 9,9 mnkr: result 100 tkr, required 200 tkr.
    expect(resultGap(10_000_000, 9_900_000, 2020)).toBeCloseTo(-100_000, 6);
    // 2021+: 3 %. Result 400 tkr against 300 tkr required.
    expect(resultGap(10_000_000, 9_600_000, 2025)).toBeCloseTo(100_000, 6);
    expect(resultGap(10_000_000, 9_900_000, 2019)).toBeCloseTo(0, 6);
  });
  it("gives #N/A before the ramp and #VALUE! for text", () => {
    expectError(
      call(() => resultGap(1, 1, 2017)),
      "#N/A",
      /2019/,
    );
    expectError(
      call(() => resultGap(1, "mycket", 2020)),
      "#VALUE!",
      /Kostnaderna/,
    );
  });
});

describe("UPPF.AVVIKELSE (DEVIATIONSTATUS)", () => {
  it("'min' (default): OK at or above target, VARNING within tolerance, else AVVIKELSE", () => {
    // Nationell patientenkät 2021: helhetsintryck 79,5 % (kvinnor) against a target of 80 %.
    expect(deviationStatus(0.824, 0.8)).toBe("OK");
    expect(deviationStatus(0.8, 0.8, null, null)).toBe("OK");
    expect(deviationStatus(0.795, 0.8, 0.01)).toBe("VARNING");
    expect(deviationStatus(0.781, 0.8, 0.01)).toBe("AVVIKELSE");
  });
  it("'max' and 'exakt'", () => {
    // At most 1 100 listed patients per GP (Socialstyrelsen); observed ~1 950.
    expect(deviationStatus(1950, 1100, 100, "max")).toBe("AVVIKELSE");
    expect(deviationStatus(1150, 1100, 100, "MAX")).toBe("VARNING");
    expect(deviationStatus(1000, 1100, 0, "max")).toBe("OK");
    expect(deviationStatus(16, 15, 1, "exakt")).toBe("VARNING");
    expect(deviationStatus(14, 15, 0.5, "exakt")).toBe("AVVIKELSE");
  });
  it("rejects an unknown direction, a negative tolerance and text values", () => {
    expectError(
      call(() => deviationStatus(1, 1, 0, "uppåt")),
      "#VALUE!",
      /"min", "max" eller "exakt"/,
    );
    expectError(
      call(() => deviationStatus(1, 1, -1)),
      "#VALUE!",
      /negativ/,
    );
    expectError(
      call(() => deviationStatus("bra", 1)),
      "#VALUE!",
    );
    expectError(
      call(() => deviationStatus(null, 1)),
      "#N/A",
      /Utfallet saknas/,
    );
  });
});

describe("UPPF.ORGNR (ISORGNUMBER)", () => {
  it("accepts the valid examples from the figures, with or without hyphen", () => {
    for (const v of ["212000-0142", "212000-1355", "556036-0793", "2120000142", 5560360793]) {
      expect(isValidOrgNumber(v)).toBe(true);
    }
  });
  it("rejects a wrong check digit, personnummer, blanks and other values with FALSE", () => {
    for (const v of ["212000-0143", "19850101-1234", "850101-1234", "", null, "abc", true, 12.5]) {
      expect(isValidOrgNumber(v)).toBe(false);
    }
  });
});

describe("UPPF.FORDELA (ALLOCATE)", () => {
  it("reproduces ~52/48 from 'half each plus the costs tied to one region'", () => {
    // 10 mnkr, of which 400 tkr tied to Sörmland: 5,2 / 4,8 mnkr.
    expect(allocate(10_000_000, [[1, 1]], [[400_000, 0]])).toEqual([[5_200_000, 4_800_000]]);
    expect(allocate(10_000_000, [[0.52], [0.48]])).toEqual([[5_200_000], [4_800_000]]);
  });

  it("splits by population 51,8 / 48,2 (SCB 2023: 301 944 / 280 813) in whole kronor summing exactly", () => {
    const [[s], [v]] = allocate(120_000, [[301_944], [280_813]]); // the committee's 120 tkr a year
    expect(s + v).toBe(120_000);
    expect(s / 120_000).toBeCloseTo(0.518, 3);
    expect(v / 120_000).toBeCloseTo(0.482, 3);
    expect(Number.isInteger(s) && Number.isInteger(v)).toBe(true);
  });

  it("follows the shape of the shares (row → row, column → column), with empty cells as 0", () => {
    expect(allocate(100, [[1, null, 1]])).toEqual([[50, 0, 50]]);
    expect(allocate(100, [[1], [""], [3]])).toEqual([[25], [0], [75]]);
    expect(allocate(7, [[1]])).toEqual([[7]]);
    expect(allocate(100, [[1, 1]], [[null]])).toEqual([[50, 50]]); // omitted direct costs
  });

  it("splits in whole kronor, or in öre when the amount has öre, always summing to the amount", () => {
    expect(allocate(100, [[1, 1, 1]])).toEqual([[34, 33, 33]]);
    expect(allocate(100.5, [[1, 1, 1]])).toEqual([[33.5, 33.5, 33.5]]);
    expect(allocate(100.01, [[1, 1, 1]])).toEqual([[33.34, 33.34, 33.33]]);
    expect(allocate(0.1 + 0.2, [[1, 1]])).toEqual([[0.15, 0.15]]); // 0,30000000000000004 kr
    expect(allocate(3 * 10_000.1 - 0.3, [[1, 2]])).toEqual([[10_000, 20_000]]); // float noise, whole kronor
  });

  it("gives #VALUE! with the reason for bad shares, direct costs or amounts", () => {
    expectError(
      call(() =>
        allocate(100, [
          [1, 2],
          [3, 4],
        ]),
      ),
      "#VALUE!",
      /en rad eller en kolumn/,
    );
    expectError(
      call(() => allocate(100, [[1, -1]])),
      "#VALUE!",
      /Andel 2: Vikten får inte vara negativ/,
    );
    expectError(
      call(() => allocate(100, [[0, 0]])),
      "#VALUE!",
      /större än 0/,
    );
    expectError(
      call(() => allocate(100, [[1, "hälften"]])),
      "#VALUE!",
      /Andelarna: värde 2 ska vara ett tal/,
    );
    expectError(
      call(() => allocate(100, [[1, 1]], [[10, 0, 0]])),
      "#VALUE!",
      /2 andelar men 3 direkta/,
    );
    expectError(
      call(() => allocate(100, [[1, 1]], [[80, 30]])),
      "#VALUE!",
      /större än beloppet/,
    );
    expectError(
      call(() => allocate(-5, [[1, 1]])),
      "#VALUE!",
      /negativt/,
    );
    expectError(
      call(() => allocate(null, [[1, 1]])),
      "#N/A",
      /Beloppet saknas/,
    );
  });

  it("always sums exactly to the (whole-krona) amount, never negative (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 1e7 }), fc.double({ min: 0, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.boolean(),
        (amount, weights, asColumn) => {
          fc.pre(weights.some((w) => w > 0));
          const shares = asColumn ? weights.map((w) => [w]) : [weights];
          const out = allocate(amount, shares);
          const flat = out.flat();
          expect(out.length).toBe(asColumn ? weights.length : 1);
          expect(flat).toHaveLength(weights.length);
          expect(flat.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
          expect(flat.reduce((a, b) => a + b, 0)).toBe(amount);
        },
      ),
    );
  });

  it("with direct costs, each party pays at least its own and the parts still sum exactly (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ w: fc.integer({ min: 1, max: 1000 }), d: fc.integer({ min: 0, max: 1e6 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer({ min: 0, max: 1e9 }),
        (parties, rest) => {
          const amount = parties.reduce((a, p) => a + p.d, 0) + rest;
          const [row] = allocate(amount, [parties.map((p) => p.w)], [parties.map((p) => p.d)]);
          expect(row.reduce((a, b) => a + b, 0)).toBe(amount);
          row.forEach((x, i) => expect(x).toBeGreaterThanOrEqual(parties[i].d));
        },
      ),
    );
  });
});

describe("UPPF.NYCKELANDELAR (KEYSHARES)", () => {
  it("gives 51,8 % / 48,2 % from the populations 301 944 and 280 813, in the basis' shape", () => {
    const [[s], [v]] = keyShares([[301_944], [280_813]]);
    expect(s).toBeCloseTo(0.518, 3);
    expect(v).toBeCloseTo(0.482, 3);
    const [row] = keyShares([[52, 48]]);
    expect(row).toHaveLength(2);
    expect(row[0]).toBeCloseTo(0.52, 12);
    expect(row[1]).toBeCloseTo(0.48, 12);
    expect(keyShares([["301 944", null, 280_813]])[0][1]).toBe(0);
  });

  it("gives #DIV/0! when the basis sums to 0 and #VALUE! for negative or text values", () => {
    expectError(
      call(() => keyShares([[0, null]])),
      "#DIV/0!",
      /summerar till 0/,
    );
    expectError(
      call(() => keyShares([[5, -1]])),
      "#VALUE!",
      /värde 2 är negativt/,
    );
    expectError(
      call(() => keyShares([[5, "många"]])),
      "#VALUE!",
      /ska vara ett tal/,
    );
    expectError(
      call(() =>
        keyShares([
          [1, 2],
          [3, 4],
        ]),
      ),
      "#VALUE!",
      /en rad eller en kolumn/,
    );
  });

  it("always sums to 1, each share in [0, 1] (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 1e9 }), fc.double({ min: 0, max: 1e6, noNaN: true })), {
          minLength: 1,
          maxLength: 20,
        }),
        (basis) => {
          fc.pre(basis.some((b) => b > 0));
          const [row] = keyShares([basis]);
          expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
          expect(row.every((x) => x >= 0 && x <= 1)).toBe(true);
        },
      ),
    );
  });
});
