/**
 * Swedish organisationsnummer: NNNNNN-NNNN, digits 3–4 ≥ 20, last digit a Luhn check over the
 * first nine. A value that looks like a personnummer (digits 3–4 a month 01–12, or a 12-digit
 * number starting with 19/20) is rejected, and its digits are never echoed back in messages.
 */

/** Result of {@link parseOrgNumber}. */
export type OrgNumberResult =
  { ok: true; value: string } | { ok: false; reason: string; personnummerLike: boolean };

/** Luhn check digit for a string of digits (the "10 - (sum mod 10)" rule). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the (personnummer-shaped) value's digits 3–4 form a month, i.e. it looks like a date of birth. */
function looksLikePersonnummer(ten: string): boolean {
  const mm = Number(ten.slice(2, 4));
  const dd = Number(ten.slice(4, 6));
  return mm >= 1 && mm <= 12 && ((dd >= 1 && dd <= 31) || (dd >= 61 && dd <= 91));
}

/**
 * Parse and validate an organisationsnummer written as "NNNNNN-NNNN", "NNNNNNNNNN" or with the
 * "16" prefix ("16NNNNNN-NNNN"). Returns the normalised "NNNNNN-NNNN" or a Swedish reason.
 * A number cell (Excel dropped the dash) is accepted when it has ten digits.
 */
export function parseOrgNumber(input: string | number): OrgNumberResult {
  let text = typeof input === "number" ? (Number.isInteger(input) ? String(input) : "") : String(input);
  text = text.trim().replace(/[\s\u00a0]/g, "");
  const m = /^(\d{2})?(\d{6})[-+]?(\d{4})$/.exec(text);
  if (!m) {
    return {
      ok: false,
      reason: "Organisationsnumret ska skrivas som tio siffror, NNNNNN-NNNN (t.ex. 212000-0142)",
      personnummerLike: false,
    };
  }
  const century = m[1];
  const ten = m[2] + m[3];
  if ((century === "19" || century === "20") && looksLikePersonnummer(ten)) {
    return personnummerRejection();
  }
  if (century !== undefined && century !== "16") {
    return {
      ok: false,
      reason: "Ett tolvsiffrigt organisationsnummer ska börja med 16",
      personnummerLike: false,
    };
  }
  if (Number(ten.slice(2, 4)) < 20) {
    if (looksLikePersonnummer(ten)) return personnummerRejection();
    return {
      ok: false,
      reason: "Siffra 3–4 i ett organisationsnummer ska vara minst 20",
      personnummerLike: false,
    };
  }
  if (luhnCheckDigit(ten.slice(0, 9)) !== Number(ten[9])) {
    return {
      ok: false,
      reason: "Organisationsnumret har fel kontrollsiffra – kontrollera att det är rätt skrivet",
      personnummerLike: false,
    };
  }
  return { ok: true, value: `${ten.slice(0, 6)}-${ten.slice(6)}` };
}

function personnummerRejection(): OrgNumberResult {
  return {
    ok: false,
    reason:
      "Värdet ser ut som ett personnummer. Ange utförarens organisationsnummer (NNNNNN-NNNN, siffra 3–4 minst 20); personnummer sparas inte.",
    personnummerLike: true,
  };
}

/** True when the value is a valid organisationsnummer. */
export function isValidOrgNumber(input: string | number): boolean {
  return parseOrgNumber(input).ok;
}

/** True when the value looks like a personnummer (and must therefore never be stored). */
export function isPersonnummerLike(input: string | number): boolean {
  const r = parseOrgNumber(input);
  return !r.ok && r.personnummerLike;
}

/** The legal-form group given by the first digit (Bolagsverket/SCB). */
export function orgNumberGroup(orgnr: string): string | undefined {
  const groups: Record<string, string> = {
    "1": "Dödsbon",
    "2": "Stat, regioner, kommuner och församlingar",
    "3": "Utländska företag",
    "5": "Aktiebolag",
    "6": "Enkla bolag",
    "7": "Ekonomiska föreningar, bostadsrättsföreningar",
    "8": "Ideella föreningar och stiftelser",
    "9": "Handelsbolag och kommanditbolag",
  };
  const r = parseOrgNumber(orgnr);
  return r.ok ? groups[r.value[0]] : undefined;
}
