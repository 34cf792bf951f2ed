/**
 * Submissions (inlämningar): the provider submits the workbook's stored values; the server reviews
 * them itself with the domain code (its verdict is part of the hashed content) and issues a receipt
 * in the receiving organisation's chain.
 */
import type { Receipt, ServerVerdict, Verdict } from "../../api/submissions";
import { assertMaySubmit, assertWorkbookAccess } from "../access";
import { audit } from "../audit";
import type { Principal } from "../auth";
import type { Db } from "../db";
import { serverVerdict } from "../verdict";
import { appendReceipt, contentHash, lockReceiptChain, RECEIPT_SELECT, toReceipt } from "./receipts";
import { getWorkbook } from "./workbooks";
import { loadWorkbookValues } from "./workbookValues";

export type { Verdict };

export async function submitWorkbook(
  db: Db,
  p: Principal,
  workbookId: string,
  verdict: Verdict,
): Promise<{ submissionId: string; receipt: Receipt; serverVerdict: ServerVerdict }> {
  assertMaySubmit(p);
  return db.transaction(async (tx) => {
    const wb = await getWorkbook(tx, p, workbookId);
    // Serialise receipts per receiving organisation (the chain must not fork).
    await lockReceiptChain(tx, wb.purchaserOrgId);
    const stored = await loadWorkbookValues(tx, wb);
    const content = {
      workbookId,
      templateId: wb.templateId,
      templateVersion: wb.templateVersion,
      providerOrgId: wb.providerOrgId,
      purchaserOrgId: wb.purchaserOrgId,
      cells: stored.cells,
      // The server's own validation of exactly these values (the client's verdict is kept beside
      // it as claimed); both are covered by the content hash in the receipt.
      serverVerdict: serverVerdict(wb.templateId, wb.templateVersion, stored.snapshot),
    };
    const contentSha256 = contentHash(content, verdict);
    const issuedAt = new Date().toISOString();
    const [sub] = await tx.query<{ id: string }>(
      `INSERT INTO submissions (workbook_id, receiving_org_id, submitted_by, submitted_at, content, content_sha256, verdict)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb) RETURNING id::text AS id`,
      [
        workbookId,
        wb.purchaserOrgId,
        p.userId,
        issuedAt,
        JSON.stringify(content),
        contentSha256,
        JSON.stringify(verdict),
      ],
    );
    const receipt = await appendReceipt(tx, {
      receivingOrgId: wb.purchaserOrgId,
      submissionId: sub.id,
      workbookId,
      issuedAt,
      submitterUserId: p.userId,
      submitterName: p.name,
      contentSha256,
    });
    await audit(tx, {
      userId: p.userId,
      orgId: p.orgId,
      action: "submission.create",
      entity: "workbook",
      entityId: workbookId,
      newValue: { submissionId: sub.id, receiptSeq: receipt.seq, contentSha256 },
    });
    return { submissionId: sub.id, receipt, serverVerdict: content.serverVerdict };
  });
}

export async function listSubmissions(db: Db, p: Principal, workbookId: string): Promise<Receipt[]> {
  await assertWorkbookAccess(db, p, workbookId);
  const rows = await db.query<Receipt>(`${RECEIPT_SELECT} WHERE s.workbook_id = $1 ORDER BY r.seq`, [
    workbookId,
  ]);
  return rows.map(toReceipt);
}
