/**
 * Findings: what validation reports, with stable codes documented in {@link FINDING_CODES}.
 */
import { compareA1, isA1 } from "../snapshot";

/** `error` blocks acceptance, `warning` needs attention, `info` is for information. */
export type Severity = "error" | "warning" | "info";

/** Stable finding codes with their default severity and a Swedish description. */
export const FINDING_CODES = {
  TEMPLATE_STAMP_MISSING: {
    severity: "error",
    description:
      "Mallens stämpel (namnet UPPF_MALL och det dolda bladet _uppf_meta) saknas: arbetsboken är inte skapad från mallen eller stämpeln har tagits bort.",
  },
  TEMPLATE_STAMP_CONFLICT: {
    severity: "warning",
    description: "Det definierade namnet och det dolda metabladet anger olika mallversioner.",
  },
  TEMPLATE_ID_MISMATCH: {
    severity: "error",
    description: "Arbetsboken är skapad från en annan mall än den som granskas.",
  },
  TEMPLATE_VERSION_OLD: {
    severity: "warning",
    description:
      "Arbetsboken är skapad från en äldre version av mallen; den granskas mot sin egen version och kan uppgraderas.",
  },
  TEMPLATE_VERSION_NEWER: {
    severity: "info",
    description:
      "Arbetsboken är skapad från en nyare känd mallversion än den som begärdes; den granskas mot sin egen version.",
  },
  TEMPLATE_VERSION_UNKNOWN: {
    severity: "error",
    description: "Mallversionen är okänd (t.ex. nyare än programmet).",
  },
  SHEET_MISSING: { severity: "error", description: "Ett blad som mallen kräver saknas." },
  SHEET_RENAMED: {
    severity: "error",
    description: "Ett blad har bytt namn; värdena läses från bladet med det nya namnet.",
  },
  SHEET_EXTRA: {
    severity: "info",
    description: "Arbetsboken har ett blad som inte ingår i mallen; det granskas inte.",
  },
  SHEET_HIDDEN: {
    severity: "error",
    description:
      "Ett av mallens blad är dolt; dolda uppgifter granskas men utföraren ser dem inte. (Ett dolt blad som inte ingår i mallen ger en varning.)",
  },
  INPUT_MOVED: {
    severity: "error",
    description:
      "Rader har flyttats (t.ex. infogats eller tagits bort): en uppgift står inte i sin cell. Värdet läses från den nya platsen.",
  },
  INPUT_MERGED: {
    severity: "error",
    description: "En inmatningscell ingår i en sammanfogad cell och dess värde kan inte läsas.",
  },
  LABEL_CHANGED: {
    severity: "warning",
    description: "Ledtexten för en uppgift har ändrats; kontrollera att värdet står på rätt rad.",
  },
  CELL_ERROR: {
    severity: "error",
    description: "Cellen innehåller ett Excel-fel (t.ex. #REF!, #DIV/0!, #VALUE!).",
  },
  FORMULA_ERROR: {
    severity: "error",
    description:
      "En beräknad cell visar ett Excel-fel trots att uppgifterna den bygger på är giltiga; formeln har troligen skadats.",
  },
  NUMBER_AS_TEXT: {
    severity: "warning",
    description:
      'Ett tal är inskrivet som text (t.ex. "1 234,5"); det tolkas som talet men bör skrivas in som tal.',
  },
  NOT_A_NUMBER: {
    severity: "error",
    description: "Cellen ska innehålla ett tal men innehåller text som inte går att tolka som tal.",
  },
  NOT_AN_INTEGER: { severity: "error", description: "Cellen ska innehålla ett heltal." },
  PERCENT_SCALE: {
    severity: "error",
    description: "En andel har angetts som ett tal över 1 (t.ex. 79,5 i stället för 79,5 %).",
  },
  DATE_AS_TEXT: {
    severity: "warning",
    description: "Ett datum är inskrivet som text; det tolkas men bör skrivas in som datum.",
  },
  INVALID_DATE: { severity: "error", description: "Cellen ska innehålla ett datum (ÅÅÅÅ-MM-DD)." },
  INVALID_TYPE: {
    severity: "error",
    description: "Cellen innehåller fel sorts värde (t.ex. SANT/FALSKT där ett tal eller en text ska stå).",
  },
  REQUIRED_MISSING: { severity: "error", description: "En obligatorisk uppgift saknas." },
  SERIES_MISSING: { severity: "error", description: "En hel volymrad saknas för rapportperioden." },
  MONTH_MISSING: {
    severity: "error",
    description: "Värden saknas för en eller flera månader i rapportperioden.",
  },
  MONTH_AFTER_PERIOD: {
    severity: "info",
    description: "Det finns värden för månader efter rapportperiodens slut; de räknas inte med.",
  },
  NOT_APPLICABLE: {
    severity: "info",
    description: "Uppgiften gäller inte det valda verksamhetsområdet och räknas inte med.",
  },
  AREA_UNKNOWN: {
    severity: "info",
    description: "Verksamhetsområdet är okänt; kontrollerna som beror på verksamhetsområde hoppades över.",
  },
  PERIOD_INVALID: {
    severity: "error",
    description: "Perioden passar inte periodiciteten (månad 1–12, kvartal 1–4, tom för helår).",
  },
  PERIOD_IGNORED: { severity: "info", description: "Period anges inte för helår; värdet ignoreras." },
  BELOW_MIN: { severity: "error", description: "Värdet är lägre än det minsta tillåtna." },
  ABOVE_MAX: { severity: "error", description: "Värdet är högre än det största tillåtna." },
  CODE_INVALID: { severity: "error", description: "Värdet finns inte i kodlistan." },
  ORGNR_INVALID: {
    severity: "error",
    description: "Organisationsnumret är ogiltigt (format, siffra 3–4 eller kontrollsiffra).",
  },
  ORGNR_PERSONNUMMER: {
    severity: "error",
    description: "Värdet ser ut som ett personnummer; det godtas inte och sparas inte.",
  },
  TEXT_TOO_LONG: { severity: "error", description: "Texten är längre än tillåtet." },
  TEXT_PATTERN: { severity: "error", description: "Texten har fel format." },
  CROSS_SUM: {
    severity: "error",
    description: "En summa stämmer inte med sina delar (formeln kan ha skrivits över).",
  },
  CROSS_RESULT: {
    severity: "error",
    description: "Rörelseresultatet stämmer inte: intäkter − kostnader − avskrivningar (tolerans 1 kr).",
  },
  CROSS_EQUITY: {
    severity: "error",
    description: "Eget kapital UB stämmer inte: IB + rörelseresultat + övriga förändringar (tolerans 1 kr).",
  },
  CROSS_RELATION: { severity: "warning", description: "Två uppgifter stämmer inte med varandra." },
  COMPUTED_MISMATCH: {
    severity: "error",
    description: "En beräknad cell visar inte vad formeln ger (formeln kan ha ändrats eller skrivits över).",
  },
  FORMULAS_NOT_CALCULATED: {
    severity: "info",
    description:
      "Beräknade celler saknar värden (filen har inte räknats om i Excel); formelkontrollerna hoppades över.",
  },
  PERIOD_JUMP: {
    severity: "warning",
    description: "Ett månadsvärde skiljer sig kraftigt från föregående månad.",
  },
  PLAUSIBILITY: {
    severity: "warning",
    description: "Värdet ligger utanför det rimliga intervallet enligt referensvärden.",
  },
} as const satisfies Record<string, { severity: Severity; description: string }>;

/** A stable finding code. */
export type FindingCode = keyof typeof FINDING_CODES;

/** A JSON-friendly value shown as expected/actual. */
export type FindingValue = string | number | boolean | null;

/** One validation finding. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Sheet name, or null for workbook-level findings. */
  sheet: string | null;
  /** A1 address of the (first) cell, or null. */
  cell: string | null;
  /** All cells when a finding covers several (e.g. one total wrong in several months). */
  cells?: string[];
  /** Field or computed-cell key, or null. */
  field: string | null;
  /** Swedish message a provider understands. */
  message: string;
  expected: FindingValue;
  actual: FindingValue;
  /** actual − expected where both are numeric, else null. */
  delta: number | null;
  /** The value the domain will use (e.g. parsed numeric text), when different from `actual`. */
  parsed?: FindingValue;
}

/** The overall verdict of a validation. */
export type Verdict = "GODKÄND" | "GODKÄND MED VARNINGAR" | "UNDERKÄND";

/** Any error -> UNDERKÄND; else any warning -> GODKÄND MED VARNINGAR; else GODKÄND. */
export function verdict(findings: readonly Pick<Finding, "severity">[]): Verdict {
  if (findings.some((f) => f.severity === "error")) return "UNDERKÄND";
  if (findings.some((f) => f.severity === "warning")) return "GODKÄND MED VARNINGAR";
  return "GODKÄND";
}

/** Counts per severity. */
export function summarise(findings: readonly Finding[]): Record<Severity, number> {
  const out: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) out[f.severity]++;
  return out;
}

/** Values survive JSON unchanged: -0 becomes 0, NaN/Infinity become null. */
function jsonSafe(v: FindingValue | undefined): FindingValue {
  if (v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v + 0 : null;
  return v;
}

/** Build a finding with the code's default severity. */
export function finding(
  code: FindingCode,
  at: { sheet?: string | null; cell?: string | null; field?: string | null; cells?: string[] },
  message: string,
  values: {
    expected?: FindingValue;
    actual?: FindingValue;
    delta?: number | null;
    parsed?: FindingValue;
    severity?: Severity;
  } = {},
): Finding {
  const f: Finding = {
    code,
    severity: values.severity ?? FINDING_CODES[code].severity,
    sheet: at.sheet ?? null,
    cell: at.cell ?? null,
    field: at.field ?? null,
    message,
    expected: jsonSafe(values.expected),
    actual: jsonSafe(values.actual),
    delta: values.delta ?? null,
  };
  if (at.cells && at.cells.length > 1) f.cells = at.cells;
  if (values.parsed !== undefined) f.parsed = jsonSafe(values.parsed);
  if (f.delta !== null && !Number.isFinite(f.delta)) f.delta = null;
  if (Object.is(f.delta, -0)) f.delta = 0;
  return f;
}

/**
 * Sort by sheet (in the given order, unknown sheets after, workbook-level first), then cell in
 * reading order, then code; and drop duplicates (same code, sheet, cell and field).
 */
export function sortAndDedupe(findings: Finding[], sheetOrder: readonly string[]): Finding[] {
  if (findings.length <= 1) return findings.slice();
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const k = `${f.code}|${f.sheet}|${f.cell}|${f.field}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const rank = (s: string | null) => {
    if (s === null) return -1;
    const i = sheetOrder.indexOf(s);
    return i === -1 ? sheetOrder.length : i;
  };
  return unique.sort((a, b) => {
    const r = rank(a.sheet) - rank(b.sheet);
    if (r !== 0) return r;
    if (a.sheet !== b.sheet) return String(a.sheet).localeCompare(String(b.sheet));
    if (a.cell !== b.cell) {
      if (a.cell === null) return -1;
      if (b.cell === null) return 1;
      if (isA1(a.cell) && isA1(b.cell)) return compareA1(a.cell, b.cell);
      return a.cell.localeCompare(b.cell);
    }
    return a.code.localeCompare(b.code);
  });
}
