/**
 * The result of a computation that may be impossible: never NaN or Infinity.
 * `kind` maps directly onto Excel errors for the custom functions layer:
 * "div0" -> #DIV/0!, "value" -> #VALUE!, "na" -> #N/A.
 */
export type Computed<T = number> =
  { ok: true; value: T } | { ok: false; kind: NotComputableKind; reason: string };

/** Why a value could not be computed. */
export type NotComputableKind = "div0" | "value" | "na";

/** A successful result. */
export function ok<T>(value: T): Computed<T> {
  return { ok: true, value };
}

/** A "not computable" result with a Swedish reason. */
export function notComputable<T = number>(kind: NotComputableKind, reason: string): Computed<T> {
  return { ok: false, kind, reason };
}

/** Excel error code for a not-computable kind. */
export function excelErrorFor(kind: NotComputableKind): "#DIV/0!" | "#VALUE!" | "#N/A" {
  return kind === "div0" ? "#DIV/0!" : kind === "value" ? "#VALUE!" : "#N/A";
}

/** A number input as given to a primitive: missing values are null/undefined. */
export type NumberInput = number | null | undefined;

/** Check that an input is a finite number; label is used in the reason ("intäkter saknas"). */
export function requireNumber(v: NumberInput, label: string): Computed<number> {
  if (v === null || v === undefined) return notComputable("na", `${label} saknas`);
  if (typeof v !== "number" || !Number.isFinite(v)) return notComputable("value", `${label} är inte ett tal`);
  return ok(v);
}

/**
 * numerator / denominator with explicit failure: missing input -> "na", non-number -> "value",
 * zero denominator -> "div0".
 */
export function safeDivide(
  numerator: NumberInput,
  denominator: NumberInput,
  labels: { numerator: string; denominator: string } = { numerator: "täljaren", denominator: "nämnaren" },
): Computed<number> {
  const n = requireNumber(numerator, labels.numerator);
  if (!n.ok) return n;
  const d = requireNumber(denominator, labels.denominator);
  if (!d.ok) return d;
  if (d.value === 0) return notComputable("div0", `${labels.denominator} är 0, kvoten kan inte beräknas`);
  const q = n.value / d.value;
  if (!Number.isFinite(q)) return notComputable("value", "Kvoten blev för stor för att beräknas");
  return ok(q);
}

/** A finite number as a result; overflow (±Infinity) or NaN becomes "not computable". */
export function finite(x: number, reason = "Beloppet blev för stort för att beräknas"): Computed<number> {
  return Number.isFinite(x) ? ok(x) : notComputable("value", reason);
}

/** Map over a successful result. */
export function mapComputed<T, U>(c: Computed<T>, f: (v: T) => U): Computed<U> {
  return c.ok ? ok(f(c.value)) : c;
}
