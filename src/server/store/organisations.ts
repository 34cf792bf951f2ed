/** Organisations: regions (länskod), municipalities (kommunkod) and providers (organisationsnummer). */
import type { Organisation, OrgKind } from "../../api/organisations";
import { parseOrgNumber } from "../../domain/orgnr";
import { managedOrgsSql, requireRole } from "../access";
import { audit } from "../audit";
import type { Principal } from "../auth";
import type { Db, Queryable } from "../db";
import { badRequest, conflict, forbidden } from "../errors";

export type { Organisation, OrgKind };

const ORG_COLUMNS = 'id, name, kind, parent_id AS "parentId"';

export async function getOrganisation(q: Queryable, id: string): Promise<Organisation | undefined> {
  const rows = await q.query<Organisation>(`SELECT ${ORG_COLUMNS} FROM organisations WHERE id = $1`, [id]);
  return rows[0];
}

export async function listOrganisations(db: Db, p: Principal): Promise<Organisation[]> {
  if (p.role === "admin") {
    return db.query<Organisation>(
      `SELECT ${ORG_COLUMNS} FROM organisations WHERE id IN (${managedOrgsSql("$1")}) ORDER BY id`,
      [p.orgId],
    );
  }
  // Everyone may see their own organisation.
  return db.query<Organisation>(`SELECT ${ORG_COLUMNS} FROM organisations WHERE id = $1`, [p.orgId]);
}

export interface NewOrganisation {
  id: string;
  name: string;
  kind: OrgKind;
  parentId?: string | null;
}

/** Direct creation (CLI and seeding): no principal. */
export async function insertOrganisation(q: Queryable, o: NewOrganisation): Promise<Organisation> {
  if (o.kind === "utforare") {
    const parsed = parseOrgNumber(o.id);
    if (!parsed.ok)
      throw badRequest("invalid_orgnr", `Organisationsnumret för en utförare är ogiltigt: ${parsed.reason}.`);
    if (parsed.value !== o.id)
      throw badRequest("invalid_orgnr", `Skriv organisationsnumret som ${parsed.value}.`);
  } else if (o.kind === "region" && !/^[0-9]{2}$/.test(o.id)) {
    throw badRequest("invalid_org_code", "En region anges med sin tvåsiffriga länskod, t.ex. 04.");
  } else if (o.kind === "kommun" && !/^[0-9]{4}$/.test(o.id)) {
    throw badRequest("invalid_org_code", "En kommun anges med sin fyrsiffriga kommunkod, t.ex. 0117.");
  }
  if (o.parentId && !(await getOrganisation(q, o.parentId))) {
    throw badRequest("unknown_parent", `Överordnad organisation ${o.parentId} finns inte.`);
  }
  const rows = await q.query<Organisation>(
    `INSERT INTO organisations (id, name, kind, parent_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO NOTHING RETURNING ${ORG_COLUMNS}`,
    [o.id, o.name, o.kind, o.parentId ?? null],
  );
  if (rows.length === 0) throw conflict("org_exists", `Organisationen ${o.id} finns redan.`);
  return rows[0];
}

export async function createOrganisation(db: Db, p: Principal, o: NewOrganisation): Promise<Organisation> {
  requireRole(p, "admin");
  if (o.kind !== "utforare") {
    throw forbidden("En administratör kan bara registrera utförare under sin egen organisation.");
  }
  return db.transaction(async (tx) => {
    const org = await insertOrganisation(tx, { ...o, parentId: p.orgId });
    await audit(tx, {
      userId: p.userId,
      orgId: p.orgId,
      action: "org.create",
      entity: "organisation",
      entityId: org.id,
      newValue: org,
    });
    return org;
  });
}
