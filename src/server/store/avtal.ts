/** Avtal registered in the store: a purchaser (region/kommun) and a provider. */
import { randomBytes } from "node:crypto";
import type { Avtal } from "../../api/avtal";
import { avtalReadSql, requireRole } from "../access";
import { audit } from "../audit";
import type { Principal } from "../auth";
import type { Db } from "../db";
import { notFound } from "../errors";
import { getOrganisation } from "./organisations";

export type { Avtal };

const AVTAL_COLUMNS = `id, title, purchaser_org_id AS "purchaserOrgId", provider_org_id AS "providerOrgId",
  to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo"`;

export async function listAvtal(db: Db, p: Principal): Promise<Avtal[]> {
  requireRole(p, "utforare", "controller");
  return db.query<Avtal>(`SELECT ${AVTAL_COLUMNS} FROM avtal WHERE ${avtalReadSql(p)} ORDER BY id`, [
    p.orgId,
  ]);
}

export async function createAvtal(
  db: Db,
  p: Principal,
  a: { title: string; providerOrgId: string; validFrom?: string; validTo?: string },
): Promise<Avtal> {
  requireRole(p, "controller");
  return db.transaction(async (tx) => {
    const provider = await getOrganisation(tx, a.providerOrgId);
    if (!provider || provider.kind !== "utforare") throw notFound(`Utföraren ${a.providerOrgId}`);
    const id = `avtal-${randomBytes(6).toString("hex")}`;
    const [row] = await tx.query<Avtal>(
      `INSERT INTO avtal (id, title, purchaser_org_id, provider_org_id, valid_from, valid_to)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${AVTAL_COLUMNS}`,
      [id, a.title, p.orgId, a.providerOrgId, a.validFrom ?? null, a.validTo ?? null],
    );
    await audit(tx, {
      userId: p.userId,
      orgId: p.orgId,
      action: "avtal.create",
      entity: "avtal",
      entityId: id,
      newValue: row,
    });
    return row;
  });
}
