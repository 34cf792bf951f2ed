/**
 * Cost split rows for the Kostnadsfördelning view: each key version's share and amount per region
 * for a cost total, and the difference against the active (current) key. Shares and whole-krona
 * amounts (summing exactly to the total) come from the domain (normaliseShares, largestRemainder).
 */
import { largestRemainder, normaliseShares } from "../../src/domain/costsplit";
import type { CostKeyVersion } from "../api/client";

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

/** The keys as stated in the investigation, shown when the shared store cannot be reached. */
export const REFERENCE_VERSIONS: CostKeyVersion[] = [
  {
    id: "ref-1",
    versionNo: 1,
    status: "active",
    basis: "Nuvarande fördelning: hälften var plus regionspecifika kostnader",
    note: "Utfall de senaste åren ca 52 % / 48 %.",
    weights: [
      { orgId: "04", weight: 52, share: 0.52 },
      { orgId: "19", weight: 48, share: 0.48 },
    ],
    createdBy: null,
    createdAt: "",
    proposedBy: null,
    proposedAt: null,
    activatedAt: null,
    supersededAt: null,
    approvals: [],
  },
  {
    id: "ref-2",
    versionNo: 2,
    status: "draft",
    basis: "Befolkning 31 december 2023 (SCB)",
    note: "Södermanland 301 944, Västmanland 280 813 invånare.",
    weights: [
      { orgId: "04", weight: 301944, share: 301944 / 582757 },
      { orgId: "19", weight: 280813, share: 280813 / 582757 },
    ],
    createdBy: null,
    createdAt: "",
    proposedBy: null,
    proposedAt: null,
    activatedAt: null,
    supersededAt: null,
    approvals: [],
  },
];

export const REFERENCE_PARTIES = [
  { orgId: "04", name: "Region Sörmland" },
  { orgId: "19", name: "Region Västmanland" },
];
