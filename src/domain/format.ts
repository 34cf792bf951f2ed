/**
 * sv-SE number formatting and parsing: decimal comma, non-breaking space (U+00A0) as thousands
 * separator, minus sign U+2212 (as Intl's sv-SE). Deterministic (does not depend on the ICU build).
 */

/** Non-breaking space, the thousands separator used in output. */
export const NBSP = "\u00a0";
/** The minus sign used in output (U+2212, as Intl sv-SE). */
export const MINUS = "\u2212";
/** Shown instead of a number that does not exist (NaN, Infinity, missing). */
export const NOT_A_NUMBER_TEXT = "–";

/** Options for {@link formatNumber}. */
export interface FormatNumberOptions {
  /** Exact number of decimals. Default: 0–2 decimals, trailing zeros dropped. */
  decimals?: number;
  /** Minimum decimals when `decimals` is not set. Default 0. */
  minDecimals?: number;
  /** Maximum decimals when `decimals` is not set. Default 2. */
  maxDecimals?: number;
  /** Use ASCII "-" instead of U+2212 (for CSV and plain-text logs). */
  asciiMinus?: boolean;
}

function groupThousands(intDigits: string): string {
  return intDigits.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
}

/**
 * Format a number the Swedish way: `formatNumber(1234.5)` = "1 234,5" (with NBSP).
 * NaN/Infinity/null give "–".
 */
export function formatNumber(value: number | null | undefined, options: FormatNumberOptions = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NOT_A_NUMBER_TEXT;
  const min = options.decimals ?? options.minDecimals ?? 0;
  const max = options.decimals ?? Math.max(options.maxDecimals ?? 2, min);
  let intPart: string;
  let frac = "";
  if (Math.abs(value) >= 1e15) {
    // Beyond 2^53 every double is an integer; toFixed would switch to exponent notation.
    intPart = BigInt(Math.round(Math.abs(value))).toString();
    frac = "0".repeat(min);
  } else {
    const factor = 10 ** max;
    const rounded = Math.round(Math.abs(value) * factor) / factor;
    [intPart, frac = ""] = rounded.toFixed(max).split(".");
  }
  while (frac.length > min && frac.endsWith("0")) frac = frac.slice(0, -1);
  const negative = value < 0 && (Number(intPart) !== 0 || /[1-9]/.test(frac));
  const sign = negative ? (options.asciiMinus ? "-" : MINUS) : "";
  return `${sign}${groupThousands(intPart)}${frac ? "," + frac : ""}`;
}

/** Amount units. */
export type AmountUnit = "kr" | "tkr" | "mnkr";

/**
 * Format an amount in kronor: `formatKr(1234567)` = "1 234 567 kr",
 * `formatKr(1234567, { unit: "tkr" })` = "1 234,6 tkr". The value is always given in kronor.
 */
export function formatKr(
  valueKr: number | null | undefined,
  options: { unit?: AmountUnit; decimals?: number; asciiMinus?: boolean } = {},
): string {
  const unit = options.unit ?? "kr";
  if (valueKr === null || valueKr === undefined || !Number.isFinite(valueKr)) return NOT_A_NUMBER_TEXT;
  const divisor = unit === "kr" ? 1 : unit === "tkr" ? 1_000 : 1_000_000;
  const decimals = options.decimals ?? (unit === "kr" ? 0 : 1);
  return `${formatNumber(valueKr / divisor, { decimals, asciiMinus: options.asciiMinus })}${NBSP}${unit}`;
}

/** Format a fraction as percent: `formatPercent(0.5181)` = "51,8 %". */
export function formatPercent(
  fraction: number | null | undefined,
  decimals = 1,
  options: { asciiMinus?: boolean } = {},
): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return NOT_A_NUMBER_TEXT;
  return `${formatNumber(fraction * 100, { decimals, asciiMinus: options.asciiMinus })}${NBSP}%`;
}

/** Format percentage points: `formatPercentagePoints(0.012)` = "1,2 procentenheter". */
export function formatPercentagePoints(fraction: number | null | undefined, decimals = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return NOT_A_NUMBER_TEXT;
  return `${formatNumber(fraction * 100, { decimals })} procentenheter`;
}

/** Details of a parsed Swedish numeric text. */
export interface ParsedNumber {
  /** The number as written (a "%" is NOT applied; see `percent`). */
  value: number;
  /** The text ended with "%". */
  percent: boolean;
  /** The text ended with "kr". */
  kr: boolean;
}

const SPACES = /[\s\u00a0\u2007\u202f\u2009]/g;

function parseDigits(body: string): number | null {
  // body: digits with optional thousands separators (space or dot) and decimal part.
  const hasComma = body.includes(",");
  const hasDot = body.includes(".");
  let intPart: string;
  let fracPart = "";
  if (hasComma) {
    if (body.indexOf(",") !== body.lastIndexOf(",")) return null;
    [intPart, fracPart] = body.split(",");
    if (hasDot && !/^\d{1,3}(\.\d{3})+$/.test(intPart)) return null;
    intPart = intPart.replace(/\./g, "");
  } else if (hasDot) {
    if (/^\d{1,3}(\.\d{3}){2,}$/.test(body)) {
      intPart = body.replace(/\./g, "");
    } else {
      if (body.indexOf(".") !== body.lastIndexOf(".")) return null;
      [intPart, fracPart] = body.split(".");
    }
  } else {
    intPart = body;
  }
  if (!/^\d+$/.test(intPart) && !(intPart === "" && fracPart !== "")) return null;
  if (fracPart !== "" && !/^\d+$/.test(fracPart)) return null;
  if (hasComma && fracPart === "") return null;
  const n = Number(`${intPart || "0"}.${fracPart || "0"}`);
  return Number.isFinite(n) ? n : null;
}

/**
 * Parse numeric text written the Swedish way, with details: "1 234,5" (spaces or NBSP as
 * thousands separators), "−12" (U+2212, en dash or hyphen), "12,5 %", "1 234 kr", "1.234,5".
 * A lone "." is read as a decimal point ("1.5" = 1,5). Returns null when the text is not a number.
 */
export function parseSwedishNumberDetailed(text: string): ParsedNumber | null {
  if (typeof text !== "string") return null;
  let t = text.trim();
  if (t === "") return null;
  let percent = false;
  let kr = false;
  if (t.endsWith("%")) {
    percent = true;
    t = t.slice(0, -1).trim();
  } else if (/kr$/i.test(t) && !/(tkr|mnkr|mdkr)$/i.test(t)) {
    kr = true;
    t = t.slice(0, -2).trim();
  }
  let sign = 1;
  if (/^[-\u2212\u2013+]/.test(t)) {
    if (t[0] !== "+") sign = -1;
    t = t.slice(1).trim();
  }
  // Space-grouped thousands must be groups of three.
  const spaced = t.split(SPACES).filter((p) => p !== "");
  if (spaced.length > 1) {
    const [first, ...rest] = spaced;
    if (!/^\d{1,3}$/.test(first)) return null;
    for (let i = 0; i < rest.length; i++) {
      const last = i === rest.length - 1;
      if (!(last ? /^\d{3}([,.]\d+)?$/ : /^\d{3}$/).test(rest[i])) return null;
    }
    t = spaced.join("");
    if (t.includes(".") && !t.includes(",")) {
      // "1 234.5": the dot is a decimal point
      const n = parseDigits(t);
      return n === null ? null : { value: sign * n + 0, percent, kr };
    }
  } else {
    t = spaced[0] ?? "";
  }
  const n = parseDigits(t);
  if (n === null) return null;
  return { value: sign * n + 0, percent, kr };
}

/**
 * Parse Swedish numeric text to a number: "1 234,5" -> 1234.5, "79,5 %" -> 0.795, "1 234 kr" -> 1234.
 * Returns null when the text is not a number ("tkr"/"mnkr" suffixes are refused rather than guessed).
 */
export function parseSwedishNumber(text: string): number | null {
  const p = parseSwedishNumberDetailed(text);
  if (!p) return null;
  return p.percent ? p.value / 100 : p.value;
}

/** Format an ISO date or Excel serial as ÅÅÅÅ-MM-DD (already ISO text is returned unchanged). */
export function formatDate(value: string | number): string {
  if (typeof value === "string") return value;
  if (!Number.isFinite(value)) return NOT_A_NUMBER_TEXT;
  const ms = Date.UTC(1899, 11, 30) + Math.floor(value) * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Parse a date written as text: "2026-01-20", "2026-1-20", "20260120", "20/1/2026", "20.1.2026".
 * Returns an ISO date or null.
 */
export function parseSwedishDate(text: string): string | null {
  const t = text.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    match = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(t);
    if (!match) return null;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}
