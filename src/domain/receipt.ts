/**
 * The pure rules of submission receipts: canonical JSON (sorted keys, no undefined), and the text a
 * receipt's hash is computed over. The server hashes that text with SHA-256; an auditor can
 * recompute it from the receipt alone.
 */

/** JSON with object keys sorted and undefined members left out: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

/** The first receipt of a chain links to this. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields a receipt's hash covers. */
export interface ReceiptLink {
  receivingOrgId: string;
  seq: number;
  submissionId: string;
  issuedAt: string;
  submitterUserId: string;
  submitterName: string;
  contentSha256: string;
  prevHash: string;
}

/** The text whose SHA-256 is the receipt's hash. */
export function receiptHashInput(r: ReceiptLink): string {
  return canonicalJson({
    receivingOrgId: r.receivingOrgId,
    seq: r.seq,
    submissionId: r.submissionId,
    issuedAt: r.issuedAt,
    submitterUserId: r.submitterUserId,
    submitterName: r.submitterName,
    contentSha256: r.contentSha256,
    prevHash: r.prevHash,
  });
}

/** The text whose SHA-256 is a submission's content hash. */
export function submissionHashInput(content: unknown, verdict: unknown): string {
  return canonicalJson({ content, verdict });
}
