import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  isPersonnummerLike,
  isValidOrgNumber,
  luhnCheckDigit,
  orgNumberGroup,
  parseOrgNumber,
} from "../../src/domain";

describe("organisationsnummer", () => {
  it.each(["212000-0142", "212000-1355", "556036-0793", "2120000142", "16212000-0142", " 556036-0793 "])(
    "accepts %j",
    (v) => {
      expect(isValidOrgNumber(v)).toBe(true);
    },
  );
  it("normalises", () => {
    expect(parseOrgNumber("2120000142")).toEqual({ ok: true, value: "212000-0142" });
    expect(parseOrgNumber(5560360793)).toEqual({ ok: true, value: "556036-0793" });
    expect(orgNumberGroup("556036-0793")).toBe("Aktiebolag");
  });
  it("rejects a wrong check digit with a reason", () => {
    const r = parseOrgNumber("212000-0143");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/kontrollsiffra/);
  });
  it("rejects personnummer-like values without echoing them", () => {
    for (const pnr of ["811218-9876", "19811218-9876", "198112189876", "460101-1234"]) {
      const r = parseOrgNumber(pnr);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.personnummerLike).toBe(true);
        expect(r.reason).not.toContain(pnr.slice(0, 6));
      }
      expect(isPersonnummerLike(pnr)).toBe(true);
    }
  });
  it("rejects bad formats and digits 3–4 below 20 that are not dates", () => {
    expect(parseOrgNumber("12345").ok).toBe(false);
    expect(parseOrgNumber("551336-0793").ok).toBe(false);
    expect(parseOrgNumber("17212000-0142").ok).toBe(false);
    expect(parseOrgNumber("abc").ok).toBe(false);
  });
  it("accepts exactly the numbers whose last digit is the Luhn digit (digits 3–4 ≥ 20)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 20, max: 99 }),
        fc.integer({ min: 0, max: 99999 }),
        fc.integer({ min: 0, max: 9 }),
        (a, b, c, last) => {
          const nine = `${String(a).padStart(2, "0")}${b}${String(c).padStart(5, "0")}`;
          const ok = luhnCheckDigit(nine) === last;
          expect(isValidOrgNumber(`${nine.slice(0, 6)}-${nine.slice(6)}${last}`)).toBe(ok);
        },
      ),
    );
  });
});
