/**
 * The number formats every generated workbook uses (template, example, review copy,
 * compilation), in the file's invariant syntax (`,` thousands, `.` decimals; Excel and
 * LibreOffice show them the sv-SE way).
 *
 * A bare space in a format code is dangerous: a Swedish LibreOffice reads it as its thousands
 * separator (a space) and writes it back as a scaling comma, so `#,##0 "kr"` comes back as
 * `#,##0,"kr"` (every amount shown ÷ 1 000) and `0.0 %` as `0.0,%`. A literal space is therefore
 * always quoted or escaped (`" kr"`, `\ %`), and the date's hyphens are escaped so that sv-SE
 * does not turn them into its date separator.
 */

/** Whole numbers with thousands separators: "1 829". */
export const FMT_INTEGER = "#,##0";
/** Plain whole numbers (years, period numbers): "2025". */
export const FMT_PLAIN_INTEGER = "0";
/** Inputs with up to two decimals: "26,5". */
export const FMT_DECIMAL_INPUT = "#,##0.0#";
/** Computed ratios with one decimal: "1 950,0". */
export const FMT_DECIMAL = "#,##0.0";
/** Shares with one decimal: "81,5 %". */
export const FMT_PERCENT = "0.0\\ %";
/** Kronor, whole: "21 220 000 kr". */
export const FMT_KR = '#,##0" kr";-#,##0" kr"';
/** ISO dates: "2026-01-12". */
export const FMT_DATE = "yyyy\\-mm\\-dd";
/** Text cells. */
export const FMT_TEXT = "@";

/**
 * The characters of a format code outside quoted literals and escapes: where a bare space,
 * a bare hyphen in a date or any other locale-sensitive character would be read by the
 * spreadsheet's locale.
 */
export function unquotedFormatText(code: string): string {
  let out = "";
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch === '"') {
      const end = code.indexOf('"', i + 1);
      i = end === -1 ? code.length : end;
      continue;
    }
    if (ch === "[") {
      const end = code.indexOf("]", i + 1);
      i = end === -1 ? code.length : end;
      continue;
    }
    out += ch;
  }
  return out;
}

/**
 * True when a format code survives a save in a Swedish spreadsheet as written: no bare space
 * (read as the sv-SE thousands separator), and in a date format no bare "-" or "/" (read as
 * the locale's date separator).
 */
export function isLocaleSafeFormat(code: string): boolean {
  const bare = unquotedFormatText(code);
  if (bare.includes(" ") || bare.includes("\u00a0")) return false;
  const isDate = /[yd]/i.test(bare.replace(/General/gi, ""));
  return !(isDate && /[-/]/.test(bare));
}
