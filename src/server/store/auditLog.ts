/** The audit trail as the admin reads it (audit_log merged with the change log). */
import { managedOrgsSql, requireRole } from "../access";
import type { Principal } from "../auth";
import type { Db } from "../db";

/**
 * The audit trail of the admin's own organisation (and providers it registered), newest first:
 * audit_log events merged with cell edits from the (append-only) change log.
 */
export async function readAuditLog(db: Db, p: Principal, limit: number): Promise<unknown[]> {
  requireRole(p, "admin");
  const orgs = managedOrgsSql("$1");
  const events = await db.query<Record<string, unknown>>(
    `SELECT 'a' || id::text AS id, at, user_id::text AS "userId", org_id AS "orgId", action, entity,
            entity_id AS "entityId", field, old_value AS "oldValue", new_value AS "newValue", client_id AS "clientId",
            mutation_id::text AS "mutationId", outcome, detail
     FROM audit_log WHERE org_id IN (${orgs}) ORDER BY id DESC LIMIT $2`,
    [p.orgId, limit],
  );
  const edits = await db.query<Record<string, unknown>>(
    `SELECT 'c' || seq::text AS id, committed_at AS at, user_id::text AS "userId", org_id AS "orgId",
            'cell.update' AS action, 'cell' AS entity, workbook_id AS "entityId", sheet || '!' || cell AS field,
            old_value AS "oldValue", value AS "newValue", client_id AS "clientId", mutation_id::text AS "mutationId",
            'ok' AS outcome, NULL AS detail
     FROM changes WHERE org_id IN (${orgs}) ORDER BY seq DESC LIMIT $2`,
    [p.orgId, limit],
  );
  return [...events, ...edits]
    .map((r) => ({ ...r, at: new Date(r.at as string).toISOString() }))
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, limit);
}
