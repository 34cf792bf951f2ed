/**
 * Cost split rows for the Kostnadsfördelning view: each key version's share and amount per region
 * for a cost total, and the difference against the active (current) key. Shares and whole-krona
 * amounts (summing exactly to the total) come from the domain (normaliseShares, largestRemainder).
 */
import {
  largestRemainder,
  normaliseShares,
  SORMLAND_VASTMANLAND_OBSERVED_KEY,
  SORMLAND_VASTMANLAND_POPULATION_KEY,
  type CostKey,
} from "../../src/domain/costsplit";
import type { CostKeyVersion } from "../../src/api";

export interface SplitColumn {
  version: CostKeyVersion;
  current: boolean;
  shares: Record<string, number>;
  amounts: Record<string, number>;
  /** Amount minus the current key's amount, per region (0 for the current key). */
  diff: Record<string, number>;
}

/** Whole-krona amounts per org that sum exactly to `total` (the domain's largest remainder). */
export function splitAmounts(
  total: number,
  weights: { orgId: string; weight: number }[],
): Record<string, number> {
  const out: Record<string, number> = {};
  if (weights.length === 0 || !weights.some((w) => w.weight > 0)) return out;
  const parts = largestRemainder(
    Math.round(total),
    weights.map((w) => w.weight),
  );
  weights.forEach((w, i) => (out[w.orgId] = parts[i]));
  return out;
}

export function splitColumns(versions: CostKeyVersion[], total: number): SplitColumn[] {
  const current = versions.find((v) => v.status === "active") ?? versions[0];
  const cols = versions.map((v) => {
    const ok = v.weights.some((w) => w.weight > 0);
    const shareList = ok ? normaliseShares(v.weights.map((w) => w.weight)) : v.weights.map(() => 0);
    const shares: Record<string, number> = {};
    v.weights.forEach((w, i) => (shares[w.orgId] = shareList[i]));
    return {
      version: v,
      current: v === current,
      shares,
      amounts: splitAmounts(total, v.weights),
      diff: {} as Record<string, number>,
    };
  });
  const base = cols.find((c) => c.current);
  for (const c of cols) {
    for (const org of Object.keys(c.amounts)) c.diff[org] = c.amounts[org] - (base?.amounts[org] ?? 0);
  }
  return cols;
}

/** A domain key as a key version, for showing without the shared store. */
function referenceVersion(
  id: string,
  versionNo: number,
  status: CostKeyVersion["status"],
  basis: string,
  note: string,
  key: CostKey,
): CostKeyVersion {
  const shares = normaliseShares(key.parties.map((p) => p.weight));
  return {
    id,
    versionNo,
    status,
    basis,
    note,
    weights: key.parties.map((p, i) => ({ orgId: p.id, weight: p.weight, share: shares[i] })),
    createdBy: null,
    createdAt: "",
    proposedBy: null,
    proposedAt: null,
    activatedAt: null,
    supersededAt: null,
    approvals: [],
  };
}

/** The keys as stated in the investigation, shown when the shared store cannot be reached. */
export const REFERENCE_VERSIONS: CostKeyVersion[] = [
  referenceVersion(
    "ref-1",
    1,
    "active",
    "Nuvarande fördelning: hälften var plus regionspecifika kostnader",
    "Utfall de senaste åren ca 52 % / 48 %.",
    SORMLAND_VASTMANLAND_OBSERVED_KEY,
  ),
  referenceVersion(
    "ref-2",
    2,
    "draft",
    "Befolkning 31 december 2023 (SCB)",
    "Södermanland 301 944, Västmanland 280 813 invånare.",
    SORMLAND_VASTMANLAND_POPULATION_KEY,
  ),
];

export const REFERENCE_PARTIES = SORMLAND_VASTMANLAND_POPULATION_KEY.parties.map((p) => ({
  orgId: p.id,
  name: p.name,
}));
