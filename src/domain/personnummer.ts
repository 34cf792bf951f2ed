/**
 * Swedish personal identity numbers (personnummer and samordningsnummer) in free text. Providers
 * must never report anything person-related; a text input that contains one is an error at its
 * cell, is masked in every output and never leaves the machine for the shared store.
 *
 * Recognised: ÅÅMMDD-NNNN, ÅÅMMDD+NNNN (100 years or older), ÅÅMMDDNNNN, ÅÅÅÅMMDD-NNNN and
 * ÅÅÅÅMMDDNNNN, with a valid Luhn check digit over the ten-digit form and a real date (day + 60
 * for a samordningsnummer). Digits that are part of a longer run of digits are not matched, so an
 * organisationsnummer (third digit ≥ 2, month > 12) and ordinary amounts are not flagged.
 */

/** One personnummer found in a text. */
export interface PersonnummerHit {
  /** Index of the first character in the text. */
  index: number;
  /** The matched text as written. */
  text: string;
  /** Samordningsnummer (day + 60) rather than personnummer. */
  coordination: boolean;
}

/** What replaces a value that held a personnummer, in every output. */
export const MASKED = "(dolt)";

const CANDIDATE = /(?<![0-9])((?:19|20)?)([0-9]{2})([0-9]{2})([0-9]{2})[-+ ]?([0-9]{4})(?![0-9])/g;

/** Luhn check over the ten digits ÅÅMMDDNNNN. */
export function luhnOk(tenDigits: string): boolean {
  if (!/^[0-9]{10}$/.test(tenDigits)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let d = tenDigits.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function realDate(century: string, yy: string, mm: string, dd: number): boolean {
  const month = Number(mm);
  if (month < 1 || month > 12 || dd < 1) return false;
  // Without a century any century is possible: Feb 29 needs some leap year, which always exists.
  const year = century ? Number(century + yy) : 2000 + Number(yy);
  const leapOk = century ? undefined : true;
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (dd > days) return false;
  if (month === 2 && dd === 29 && !leapOk) {
    return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  }
  return true;
}

/** Every personnummer or samordningsnummer in the text. */
export function findPersonnummer(text: string): PersonnummerHit[] {
  if (typeof text !== "string" || text.length < 10) return [];
  const hits: PersonnummerHit[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const [whole, century, yy, mm, ddText, last4] = m;
    let dd = Number(ddText);
    let coordination = false;
    if (dd > 60) {
      dd -= 60;
      coordination = true;
    }
    if (!realDate(century, yy, mm, dd)) continue;
    if (!luhnOk(`${yy}${mm}${ddText}${last4}`)) continue;
    hits.push({ index: m.index ?? 0, text: whole, coordination });
  }
  return hits;
}

/** True when the text holds a personnummer or samordningsnummer. */
export function containsPersonnummer(text: string): boolean {
  return findPersonnummer(text).length > 0;
}

/** The text with every personnummer replaced by "(dolt)". */
export function maskPersonnummer(text: string): string {
  const hits = findPersonnummer(text);
  if (hits.length === 0) return text;
  let out = "";
  let at = 0;
  for (const h of hits) {
    out += text.slice(at, h.index) + MASKED;
    at = h.index + h.text.length;
  }
  return out + text.slice(at);
}
