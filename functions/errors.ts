/**
 * Excel errors for the custom functions. Inside Excel the shared runtime provides
 * `CustomFunctions.Error`; in Node (tests) and in a plain browser it does not, so errors are made
 * by a tiny factory that uses the real class when present and an equivalent local class (same
 * `code`/`message` shape) otherwise. Never reference `CustomFunctions.ErrorCode` at run time
 * here: the codes are the literal strings Excel uses ("#DIV/0!", ...).
 *
 * Note: Excel shows a custom message only for #VALUE! and #N/A; for #DIV/0! the message is kept
 * (tests and logs read it) but Excel displays only the error itself.
 */
import type { Computed, NotComputableKind } from "../src/domain/result";

/** The Excel error codes the functions return (the values of `CustomFunctions.ErrorCode`). */
export type ExcelErrorCode = "#DIV/0!" | "#VALUE!" | "#N/A" | "#NUM!";

/** What an error returned to a cell looks like, whichever class made it. */
export interface ExcelError {
  code: ExcelErrorCode;
  message?: string;
}

/** Stand-in for `CustomFunctions.Error` outside Excel: same constructor and fields. */
export class LocalExcelError implements ExcelError {
  constructor(
    readonly code: ExcelErrorCode,
    readonly message?: string,
  ) {}
}

type ErrorCtor = new (code: ExcelErrorCode, message?: string) => ExcelError;

function runtimeErrorClass(): ErrorCtor | undefined {
  const cf = (globalThis as { CustomFunctions?: { Error?: unknown } }).CustomFunctions;
  return typeof cf?.Error === "function" ? (cf.Error as ErrorCtor) : undefined;
}

/** An Excel error: `CustomFunctions.Error` inside Excel, {@link LocalExcelError} elsewhere. */
export function excelError(code: ExcelErrorCode, message?: string): ExcelError {
  const Ctor = runtimeErrorClass() ?? LocalExcelError;
  return new Ctor(code, message);
}

/** The Excel error code for a domain "not computable" kind. */
export function codeForKind(kind: NotComputableKind): ExcelErrorCode {
  switch (kind) {
    case "div0":
      return "#DIV/0!";
    case "value":
      return "#VALUE!";
    case "na":
      return "#N/A";
  }
}

/** The Excel error for a domain kind with its Swedish reason. */
export function errorForKind(kind: NotComputableKind, reason: string): ExcelError {
  return excelError(codeForKind(kind), reason);
}

/** True for an error made by {@link excelError} (either class). */
export function isExcelError(v: unknown): v is ExcelError {
  if (v instanceof LocalExcelError) return true;
  const Ctor = runtimeErrorClass();
  return Ctor !== undefined && v instanceof Ctor;
}

/**
 * Thrown inside the wrappers to abort with an Excel error; {@link excelFunction} turns it into
 * the thrown `CustomFunctions.Error` Excel expects.
 */
class Abort {
  constructor(readonly error: ExcelError) {}
}

/** Abort the current function with an Excel error. */
export function fail(code: ExcelErrorCode, message: string): never {
  throw new Abort(excelError(code, message));
}

/** Abort with the error for a domain kind. */
export function failWith(kind: NotComputableKind, reason: string): never {
  throw new Abort(errorForKind(kind, reason));
}

/** The value of a domain result, or abort with its Excel error. */
export function unwrap<T>(c: Computed<T>): T {
  if (c.ok) return c.value;
  return failWith(c.kind, c.reason);
}

/**
 * Call a domain function that signals bad input by throwing RangeError with a Swedish message
 * (e.g. the cost split): that becomes #VALUE! with the message; anything else propagates.
 */
export function fromDomain<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof RangeError) return fail("#VALUE!", ensurePeriod(err.message));
    throw err;
  }
}

function ensurePeriod(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** Message for an unexpected exception (a bug): never a silently wrong number. */
export const UNEXPECTED_ERROR =
  "Ett oväntat fel inträffade i funktionen. Kontrollera indata och försök igen.";

/**
 * Run a wrapper body and map failures to what Excel expects: the function throws the
 * `CustomFunctions.Error` (the documented way for scalar and spilled results alike). An
 * unexpected exception becomes #VALUE! with a general Swedish message rather than escaping.
 */
export function excelFunction<T>(body: () => T): T {
  try {
    return body();
  } catch (err) {
    if (err instanceof Abort) throw err.error;
    if (isExcelError(err)) throw err;
    // A bug, not bad input: log it for the developer, show the user a plain error.
    console.error("Uppföljning: oväntat fel i en anpassad funktion", err);
    throw excelError("#VALUE!", UNEXPECTED_ERROR);
  }
}
