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
import { compareToTarget } from "../src/domain/contract";
import { allocate as allocateDomain, CostKeySchema, normaliseShares } from "../src/domain/costsplit";
import {
  operatingMargin as operatingMarginDomain,
  operatingResult,
  OSTERAKER_RESULT_RULE,
  productivity as productivityDomain,
  resultGap as resultGapDomain,
  resultRequirement,
  ResultRequirementRuleSchema,
  type ResultRequirementRule,
} from "../src/domain/metrics";
import { isValidOrgNumber as isValidOrgNumberDomain } from "../src/domain/orgnr";
import { errorForKind, excelFunction, fail, fromDomain, unwrap, type ExcelError } from "./errors";
import {
  integerArg,
  isBlank,
  numberArg,
  optionalIntegerArg,
  optionalNumberArg,
  optionalTextArg,
  requiredNumberArg,
  textArg,
  vectorArg,
} from "./inputs";
import { sharedCostKeyClient, type ShareQuery } from "./keyClient";

// ------------------------------------------------------------------------------ metrics

/**
 * Productivity: volume per full-time equivalent (årsarbetare), e.g. visits, care days or hours
 * delivered per FTE. Returns #DIV/0! when the resources are 0 or less.
 * @customfunction PRODUCTIVITY PRODUCTIVITY
 * @param volume The volume for the period, e.g. the number of visits, care days or hours delivered.
 * @param resources The resources in full-time equivalents (årsarbetare), for all staff or one staff category.
 * @returns Volume per full-time equivalent.
 */
export function productivity(volume: unknown, resources: unknown): number {
  return excelFunction(() => {
    const v = numberArg(volume, "volymen");
    const r = numberArg(resources, "antalet årsarbetare");
    // Excel convention (issue 5): no resources at all, or a negative number, is a division by zero.
    if (typeof r === "number" && r < 0) {
      return fail("#DIV/0!", "Antalet årsarbetare är negativt; produktiviteten kan inte beräknas.");
    }
    return unwrap(productivityDomain(v, r));
  });
}

/**
 * Operating margin: (revenue − costs) / revenue. Include depreciation in the costs. Returns
 * #DIV/0! when the revenue is 0.
 * @customfunction OPERATINGMARGIN OPERATINGMARGIN
 * @param revenue Revenue for the period, in kronor.
 * @param costs Costs for the period, in kronor, including depreciation.
 * @returns The operating margin as a fraction (format the cell as a percentage).
 */
export function operatingMargin(revenue: unknown, costs: unknown): number {
  return excelFunction(() => {
    const r = numberArg(revenue, "intäkterna");
    const result = unwrap(operatingResult(r, numberArg(costs, "kostnaderna")));
    return unwrap(operatingMarginDomain(result, r));
  });
}

/** The result-requirement ramp from the optional arguments; defaults: the Österåker rule. */
function rampArgs(
  startYear: unknown,
  startRate: unknown,
  step: unknown,
  cap: unknown,
): ResultRequirementRule {
  const d = OSTERAKER_RESULT_RULE;
  const first = optionalIntegerArg(startYear, "startåret", d.startYear);
  const candidate = {
    id: "uppf-formel",
    validFrom: `${String(first).padStart(4, "0")}-01-01`,
    startYear: first,
    start: optionalNumberArg(startRate, "startkravet", d.start),
    step: optionalNumberArg(step, "ökningen per år", d.step),
    cap: optionalNumberArg(cap, "taket", d.cap),
  };
  const parsed = ResultRequirementRuleSchema.safeParse(candidate);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? "");
    const label =
      field === "startYear" || field === "validFrom"
        ? "Startåret ska vara ett år mellan 1900 och 2200."
        : `${field === "start" ? "Startkravet" : field === "step" ? "Ökningen" : "Taket"} ska vara en andel mellan −100 % och 100 %; skriv t.ex. 1 % eller 0,01.`;
    return fail("#VALUE!", label);
  }
  return parsed.data;
}

/**
 * The result requirement (minimum operating margin) for a year, as a ramp: the start rate in the
 * start year, one step higher each year, up to the cap. Without the optional values: 1 % in 2019,
 * +1 percentage point a year, at most 3 %. A year before the start gives #N/A.
 * @customfunction REQUIREDMARGIN REQUIREDMARGIN
 * @param year The year, e.g. 2024.
 * @param startYear First year with a requirement. Omitted: 2019.
 * @param startRate The requirement in the start year, as a percentage. Omitted: 1 %.
 * @param step Increase per year, in percentage points (enter 1 % for one point). Omitted: 1 %.
 * @param cap The highest requirement, as a percentage. Omitted: 3 %.
 * @returns The required operating margin as a fraction (format the cell as a percentage).
 */
export function requiredMargin(
  year: unknown,
  startYear?: unknown,
  startRate?: unknown,
  step?: unknown,
  cap?: unknown,
): number {
  return excelFunction(() => {
    const y = integerArg(year, "året");
    return unwrap(resultRequirement(y, rampArgs(startYear, startRate, step, cap)));
  });
}

/**
 * The operating result compared with the result requirement, in kronor:
 * (revenue − costs) − requirement × revenue. A negative amount is a shortfall.
 * @customfunction RESULTGAP RESULTGAP
 * @param revenue Revenue for the year, in kronor.
 * @param costs Costs for the year, in kronor, including depreciation.
 * @param year The year, to pick the requirement from the ramp.
 * @param startYear First year with a requirement. Omitted: 2019.
 * @param startRate The requirement in the start year, as a percentage. Omitted: 1 %.
 * @param step Increase per year, in percentage points. Omitted: 1 %.
 * @param cap The highest requirement, as a percentage. Omitted: 3 %.
 * @returns Result minus required result, in kronor (negative = below the requirement).
 */
export function resultGap(
  revenue: unknown,
  costs: unknown,
  year: unknown,
  startYear?: unknown,
  startRate?: unknown,
  step?: unknown,
  cap?: unknown,
): number {
  return excelFunction(() => {
    const r = numberArg(revenue, "intäkterna");
    const result = unwrap(operatingResult(r, numberArg(costs, "kostnaderna")));
    const y = integerArg(year, "året");
    const required = unwrap(resultRequirement(y, rampArgs(startYear, startRate, step, cap)));
    return unwrap(resultGapDomain(result, r, required));
  });
}

// ------------------------------------------------------------------------------ contract terms

const DIRECTIONS: Record<string, "gte" | "lte" | "eq"> = {
  min: "gte",
  minst: "gte",
  max: "lte",
  högst: "lte",
  exakt: "eq",
  exact: "eq",
};

/**
 * Compares an actual value with the target in the contract: "OK" when the target is met,
 * "VARNING" when it is missed but within the tolerance, otherwise "AVVIKELSE".
 * @customfunction DEVIATIONSTATUS DEVIATIONSTATUS
 * @param actual The reported value, e.g. the share of satisfied users or a waiting time.
 * @param target The target value in the contract.
 * @param tolerance How far from the target the value may be and still give VARNING instead of AVVIKELSE, in the target's unit. Omitted: 0.
 * @param direction "min" if the value must be at least the target (default), "max" if at most, "exakt" if equal.
 * @returns "OK", "VARNING" or "AVVIKELSE".
 */
export function deviationStatus(
  actual: unknown,
  target: unknown,
  tolerance?: unknown,
  direction?: unknown,
): string {
  return excelFunction(() => {
    const a = requiredNumberArg(actual, "utfallet");
    const t = requiredNumberArg(target, "målet");
    const tol = optionalNumberArg(tolerance, "toleransen", 0);
    if (tol < 0) return fail("#VALUE!", "Toleransen kan inte vara negativ.");
    const dirText = optionalTextArg(direction, "riktningen");
    const comparator = dirText === null ? "gte" : DIRECTIONS[dirText.toLowerCase()];
    if (!comparator) {
      return fail("#VALUE!", `Riktningen ska vara "min", "max" eller "exakt", inte "${dirText}".`);
    }
    const { status } = compareToTarget(a, t, comparator, { kind: "absolute", value: tol });
    return status === "ok" ? "OK" : status === "warning" ? "VARNING" : "AVVIKELSE";
  });
}

// ------------------------------------------------------------------------------ cost split

/**
 * Splits an amount between the parties in whole kronor by shares or weights; the parts always add
 * up to exactly the amount (largest remainder). With direct costs, each party first pays its own
 * and the rest is split by the shares. The result spills in the shape (row or column) of the shares.
 * @customfunction ALLOCATE ALLOCATE
 * @param amount The amount to split, in kronor (including the direct costs). An amount with öre is split in öre.
 * @param shares A row or column with one share or weight per party, e.g. 52 % and 48 %, or populations. Empty cells count as 0.
 * @param directCosts Optional: costs that belong to one party only, one per party in the same order as the shares.
 * @returns One amount per party, in kronor.
 */
export function allocate(amount: unknown, shares: unknown[][], directCosts?: unknown[][]): number[][] {
  return excelFunction(() => {
    const total = requiredNumberArg(amount, "beloppet");
    const weights = vectorArg(shares, "andelarna");
    const direct = isBlankRange(directCosts) ? null : vectorArg(directCosts, "de direkta kostnaderna").values;
    if (direct && direct.length !== weights.values.length) {
      return fail(
        "#VALUE!",
        `De direkta kostnaderna ska ha ett värde per part: ${weights.values.length} andelar men ${direct.length} direkta kostnader.`,
      );
    }
    const parsed = CostKeySchema.safeParse({
      id: "fordela",
      name: "UPPF.FORDELA",
      basis: "fixed",
      directFirst: direct !== null,
      parties: weights.values.map((w, i) => ({ id: `part ${i + 1}`, name: `Part ${i + 1}`, weight: w })),
    });
    if (!parsed.success) return fail("#VALUE!", keyProblem(parsed.error.issues[0], "Andel"));
    const directByParty = Object.fromEntries((direct ?? []).map((d, i) => [`part ${i + 1}`, d]));
    // Whole kronor; an amount (or direct cost) with öre is split in öre instead, so that the parts
    // still add up to exactly the amount rather than to a rounded one.
    const hasOre = [total, ...(direct ?? [])].some((x) => Math.abs(x - Math.round(x)) >= 0.005);
    const unit = hasOre ? "öre" : "kr";
    const result = fromDomain(() => allocateDomain(total, parsed.data, directByParty, { unit }));
    return weights.reshape(result.parts.map((p) => p.amount));
  });
}

/**
 * Shares that add up to 1 from a basis, e.g. population per region. The result spills in the
 * shape (row or column) of the basis.
 * @customfunction KEYSHARES KEYSHARES
 * @param basis A row or column with the basis per party, e.g. inhabitants, purchase volume or number of procurements. Empty cells count as 0.
 * @returns One share per party (format the cells as percentages).
 */
export function keyShares(basis: unknown[][]): number[][] {
  return excelFunction(() => {
    const b = vectorArg(basis, "underlaget");
    const negative = b.values.findIndex((w) => w < 0);
    if (negative !== -1) return fail("#VALUE!", `Underlaget: värde ${negative + 1} är negativt.`);
    if (b.values.every((w) => w === 0)) {
      return fail("#DIV/0!", "Underlaget summerar till 0, så andelar kan inte beräknas.");
    }
    return b.reshape(fromDomain(() => normaliseShares(b.values)));
  });
}

/** True when an optional range argument was omitted (or is one empty cell). */
function isBlankRange(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 1 && Array.isArray(v[0]) && v[0].length === 1 && isBlank(v[0][0]);
  return isBlank(v);
}

/** A Swedish message for the first problem zod found in a key built from a formula's ranges. */
function keyProblem(issue: { path: PropertyKey[]; message: string } | undefined, what: string): string {
  if (!issue) return "Andelarna är ogiltiga.";
  const [first, index] = issue.path;
  if (first === "parties" && typeof index === "number") return `${what} ${index + 1}: ${issue.message}.`;
  return `${issue.message}.`;
}

// ------------------------------------------------------------------------------ identifiers and keys

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
