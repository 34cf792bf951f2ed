import { afterEach, describe, expect, it } from "vitest";
import {
  codeForKind,
  errorForKind,
  excelError,
  excelFunction,
  fail,
  isExcelError,
  LocalExcelError,
  unwrap,
  UNEXPECTED_ERROR,
} from "../../functions/errors";
import { notComputable, ok } from "../../src/domain/result";

describe("Excel errors for the custom functions", () => {
  afterEach(() => {
    delete (globalThis as { CustomFunctions?: unknown }).CustomFunctions;
  });

  it("maps each domain kind to Excel's error code", () => {
    expect(codeForKind("div0")).toBe("#DIV/0!");
    expect(codeForKind("value")).toBe("#VALUE!");
    expect(codeForKind("na")).toBe("#N/A");
    const e = errorForKind("na", "Året ligger före trappans start");
    expect(e).toMatchObject({ code: "#N/A", message: "Året ligger före trappans start" });
  });

  it("uses a local class with the same shape when Excel is absent", () => {
    const e = excelError("#VALUE!", "Volym ska vara ett tal");
    expect(e).toBeInstanceOf(LocalExcelError);
    expect(e).toEqual(new LocalExcelError("#VALUE!", "Volym ska vara ett tal"));
    expect(isExcelError(e)).toBe(true);
    expect(isExcelError(new Error("x"))).toBe(false);
  });

  it("uses the runtime's CustomFunctions.Error inside Excel", () => {
    class RuntimeError {
      constructor(
        public code: string,
        public message?: string,
      ) {}
    }
    (globalThis as { CustomFunctions?: unknown }).CustomFunctions = {
      Error: RuntimeError,
      associate: () => {},
    };
    const e = excelError("#DIV/0!", "Resurserna är 0");
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e).toMatchObject({ code: "#DIV/0!", message: "Resurserna är 0" });
    expect(isExcelError(e)).toBe(true);
  });

  it("does not use the page guard's stand-in (associate only) as an error class", () => {
    (globalThis as { CustomFunctions?: unknown }).CustomFunctions = { associate: () => undefined };
    expect(excelError("#N/A", "x")).toBeInstanceOf(LocalExcelError);
  });

  it("throws the Excel error out of a wrapper, and turns a bug into #VALUE! with a Swedish message", () => {
    expect(() => excelFunction(() => fail("#N/A", "saknas"))).toThrow(
      expect.objectContaining({ code: "#N/A" }),
    );
    expect(() => excelFunction(() => unwrap(notComputable("div0", "Intäkterna är 0")))).toThrow(
      expect.objectContaining({ code: "#DIV/0!", message: "Intäkterna är 0" }),
    );
    expect(excelFunction(() => unwrap(ok(3)))).toBe(3);
    const originalError = console.error;
    console.error = () => {};
    try {
      expect(() =>
        excelFunction(() => {
          throw new TypeError("boom");
        }),
      ).toThrow(expect.objectContaining({ code: "#VALUE!", message: UNEXPECTED_ERROR }));
    } finally {
      console.error = originalError;
    }
  });
});
