/** Schemas shared by several resources: errors, text fields, organisation codes, roles. */
import { z } from "zod";

export const ErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
});
export type ApiErrorBody = z.infer<typeof ErrorSchema>;

export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** One-line text: trimmed, 1..max characters, no control characters. */
export const Text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} får inte vara tom`)
    .max(max, `${what} är längre än ${max} tecken`)
    // Control characters are never legitimate in names and titles.
    .refine((s) => !hasControlChars(s), `${what} innehåller otillåtna styrtecken`);

/** Multi-line free text: line breaks and tabs are fine, other control characters are not. */
export const LongText = (max: number, what: string) =>
  z
    .string(`${what} ska vara text`)
    .trim()
    .max(max, `${what} är längre än ${max} tecken`)
    .refine((s) => !hasControlChars(s.replace(/[\n\r\t]/g, " ")), `${what} innehåller otillåtna styrtecken`);

/** ISO date ÅÅÅÅ-MM-DD. */
export const DateSchema = z.iso.date({ message: "Datum ska skrivas ÅÅÅÅ-MM-DD" });

/** Organisation codes as text: län "04", kommun "0117", organisationsnummer "556036-0793". */
export const OrgIdSchema = z
  .string()
  .regex(
    /^(?:[0-9]{2}|[0-9]{4}|[0-9]{6}-[0-9]{4})$/,
    "Organisationskoden ska vara länskod (04), kommunkod (0117) eller organisationsnummer (NNNNNN-NNNN)",
  );

export const RoleSchema = z.enum(["utforare", "controller", "finance", "admin"]);
export type Role = z.infer<typeof RoleSchema>;

/** Avtal ids, versions and clause ids come from the avtal document ("PV-LOV-2024", "2024.2", "6.2"). */
export const AvtalToken = (what: string) =>
  z
    .string(`${what} ska vara text`)
    .regex(/^[\p{L}\p{N}_.:-]{1,100}$/u, `${what} får bara innehålla bokstäver, siffror, _, ., : och -`);
