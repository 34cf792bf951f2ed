/** The append-only audit log (UPDATE/DELETE/TRUNCATE are refused by database triggers). */
import type { Queryable } from "./db";

export interface AuditEntry {
  userId?: string | null;
  orgId?: string | null;
  action: string;
  entity: string;
  entityId?: string | null;
  field?: string | null;
  oldValue?: unknown;
  newValue?: unknown;
  clientId?: string | null;
  mutationId?: number | null;
  outcome?: "ok" | "denied" | "rejected" | "conflict";
  detail?: string | null;
}

export async function audit(q: Queryable, e: AuditEntry): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (user_id, org_id, action, entity, entity_id, field, old_value, new_value,
                            client_id, mutation_id, outcome, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12)`,
    [
      e.userId ?? null,
      e.orgId ?? null,
      e.action,
      e.entity,
      e.entityId ?? null,
      e.field ?? null,
      e.oldValue === undefined ? null : JSON.stringify(e.oldValue),
      e.newValue === undefined ? null : JSON.stringify(e.newValue),
      e.clientId ?? null,
      e.mutationId ?? null,
      e.outcome ?? "ok",
      e.detail ?? null,
    ],
  );
}
