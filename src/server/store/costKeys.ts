/**
 * Cost-distribution keys of agreements between regions: versions (draft → proposed → active →
 * superseded) and the approvals of each party region. A version becomes active only when every
 * party has approved it; the previous active version stays in force until then.
 */
import type { Agreement, CostKeyVersion, NewDraft } from "../../api/costKeys";
import { sharesOfWeights } from "../../domain/costsplit";
import { assertCostKeyParty, requireRole } from "../access";
import { audit } from "../audit";
import type { Principal } from "../auth";
import type { Db, Queryable } from "../db";
import { ApiError, badRequest, conflict, notFound } from "../errors";

export type { Agreement, CostKeyVersion };

/** Agreements (with keys, all versions and approvals) where the finance user's org is a party. */
export async function listAgreements(db: Db, p: Principal): Promise<Agreement[]> {
  requireRole(p, "finance");
  const agreements = await db.query<{ id: string; name: string; description: string }>(
    `SELECT a.id, a.name, a.description FROM agreements a
     WHERE EXISTS (SELECT 1 FROM agreement_parties ap WHERE ap.agreement_id = a.id AND ap.org_id = $1)
     ORDER BY a.id`,
    [p.orgId],
  );
  if (agreements.length === 0) return [];
  const ids = agreements.map((a) => a.id);
  const parties = await db.query<{ agreement_id: string; org_id: string; name: string }>(
    `SELECT ap.agreement_id, ap.org_id, o.name FROM agreement_parties ap JOIN organisations o ON o.id = ap.org_id
     WHERE ap.agreement_id = ANY($1::text[]) ORDER BY ap.org_id`,
    [ids],
  );
  const keys = await db.query<{ id: string; agreement_id: string; name: string }>(
    `SELECT id, agreement_id, name FROM cost_keys WHERE agreement_id = ANY($1::text[]) ORDER BY id`,
    [ids],
  );
  const versions = await loadVersions(
    db,
    keys.map((k) => k.id),
  );
  return agreements.map((a) => ({
    ...a,
    parties: parties.filter((x) => x.agreement_id === a.id).map((x) => ({ orgId: x.org_id, name: x.name })),
    keys: keys
      .filter((k) => k.agreement_id === a.id)
      .map((k) => ({
        id: k.id,
        name: k.name,
        versions: versions.filter((v) => v.keyId === k.id).map(stripKey),
      })),
  }));
}

function stripKey(v: CostKeyVersion & { keyId: string }): CostKeyVersion {
  const { keyId: _k, ...rest } = v;
  return rest;
}

async function loadVersions(
  q: Queryable,
  keyIds: string[],
): Promise<Array<CostKeyVersion & { keyId: string }>> {
  if (keyIds.length === 0) return [];
  const rows = await q.query<{
    id: string;
    key_id: string;
    version_no: number;
    status: CostKeyVersion["status"];
    basis: string;
    note: string;
    weights: Array<{ orgId: string; weight: number }>;
    created_by: string | null;
    created_at: Date;
    proposed_by: string | null;
    proposed_at: Date | null;
    activated_at: Date | null;
    superseded_at: Date | null;
  }>(
    `SELECT id::text, key_id, version_no, status, basis, note, weights, created_by::text, created_at,
            proposed_by::text, proposed_at, activated_at, superseded_at
     FROM cost_key_versions WHERE key_id = ANY($1::text[]) ORDER BY key_id, version_no`,
    [keyIds],
  );
  const approvals = await q.query<{
    version_id: string;
    org_id: string;
    user_id: string;
    name: string;
    approved_at: Date;
  }>(
    `SELECT a.version_id::text, a.org_id, a.user_id::text, u.name, a.approved_at
     FROM cost_key_approvals a JOIN users u ON u.id = a.user_id
     WHERE a.version_id IN (SELECT id FROM cost_key_versions WHERE key_id = ANY($1::text[]))
     ORDER BY a.approved_at`,
    [keyIds],
  );
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return rows.map((r) => {
    const shares = sharesOfWeights(r.weights.map((w) => Number(w.weight)));
    return {
      id: r.id,
      keyId: r.key_id,
      versionNo: Number(r.version_no),
      status: r.status,
      basis: r.basis,
      note: r.note,
      weights: r.weights.map((w, i) => ({ orgId: w.orgId, weight: Number(w.weight), share: shares[i] })),
      createdBy: r.created_by,
      createdAt: new Date(r.created_at).toISOString(),
      proposedBy: r.proposed_by,
      proposedAt: iso(r.proposed_at),
      activatedAt: iso(r.activated_at),
      supersededAt: iso(r.superseded_at),
      approvals: approvals
        .filter((a) => a.version_id === r.id)
        .map((a) => ({
          orgId: a.org_id,
          userId: a.user_id,
          userName: a.name,
          approvedAt: new Date(a.approved_at).toISOString(),
        })),
    };
  });
}

async function getVersion(q: Queryable, p: Principal, versionId: string, forUpdate = false) {
  requireRole(p, "finance");
  if (!/^[0-9]{1,18}$/.test(versionId)) throw notFound("Versionen");
  const rows = await q.query<{
    id: string;
    key_id: string;
    status: CostKeyVersion["status"];
    version_no: number;
  }>(
    `SELECT id::text, key_id, status, version_no FROM cost_key_versions WHERE id = $1::bigint ${forUpdate ? "FOR UPDATE" : ""}`,
    [versionId],
  );
  if (rows.length === 0) throw notFound("Versionen");
  const key = await assertCostKeyParty(q, p, rows[0].key_id).catch((err) => {
    if (err instanceof ApiError && err.status === 404) throw notFound("Versionen");
    throw err;
  });
  return { ...rows[0], ...key };
}

async function versionById(q: Queryable, id: string): Promise<CostKeyVersion> {
  const [row] = await q.query<{ key_id: string }>(
    `SELECT key_id FROM cost_key_versions WHERE id = $1::bigint`,
    [id],
  );
  const all = await loadVersions(q, [row.key_id]);
  return stripKey(all.find((v) => v.id === id)!);
}

export async function createDraft(db: Db, p: Principal, keyId: string, d: NewDraft): Promise<CostKeyVersion> {
  return db.transaction(async (tx) => {
    const key = await assertCostKeyParty(tx, p, keyId);
    const given = d.weights.map((w) => w.orgId).sort();
    const expected = [...key.parties].sort();
    if (given.length !== expected.length || given.some((g, i) => g !== expected[i])) {
      throw badRequest(
        "weights_parties",
        `Nyckeln ska ha exakt en vikt per part i avtalet (${expected.join(", ")}); angivet: ${given.join(", ") || "inga"}.`,
      );
    }
    if (d.weights.reduce((s, w) => s + w.weight, 0) <= 0) {
      throw badRequest("weights_zero", "Vikterna kan inte alla vara noll.");
    }
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('costkey:' || $1))", [keyId]);
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO cost_key_versions (key_id, version_no, status, basis, note, weights, created_by)
       SELECT $1, coalesce(max(version_no), 0) + 1, 'draft', $2, $3, $4::jsonb, $5 FROM cost_key_versions WHERE key_id = $1
       RETURNING id::text`,
      [keyId, d.basis, d.note ?? "", JSON.stringify(d.weights), p.userId],
    );
    const v = await versionById(tx, row.id);
    await audit(tx, {
      userId: p.userId,
      orgId: p.orgId,
      action: "costkey.draft",
      entity: "cost_key_version",
      entityId: row.id,
      newValue: v,
    });
    return v;
  });
}

export async function proposeVersion(db: Db, p: Principal, versionId: string): Promise<CostKeyVersion> {
  return db.transaction(async (tx) => {
    const v = await getVersion(tx, p, versionId, true);
    if (v.status !== "draft") {
      throw conflict(
        "not_draft",
        `Bara ett utkast kan föreslås; version ${v.version_no} har status ${v.status}.`,
      );
    }
    await tx.query(
      `UPDATE cost_key_versions SET status = 'proposed', proposed_by = $2, proposed_at = now() WHERE id = $1::bigint`,
      [versionId, p.userId],
    );
    await audit(tx, {
      userId: p.userId,
      orgId: p.orgId,
      action: "costkey.propose",
      entity: "cost_key_version",
      entityId: versionId,
      field: "status",
      oldValue: "draft",
      newValue: "proposed",
    });
    return versionById(tx, versionId);
  });
}

/** Finance approves for their region. Active once every party region has approved. */
export async function approveVersion(db: Db, p: Principal, versionId: string): Promise<CostKeyVersion> {
  return db.transaction(async (tx) => {
    const v = await getVersion(tx, p, versionId, true);
    if (v.status !== "proposed") {
      throw conflict(
        "not_proposed",
        `Bara en föreslagen version kan godkännas; version ${v.version_no} har status ${v.status}.`,
      );
    }
    const inserted = await tx.query(
      `INSERT INTO cost_key_approvals (version_id, org_id, user_id) VALUES ($1::bigint, $2, $3)
       ON CONFLICT (version_id, org_id) DO NOTHING RETURNING 1`,
      [versionId, p.orgId, p.userId],
    );
    if (inserted.length === 0)
      throw conflict("already_approved", "Din region har redan godkänt den här versionen.");
    await audit(tx, {
      userId: p.userId,
      orgId: p.orgId,
      action: "costkey.approve",
      entity: "cost_key_version",
      entityId: versionId,
    });
    const approved = await tx.query<{ org_id: string }>(
      `SELECT org_id FROM cost_key_approvals WHERE version_id = $1::bigint`,
      [versionId],
    );
    const approvedOrgs = new Set(approved.map((a) => a.org_id));
    if (v.parties.every((org) => approvedOrgs.has(org))) {
      const old = await tx.query<{ id: string }>(
        `UPDATE cost_key_versions SET status = 'superseded', superseded_at = now()
         WHERE key_id = $1 AND status = 'active' RETURNING id::text`,
        [v.key_id],
      );
      await tx.query(
        `UPDATE cost_key_versions SET status = 'active', activated_at = now() WHERE id = $1::bigint`,
        [versionId],
      );
      await audit(tx, {
        userId: p.userId,
        orgId: p.orgId,
        action: "costkey.activate",
        entity: "cost_key_version",
        entityId: versionId,
        field: "status",
        oldValue: "proposed",
        newValue: "active",
        detail: old.length ? `ersätter version-id ${old.map((o) => o.id).join(", ")}` : null,
      });
    }
    return versionById(tx, versionId);
  });
}
