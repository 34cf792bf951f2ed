/**
 * The UPPF custom functions: thin wrappers over the domain engine (src/domain), so that the
 * formulas, the task pane and the CLI always give identical numbers. Each wrapper only turns
 * Excel's arguments into domain inputs (functions/inputs.ts), calls the domain, and turns a
 * "not computable" result into the matching Excel error with a Swedish message
 * (functions/errors.ts).
 *
 * The JSDoc below is read by custom-functions-metadata at build time: it gives each function its
 * stable id (the first word after @customfunction, never to be changed: workbooks store it) and
 * the English name and texts of dist/functions.json. The Swedish names and texts
 * (dist/functions-sv.json) come from functions/translations.sv.json, keyed by the same id.
 * The build appends the `CustomFunctions.associate(id, fn)` calls to this file; tests import it
 * directly.
 */
import { isValidOrgNumber as isValidOrgNumberDomain } from "../src/domain/orgnr";
import { errorForKind, excelFunction, fail, type ExcelError } from "./errors";
import { isBlank, optionalTextArg, textArg } from "./inputs";
import { sharedCostKeyClient, type ShareQuery } from "./keyClient";

/**
 * Checks an organisationsnummer: TRUE for a valid Swedish organisation number (NNNNNN-NNNN, with or
 * without the hyphen, third and fourth digits at least 20, correct check digit), otherwise FALSE.
 * A personal identity number (personnummer) is never accepted.
 * @customfunction ISORGNUMBER ISORGNUMBER
 * @param value The organisation number to check, e.g. 212000-0142.
 * @returns TRUE or FALSE.
 */
export function isValidOrgNumber(value: unknown): boolean {
  return excelFunction(() => {
    if (isBlank(value)) return false;
    if (typeof value !== "string" && typeof value !== "number") return false;
    return isValidOrgNumberDomain(value);
  });
}

/**
 * The agreed share of one party in a cost-distribution key approved by every party, read from the
 * shared store. The cell updates when the key changes. Requires signing in in the task pane.
 * @customfunction COSTKEY COSTKEY
 * @param agreementId The agreement's (or the key's) id in the shared store, e.g. "inkop-04-19".
 * @param party The party: region code (e.g. "04") or name (e.g. "Region Sörmland").
 * @param period Optional: a year (2025), a month ("2025-03") or a date; gives the key in force at the end of the period. Omitted: the key in force now.
 * @param invocation Streaming invocation (supplied by Excel).
 */
export function costKey(
  agreementId: unknown,
  party: unknown,
  period: unknown = null,
  invocation: CustomFunctions.StreamingInvocation<number>,
): void {
  let query: ShareQuery;
  try {
    query = excelFunction(() => ({
      agreementId: textArg(agreementId, "avtal"),
      party: textArg(party, "part"),
      period: periodArg(period),
    }));
  } catch (err) {
    invocation.setResult(asRuntimeError(err as ExcelError));
    return;
  }
  const unsubscribe = sharedCostKeyClient().subscribe(query, (answer) => {
    invocation.setResult(answer.ok ? answer.value : asRuntimeError(errorForKind(answer.kind, answer.reason)));
  });
  invocation.onCanceled = unsubscribe;
}

/** A period argument for COSTKEY: year, "ÅÅÅÅ-MM", "ÅÅÅÅ-MM-DD" or an Excel date. */
function periodArg(v: unknown): string | null {
  if (typeof v === "number" && Number.isInteger(v)) {
    if (v >= 1900 && v <= 2200) return String(v);
    if (v > 2200 && v < 2958466) {
      // An Excel date serial (days since 1899-12-30, the 1900 leap-year bug already absorbed after Feb 1900).
      const d = new Date(Date.UTC(1899, 11, 30) + v * 86_400_000);
      return d.toISOString().slice(0, 10);
    }
  }
  const text = optionalTextArg(v, "period");
  if (text === null) return null;
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(text)) return text;
  return fail(
    "#VALUE!",
    `Perioden "${text}" ska vara ett år (2025), en månad (2025-03) eller ett datum (2025-03-31).`,
  );
}

/** An Excel error as the type the streaming invocation's setResult accepts. */
function asRuntimeError(e: ExcelError): CustomFunctions.Error {
  return e as unknown as CustomFunctions.Error;
}
