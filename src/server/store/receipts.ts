/**
 * Receipts: a SHA-256 hash chain per receiving organisation over every submission. Appending is
 * serialised per organisation (the chain never forks); verification recomputes every link.
 */
import { createHash } from "node:crypto";
import type { ChainVerification, Receipt } from "../../api/submissions";
import { GENESIS_HASH, receiptHashInput, submissionHashInput, type ReceiptLink } from "../../domain/receipt";
import { assertMayVerifyReceipts } from "../access";
import type { Principal } from "../auth";
import type { Db, Queryable } from "../db";

export type { ChainVerification, Receipt };
export { GENESIS_HASH };

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The hash that links a receipt into its organisation's chain. */
export function receiptHash(r: ReceiptLink): string {
  return sha256Hex(receiptHashInput(r));
}

/** A submission's content hash (its content and the verdict the client claimed). */
export function contentHash(content: unknown, verdict: unknown): string {
  return sha256Hex(submissionHashInput(content, verdict));
}

/**
 * Serialise receipts of one receiving organisation until the transaction ends. Call before
 * inserting the submission so its id order matches the chain order.
 */
export async function lockReceiptChain(tx: Queryable, receivingOrgId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('receipts:' || $1))", [receivingOrgId]);
}

/** Append the receipt of a stored submission to its organisation's chain (inside the caller's transaction, after lockReceiptChain). */
export async function appendReceipt(
  tx: Queryable,
  r: {
    receivingOrgId: string;
    submissionId: string;
    workbookId: string;
    issuedAt: string;
    submitterUserId: string;
    submitterName: string;
    contentSha256: string;
  },
): Promise<Receipt> {
  const prev = await tx.query<{ seq: number; hash: string }>(
    `SELECT seq, hash FROM receipts WHERE receiving_org_id = $1 ORDER BY seq DESC LIMIT 1`,
    [r.receivingOrgId],
  );
  const base: ReceiptLink = {
    receivingOrgId: r.receivingOrgId,
    seq: prev.length ? Number(prev[0].seq) + 1 : 1,
    submissionId: r.submissionId,
    issuedAt: r.issuedAt,
    submitterUserId: r.submitterUserId,
    submitterName: r.submitterName,
    contentSha256: r.contentSha256,
    prevHash: prev.length ? prev[0].hash : GENESIS_HASH,
  };
  const receipt: Receipt = { ...base, workbookId: r.workbookId, hash: receiptHash(base) };
  await tx.query(
    `INSERT INTO receipts (receiving_org_id, seq, submission_id, issued_at, submitter_user_id, submitter_name,
                           content_sha256, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      receipt.receivingOrgId,
      receipt.seq,
      receipt.submissionId,
      receipt.issuedAt,
      receipt.submitterUserId,
      receipt.submitterName,
      receipt.contentSha256,
      receipt.prevHash,
      receipt.hash,
    ],
  );
  return receipt;
}

export const RECEIPT_SELECT = `SELECT r.receiving_org_id AS "receivingOrgId", r.seq, r.submission_id::text AS "submissionId",
  s.workbook_id AS "workbookId", r.issued_at AS "issuedAt", r.submitter_user_id::text AS "submitterUserId",
  r.submitter_name AS "submitterName", r.content_sha256 AS "contentSha256", r.prev_hash AS "prevHash", r.hash
  FROM receipts r JOIN submissions s ON s.id = r.submission_id`;

export function toReceipt(r: Receipt): Receipt {
  return { ...r, seq: Number(r.seq), issuedAt: new Date(r.issuedAt).toISOString() };
}

/** Recompute every receipt's hash, link and content hash. No principal: CLI/revisor use. */
export async function verifyReceiptChains(q: Queryable, orgId?: string): Promise<ChainVerification[]> {
  const rows = (
    await q.query<Receipt & { content: unknown; verdict: unknown }>(
      `${RECEIPT_SELECT.replace("FROM receipts r", ", s.content, s.verdict FROM receipts r")}
       ${orgId ? "WHERE r.receiving_org_id = $1" : ""} ORDER BY r.receiving_org_id, r.seq`,
      orgId ? [orgId] : [],
    )
  ).map((r) => ({ ...toReceipt(r), content: r.content, verdict: r.verdict }));
  const byOrg = new Map<string, typeof rows>();
  for (const r of rows) byOrg.set(r.receivingOrgId, [...(byOrg.get(r.receivingOrgId) ?? []), r]);
  const out: ChainVerification[] = [];
  for (const [org, chain] of byOrg) {
    const problems: string[] = [];
    let prevHash = GENESIS_HASH;
    chain.forEach((r, i) => {
      if (r.seq !== i + 1)
        problems.push(`Kvitto ${r.seq}: löpnumret borde vara ${i + 1} (kvitto saknas eller dubblerat).`);
      if (r.prevHash !== prevHash)
        problems.push(`Kvitto ${r.seq}: länken till föregående kvitto stämmer inte.`);
      if (receiptHash(r) !== r.hash)
        problems.push(`Kvitto ${r.seq}: kvittots hash stämmer inte (kvittot är ändrat).`);
      if (contentHash(r.content, r.verdict) !== r.contentSha256) {
        problems.push(
          `Kvitto ${r.seq}: inlämningens innehåll stämmer inte med kvittots SHA-256 (innehållet är ändrat).`,
        );
      }
      prevHash = r.hash;
    });
    out.push({ receivingOrgId: org, count: chain.length, ok: problems.length === 0, problems });
  }
  return out;
}

export async function verifyReceiptsFor(db: Db, p: Principal): Promise<ChainVerification> {
  assertMayVerifyReceipts(p);
  const [r] = await verifyReceiptChains(db, p.orgId);
  return r ?? { receivingOrgId: p.orgId, count: 0, ok: true, problems: [] };
}
