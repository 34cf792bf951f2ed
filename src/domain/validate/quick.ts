/**
 * The read fast path of the validator: the typed value of an ordinary cell without allocating a
 * read result. Kept apart (not part of the domain's exports) so its property test can check it
 * against {@link readField}, which stays the one definition of how a cell is read.
 */
import { parseOrgNumber } from "../orgnr";
import { serialToIsoDate, type SnapshotValue } from "../snapshot";
import {
  normCode,
  T_CODE,
  T_DATE,
  T_INTEGER,
  T_NUMBER,
  T_ORGNR,
  T_PERCENT,
  T_TEXT,
  type ValidationPlan,
} from "./plan";
import type { TypedValue } from "./read";

/**
 * The typed value of a non-empty, non-error cell when reading it gives no finding (the common
 * case, without allocating a read result); undefined sends the cell through {@link readField}.
 */
export function quickRead(plan: ValidationPlan, i: number, raw: SnapshotValue): TypedValue | undefined {
  switch (plan.fieldType[i]) {
    case T_NUMBER:
      return typeof raw === "number" && Number.isFinite(raw) ? raw : undefined;
    case T_INTEGER:
      return typeof raw === "number" && Number.isInteger(raw) ? raw : undefined;
    case T_PERCENT:
      if (typeof raw !== "number" || !Number.isFinite(raw)) return undefined;
      return plan.percentScale[i] && raw > 1 && raw <= 100 ? undefined : raw;
    case T_TEXT: {
      if (typeof raw !== "string") return undefined;
      const text = raw.trim();
      if (text.length > plan.fieldMaxLength[i]) return undefined;
      const re = plan.patterns[i];
      if (re !== null && !re.test(text)) return undefined;
      return text;
    }
    case T_CODE: {
      const lookup = plan.fieldCode[i];
      if (typeof raw !== "string" || lookup === null) return undefined;
      return lookup.exact.get(raw) ?? lookup.normalised.get(normCode(raw));
    }
    case T_DATE:
      if (typeof raw !== "number" || raw < 32874 /* 1990-01-01 */ || raw > 73051 /* 2100-01-01 */)
        return undefined;
      return serialToIsoDate(raw);
    case T_ORGNR: {
      if (typeof raw !== "string" && typeof raw !== "number") return undefined;
      return orgNumber(raw);
    }
  }
  return undefined;
}

const orgCache = new Map<string | number, string | null>();

/** A valid organisationsnummer, normalised (remembered: the same few recur run after run). */
function orgNumber(raw: string | number): string | undefined {
  let hit = orgCache.get(raw);
  if (hit === undefined) {
    const r = parseOrgNumber(raw);
    hit = r.ok ? r.value : null;
    if (orgCache.size < 1_000) orgCache.set(raw, hit);
  }
  return hit ?? undefined;
}
