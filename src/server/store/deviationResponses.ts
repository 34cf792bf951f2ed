/** The provider's justifications of contract deviations and the purchaser's decisions on them. */
import type { DeviationResponse } from "../../api/deviationResponses";
import { assertMayDecide, assertMayJustify } from "../access";
import { audit } from "../audit";
import type { Principal } from "../auth";
import type { Db, Queryable } from "../db";
import { conflict } from "../errors";
import { getWorkbook } from "./workbooks";

export type { DeviationResponse };

const DEVIATION_SELECT = `SELECT d.workbook_id AS "workbookId", d.avtal_id AS "avtalId", d.avtal_version AS "avtalVersion",
  d.clause_id AS "clauseId", d.justification, d.justified_by::text AS "justifiedBy", ju.name AS "justifiedByName",
  d.justified_at AS "justifiedAt", d.decision, d.decision_note AS "decisionNote", d.decided_by::text AS "decidedBy",
  du.name AS "decidedByName", d.decided_at AS "decidedAt"
  FROM deviation_responses d
  JOIN users ju ON ju.id = d.justified_by
  LEFT JOIN users du ON du.id = d.decided_by`;

function toDeviationResponse(r: DeviationResponse): DeviationResponse {
  return {
    ...r,
    justifiedAt: new Date(r.justifiedAt).toISOString(),
    decidedAt: r.decidedAt === null ? null : new Date(r.decidedAt).toISOString(),
  };
}

export interface DeviationKey {
  avtalId: string;
  avtalVersion: string;
  clauseId: string;
}

async function readDeviationResponse(
  q: Queryable,
  workbookId: string,
  k: DeviationKey,
): Promise<DeviationResponse | undefined> {
  const rows = await q.query<DeviationResponse>(
    `${DEVIATION_SELECT} WHERE d.workbook_id = $1 AND d.avtal_id = $2 AND d.avtal_version = $3 AND d.clause_id = $4`,
    [workbookId, k.avtalId, k.avtalVersion, k.clauseId],
  );
  return rows[0] ? toDeviationResponse(rows[0]) : undefined;
}

/** What the audit log keeps of a response (no names: they are in users). */
function auditShape(r: DeviationResponse | undefined) {
  if (!r) return null;
  return {
    justification: r.justification,
    justifiedBy: r.justifiedBy,
    decision: r.decision,
    decisionNote: r.decisionNote,
    decidedBy: r.decidedBy,
  };
}

/** Responses for a workbook: its utförare and the receiving region/municipality's controllers. */
export async function listDeviationResponses(
  db: Db,
  p: Principal,
  workbookId: string,
): Promise<DeviationResponse[]> {
  await getWorkbook(db, p, workbookId);
  const rows = await db.query<DeviationResponse>(
    `${DEVIATION_SELECT} WHERE d.workbook_id = $1 ORDER BY d.avtal_id, d.avtal_version, d.clause_id`,
    [workbookId],
  );
  return rows.map(toDeviationResponse);
}

/** The provider writes (or rewrites) a justification; a new one clears an earlier decision. */
export async function saveJustification(
  db: Db,
  p: Principal,
  workbookId: string,
  k: DeviationKey,
  justification: string,
): Promise<DeviationResponse> {
  return db.transaction(async (tx) => {
    await getWorkbook(tx, p, workbookId); // 404 for other organisations' workbooks
    assertMayJustify(p);
    const before = await readDeviationResponse(tx, workbookId, k);
    await tx.query(
      `INSERT INTO deviation_responses (workbook_id, avtal_id, avtal_version, clause_id, justification, justified_by, justified_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (workbook_id, avtal_id, avtal_version, clause_id) DO UPDATE SET
         justification = EXCLUDED.justification, justified_by = EXCLUDED.justified_by,
         justified_at = EXCLUDED.justified_at,
         decision = NULL, decision_note = NULL, decided_by = NULL, decided_at = NULL`,
      [workbookId, k.avtalId, k.avtalVersion, k.clauseId, justification, p.userId],
    );
    const after = (await readDeviationResponse(tx, workbookId, k))!;
    await audit(tx, {
      userId: p.userId,
      orgId: p.orgId,
      action: "deviation.justify",
      entity: "deviation_response",
      entityId: `${workbookId}/${k.avtalId}@${k.avtalVersion}/${k.clauseId}`,
      oldValue: auditShape(before),
      newValue: auditShape(after),
    });
    return after;
  });
}

/** The purchaser's controller accepts or rejects a justification (409 when there is none yet). */
export async function decideDeviation(
  db: Db,
  p: Principal,
  workbookId: string,
  k: DeviationKey,
  decision: "accepted" | "rejected",
  note: string | undefined,
): Promise<DeviationResponse> {
  return db.transaction(async (tx) => {
    await getWorkbook(tx, p, workbookId); // 404 for other organisations' workbooks
    assertMayDecide(p);
    // Lock the row so a justification written at the same moment is not decided unseen.
    const locked = await tx.query(
      `SELECT 1 FROM deviation_responses
       WHERE workbook_id = $1 AND avtal_id = $2 AND avtal_version = $3 AND clause_id = $4 FOR UPDATE`,
      [workbookId, k.avtalId, k.avtalVersion, k.clauseId],
    );
    if (locked.length === 0) {
      throw conflict(
        "no_justification",
        "Utföraren har ännu inte skrivit någon förklaring till avvikelsen; det finns inget att bedöma.",
      );
    }
    const before = await readDeviationResponse(tx, workbookId, k);
    await tx.query(
      `UPDATE deviation_responses SET decision = $5, decision_note = $6, decided_by = $7, decided_at = now()
       WHERE workbook_id = $1 AND avtal_id = $2 AND avtal_version = $3 AND clause_id = $4`,
      [workbookId, k.avtalId, k.avtalVersion, k.clauseId, decision, note || null, p.userId],
    );
    const after = (await readDeviationResponse(tx, workbookId, k))!;
    await audit(tx, {
      userId: p.userId,
      orgId: p.orgId,
      action: "deviation.decide",
      entity: "deviation_response",
      entityId: `${workbookId}/${k.avtalId}@${k.avtalVersion}/${k.clauseId}`,
      oldValue: auditShape(before),
      newValue: auditShape(after),
    });
    return after;
  });
}
