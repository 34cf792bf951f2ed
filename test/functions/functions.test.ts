/**
 * The UPPF functions as Excel calls them (arguments as Excel passes them: numbers, text, null for
 * omitted optionals, ranges as number[][]), against the reference figures
 * (../shared/data/reference-figures.md) and the error conventions: #VALUE! for a non-number,
 * #DIV/0! for division by zero, #N/A for a year before the ramp or missing input.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  deviationStatus,
  isValidOrgNumber,
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
