import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  a1ToPosition,
  colToIndex,
  compareA1,
  definedNameText,
  getCell,
  indexToCol,
  isA1,
  isoDateToSerial,
  normaliseCellValue,
  offsetA1,
  positionToA1,
  quoteSheetName,
  resolveDefinedName,
  serialToIsoDate,
  setSheetCell,
  type WorkbookSnapshot,
} from "../../src/domain";

describe("A1 addresses", () => {
  it("converts known columns", () => {
    expect(colToIndex("A")).toBe(0);
    expect(colToIndex("Z")).toBe(25);
    expect(colToIndex("AA")).toBe(26);
    expect(colToIndex("xfd")).toBe(16383);
    expect(indexToCol(701)).toBe("ZZ");
    expect(indexToCol(702)).toBe("AAA");
  });
  it("rejects columns and rows beyond Excel's limits", () => {
    expect(() => colToIndex("XFE")).toThrow(RangeError);
    expect(() => indexToCol(16384)).toThrow(RangeError);
    expect(() => a1ToPosition("A0")).toThrow(/A1/);
    expect(() => a1ToPosition("A1048577")).toThrow(RangeError);
    expect(isA1("C12")).toBe(true);
    expect(isA1("$C$12")).toBe(true);
    expect(isA1("C")).toBe(false);
    expect(isA1("XFE1")).toBe(false);
  });
  it("round-trips every position", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_048_575 }), fc.integer({ min: 0, max: 16_383 }), (row, col) => {
        const a1 = positionToA1({ row, col });
        expect(a1ToPosition(a1)).toEqual({ row, col });
        expect(isA1(a1)).toBe(true);
      }),
    );
  });
  it("orders addresses in reading order and offsets them", () => {
    expect(compareA1("B2", "A3")).toBeLessThan(0);
    expect(compareA1("C5", "B5")).toBeGreaterThan(0);
    expect(offsetA1("C5", 1, 2)).toBe("E6");
  });
  it("quotes sheet names that need it", () => {
    expect(quoteSheetName("Volymer")).toBe("Volymer");
    expect(quoteSheetName("Synpunkter och avvikelser")).toBe("'Synpunkter och avvikelser'");
    expect(quoteSheetName("Kvinnor's")).toBe("'Kvinnor''s'");
  });
});

describe("getCell", () => {
  const snap: WorkbookSnapshot = {
    sheets: [{ name: "Blad1", rows: [["a", 1], [], [null, null, "#DIV/0!"]] }],
    definedNames: { KONST: '="uppf-mall@1.0.0"', REF: "Blad1!$B$1", QREF: "'Blad1'!A1" },
  };
  it("reads ragged rows, missing cells as null and error text as error objects", () => {
    expect(getCell(snap, "Blad1", "A1")).toBe("a");
    expect(getCell(snap, "blad1", "B1")).toBe(1);
    expect(getCell(snap, "Blad1", "Z99")).toBeNull();
    expect(getCell(snap, "Blad1", "A2")).toBeNull();
    expect(getCell(snap, "Blad1", "C3")).toEqual({ kind: "error", code: "#DIV/0!" });
    expect(getCell(snap, "Saknas", "A1")).toBeUndefined();
  });
  it("resolves defined names as constants or references", () => {
    expect(definedNameText('="a""b"')).toBe('a"b');
    expect(resolveDefinedName(snap, "konst")).toBe("uppf-mall@1.0.0");
    expect(resolveDefinedName(snap, "REF")).toBe(1);
    expect(resolveDefinedName(snap, "QREF")).toBe("a");
    expect(resolveDefinedName(snap, "NOPE")).toBeUndefined();
  });
  it("setSheetCell grows the grid", () => {
    const s = { name: "x", rows: [] as never[] };
    setSheetCell(s, "C3", 5);
    expect(s.rows.length).toBe(3);
    expect(getCell({ sheets: [s] }, "x", "C3")).toBe(5);
    expect(normaliseCellValue(undefined)).toBeNull();
  });
});

describe("Excel serial dates", () => {
  it("matches Excel's 1900 system", () => {
    expect(isoDateToSerial("2026-01-20")).toBe(46042);
    expect(serialToIsoDate(46042)).toBe("2026-01-20");
    expect(isoDateToSerial("1900-03-01")).toBe(61);
    expect(isoDateToSerial("2025-02-29")).toBeUndefined();
    expect(serialToIsoDate(Number.NaN)).toBeUndefined();
  });
  it("round-trips", () => {
    fc.assert(
      fc.property(fc.integer({ min: 61, max: 2_958_465 }), (serial) => {
        expect(isoDateToSerial(serialToIsoDate(serial)!)).toBe(serial);
      }),
    );
  });
});
