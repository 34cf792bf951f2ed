/**
 * Cost split (fördelningsnyckel) between parties, e.g. Region Sörmland (04) and Region
 * Västmanland (19) sharing a joint purchasing function. Amounts are split in whole kronor (or
 * öre) with the largest-remainder method, so the parts always sum exactly to the amount.
 */
import { z } from "zod";

/** Key bases with Swedish labels. */
export const KEY_BASES = {
  fixed: "Fasta andelar",
  population: "Befolkning",
  purchaseVolume: "Inköpsvolym",
  procurements: "Antal upphandlingar",
  contractValue: "Avtalsvärde",
  equalAfterDirect: "Lika delar efter direkt hänförbara kostnader",
} as const;
export type KeyBasis = keyof typeof KEY_BASES;

export const CostKeyPartySchema = z.object({
  /** Party id, kept as text (e.g. länskod "04": leading zeros matter). */
  id: z.string().min(1),
  name: z.string().min(1),
  /** Weight in the basis' unit (share, inhabitants, kr, number of procurements ...). */
  weight: z
    .number()
    .nonnegative("Vikten får inte vara negativ")
    .refine(Number.isFinite, "Vikten ska vara ett tal"),
});

export const CostKeySchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    basis: z.enum(Object.keys(KEY_BASES) as [KeyBasis, ...KeyBasis[]]),
    parties: z.array(CostKeyPartySchema).min(1, "En nyckel behöver minst en part"),
    /** Attribute direct costs to their party before splitting the rest (default: only for equalAfterDirect). */
    directFirst: z.boolean().optional(),
    /** Where the weights come from, e.g. "SCB, folkmängd 31 dec 2023". */
    source: z.string().optional(),
  })
  .superRefine((k, ctx) => {
    const ids = new Set<string>();
    k.parties.forEach((p, i) => {
      if (ids.has(p.id))
        ctx.addIssue({
          code: "custom",
          path: ["parties", i, "id"],
          message: `Parten ${p.id} förekommer två gånger`,
        });
      ids.add(p.id);
    });
    if (k.parties.every((p) => p.weight === 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["parties"],
        message: "Minst en part måste ha en vikt större än 0",
      });
    }
  });
/** A cost-distribution key. */
export type CostKey = z.infer<typeof CostKeySchema>;

/**
 * Weights -> shares that sum to 1. Throws RangeError on negative or non-finite weights or when all
 * weights are 0.
 */
export function normaliseShares(weights: readonly number[]): number[] {
  for (const w of weights) {
    if (!Number.isFinite(w) || w < 0) throw new RangeError("Vikterna ska vara tal som inte är negativa");
  }
  const max = Math.max(0, ...weights);
  if (max === 0) throw new RangeError("Minst en vikt måste vara större än 0");
  const scaled = weights.map((w) => w / max); // avoids overflow when summing huge weights
  const sum = scaled.reduce((a, b) => a + b, 0);
  return scaled.map((w) => w / sum);
}

/**
 * Split a whole number of units over weights with the largest-remainder (Hamilton) method: every
 * part is ≥ 0 and the parts sum exactly to `total`. Ties go to the larger weight, then the
 * earlier party.
 */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0)
    throw new RangeError("Beloppet ska vara ett heltal som inte är negativt");
  const shares = normaliseShares(weights);
  const quotas = shares.map((s) => total * s);
  const parts = quotas.map((q) => Math.floor(q));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = quotas
    .map((q, i) => ({ i, frac: q - Math.floor(q), w: shares[i] }))
    .sort((a, b) => b.frac - a.frac || b.w - a.w || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length) {
    if (shares[order[k].i] === 0 && order.some((o) => shares[o.i] > 0)) continue;
    parts[order[k].i]++;
    left--;
  }
  // Floating-point floors can (very rarely) overshoot: take back from the smallest remainders.
  for (let k = order.length - 1; left < 0; k = (k - 1 + order.length) % order.length) {
    if (parts[order[k].i] > 0) {
      parts[order[k].i]--;
      left++;
    }
  }
  return parts;
}

/** Rounding unit for allocations. */
export type AllocationUnit = "kr" | "öre";

/** One party's part. */
export interface AllocationPart {
  partyId: string;
  name: string;
  /** Total amount for the party, in kr (whole kronor, or whole öre as kr with two decimals). */
  amount: number;
  /** Of which directly attributable costs, kr. */
  direct: number;
  /** Of which the split common costs, kr. */
  common: number;
  /** amount / total (0 when the total is 0). */
  share: number;
}

/** Result of {@link allocate}. */
export interface Allocation {
  keyId: string;
  keyName: string;
  basis: KeyBasis;
  unit: AllocationUnit;
  /** The allocated total, kr (rounded to the unit). */
  total: number;
  parts: AllocationPart[];
}

function toUnits(kr: number, unit: AllocationUnit, what: string): number {
  if (!Number.isFinite(kr)) throw new RangeError(`${what} ska vara ett tal`);
  if (kr < 0) throw new RangeError(`${what} får inte vara negativt`);
  const units = Math.round(kr * (unit === "öre" ? 100 : 1));
  if (!Number.isSafeInteger(units)) throw new RangeError(`${what} är för stort`);
  return units;
}

function fromUnits(units: number, unit: AllocationUnit): number {
  return unit === "öre" ? units / 100 : units;
}

/** True when direct costs are attributed before the split for this key. */
export function usesDirectCosts(key: Pick<CostKey, "basis" | "directFirst">): boolean {
  return key.directFirst ?? key.basis === "equalAfterDirect";
}

/**
 * Allocate an amount (kr) with a key. For "equal split after directly attributable costs" (or any
 * key with `directFirst`), each party first gets its direct costs and the rest is split by the
 * weights (equal weights for equalAfterDirect); other keys split the whole amount. Parts are in
 * whole kronor (or öre) and sum exactly to the amount. Throws RangeError with a Swedish message on
 * negative amounts, unknown parties in `directCosts`, or direct costs above the amount.
 */
export function allocate(
  amount: number,
  key: CostKey,
  directCosts: Readonly<Record<string, number>> = {},
  options: { unit?: AllocationUnit } = {},
): Allocation {
  const unit = options.unit ?? "kr";
  const totalUnits = toUnits(amount, unit, "Beloppet");
  const ids = key.parties.map((p) => p.id);
  const direct = key.parties.map(() => 0);
  if (usesDirectCosts(key)) {
    for (const [party, kr] of Object.entries(directCosts)) {
      const i = ids.indexOf(party);
      if (i === -1) throw new RangeError(`Direkta kostnader för okänd part: ${party}`);
      direct[i] = toUnits(kr, unit, `Direkta kostnader för ${party}`);
    }
  }
  const directSum = direct.reduce((a, b) => a + b, 0);
  if (directSum > totalUnits) throw new RangeError("De direkta kostnaderna är större än beloppet");
  const weights =
    key.basis === "equalAfterDirect" ? key.parties.map(() => 1) : key.parties.map((p) => p.weight);
  const common = largestRemainder(totalUnits - directSum, weights);
  const parts = key.parties.map((p, i) => {
    const units = direct[i] + common[i];
    return {
      partyId: p.id,
      name: p.name,
      amount: fromUnits(units, unit),
      direct: fromUnits(direct[i], unit),
      common: fromUnits(common[i], unit),
      share: totalUnits === 0 ? 0 : units / totalUnits,
    };
  });
  return {
    keyId: key.id,
    keyName: key.name,
    basis: key.basis,
    unit,
    total: fromUnits(totalUnits, unit),
    parts,
  };
}

/** Costs to compare keys on: the total and the directly attributable part per party (kr). */
export interface CostsToSplit {
  total: number;
  direct?: Readonly<Record<string, number>>;
}

/** One key in a comparison. */
export interface KeyComparison {
  allocation: Allocation;
  isCurrent: boolean;
  /** Per party: what it pays and the difference against the current key. */
  parts: (AllocationPart & { diffKr: number; diffShare: number })[];
}

/**
 * Compare keys side by side: each key's allocation of the same costs and, per party, the
 * difference in kronor and in share against the current key (default: the first key).
 */
export function compareKeys(
  costs: CostsToSplit,
  keys: readonly CostKey[],
  options: { currentKeyId?: string; unit?: AllocationUnit } = {},
): KeyComparison[] {
  if (keys.length === 0) return [];
  const currentId = options.currentKeyId ?? keys[0].id;
  const current = keys.find((k) => k.id === currentId);
  if (!current) throw new RangeError(`Okänd nuvarande nyckel: ${currentId}`);
  const allocations = keys.map((k) => allocate(costs.total, k, costs.direct ?? {}, { unit: options.unit }));
  const base = allocations[keys.indexOf(current)];
  return allocations.map((a) => ({
    allocation: a,
    isCurrent: a.keyId === current.id,
    parts: a.parts.map((p) => {
      const b = base.parts.find((x) => x.partyId === p.partyId);
      const diffKr =
        options.unit === "öre"
          ? Math.round((p.amount - (b?.amount ?? 0)) * 100) / 100
          : p.amount - (b?.amount ?? 0);
      return { ...p, diffKr, diffShare: p.share - (b?.share ?? 0) };
    }),
  }));
}

/** Build a key from basis data, e.g. population per region. */
export function keyFromBasis(
  id: string,
  name: string,
  basis: KeyBasis,
  data: readonly { id: string; name: string; value: number }[],
  source?: string,
): CostKey {
  return CostKeySchema.parse({
    id,
    name,
    basis,
    parties: data.map((d) => ({ id: d.id, name: d.name, weight: d.value })),
    source,
  });
}

/** Region Sörmland (04) and Region Västmanland (19): the current key, half each after direct costs. */
export const SORMLAND_VASTMANLAND_CURRENT_KEY: CostKey = {
  id: "nuvarande",
  name: "Hälften var efter direkt hänförbara kostnader",
  basis: "equalAfterDirect",
  parties: [
    { id: "04", name: "Region Sörmland", weight: 1 },
    { id: "19", name: "Region Västmanland", weight: 1 },
  ],
  source: "Utredning om samverkansform för inköpsverksamheten, Region Sörmland / Region Västmanland",
};

/**
 * The split as it has come out in recent years, about 52 / 48 (half each plus the costs tied to
 * one region), as fixed shares: the key in force when the shared store is first started.
 */
export const SORMLAND_VASTMANLAND_OBSERVED_KEY: CostKey = {
  id: "utfall-52-48",
  name: "Nuvarande fördelning: hälften var plus regionspecifika kostnader",
  basis: "fixed",
  parties: [
    { id: "04", name: "Region Sörmland", weight: 52 },
    { id: "19", name: "Region Västmanland", weight: 48 },
  ],
  source: "Utfall de senaste åren ca 52 % / 48 %",
};

/** Population key from SCB, 31 Dec 2023: Södermanland 301 944, Västmanland 280 813 (51,8 / 48,2 %). */
export const SORMLAND_VASTMANLAND_POPULATION_KEY: CostKey = {
  id: "befolkning-2023",
  name: "Befolkning 31 december 2023",
  basis: "population",
  parties: [
    { id: "04", name: "Region Sörmland", weight: 301_944 },
    { id: "19", name: "Region Västmanland", weight: 280_813 },
  ],
  source: "SCB, folkmängd 31 december 2023",
};

/**
 * The share of each weight in a stored key version (weight / sum of weights; 0 when all are 0), as
 * the store reports it. Unlike {@link normaliseShares} it never throws: a stored row is shown as is.
 */
export function sharesOfWeights(weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => (total > 0 ? w / total : 0));
}
