import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { containsPersonnummer, findPersonnummer, luhnOk, maskPersonnummer, MASKED } from "../../src/domain";

describe("personnummer in free text", () => {
  it.each([
    ["121212-1212", "ÅÅMMDD-NNNN"],
    ["1212121212", "ten digits"],
    ["19121212-1212", "with century and hyphen"],
    ["191212121212", "twelve digits"],
    ["121212+1212", "plus for 100 years or older"],
    ["811218-9876", "another valid number"],
    ["701063-2391", "samordningsnummer (day + 60)"],
  ])("finds %s (%s)", (text) => {
    expect(containsPersonnummer(`Kontakt: ${text}, tack`)).toBe(true);
    expect(maskPersonnummer(`Kontakt: ${text}, tack`)).toBe(`Kontakt: ${MASKED}, tack`);
  });

  it.each([
    ["121212-1213", "wrong check digit"],
    ["556036-0793", "organisationsnummer (Saab AB)"],
    ["212000-0142", "organisationsnummer (Stockholms kommun)"],
    ["121312-1212", "month 13"],
    ["121232-1210", "day 32"],
    ["1 850 000", "an amount"],
    ["12121212121212", "part of a longer run of digits"],
    ["2026-02-10", "a date"],
  ])("does not flag %s (%s)", (text) => {
    expect(containsPersonnummer(text)).toBe(false);
    expect(maskPersonnummer(text)).toBe(text);
  });

  it("checks February 29 against the century when one is given", () => {
    expect(findPersonnummer("000229-0005")).toHaveLength(1);
    expect(findPersonnummer("20000229-0005")).toHaveLength(1);
    expect(findPersonnummer("19000229-0005")).toHaveLength(0); // 1900 was no leap year
  });

  it("masks every number in a text and keeps the rest", () => {
    expect(maskPersonnummer("A 121212-1212 och B 811218-9876.")).toBe(`A ${MASKED} och B ${MASKED}.`);
    expect(findPersonnummer("701063-2391")[0].coordination).toBe(true);
  });

  it("finds any valid number written in any of the forms (property)", () => {
    const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n });
    fc.assert(
      fc.property(
        fc.integer({ min: 1930, max: 2025 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        digits(3),
        fc.constantFrom("", "-", "+"),
        fc.boolean(),
        (year, month, day, serial, sep, withCentury) => {
          const yy = String(year % 100).padStart(2, "0");
          const mm = String(month).padStart(2, "0");
          const dd = String(day).padStart(2, "0");
          const nine = `${yy}${mm}${dd}${serial.join("")}`;
          const check = [...Array(10).keys()].find((d) => luhnOk(`${nine}${d}`))!;
          const text = `${withCentury ? String(year).slice(0, 2) : ""}${yy}${mm}${dd}${sep}${serial.join("")}${check}`;
          return containsPersonnummer(`x ${text} y`) && maskPersonnummer(text) === MASKED;
        },
      ),
    );
  });
});
