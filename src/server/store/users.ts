/** Users: opaque-token and OpenID Connect users of an organisation. */
import type { User } from "../../api/users";
import { adminManages, managedOrgsSql, requireRole } from "../access";
import { audit } from "../audit";
import type { Principal, Role } from "../auth";
import { generateToken, hashToken } from "../auth";
import type { Db, Queryable } from "../db";
import { badRequest, conflict, forbidden, notFound } from "../errors";
import { getOrganisation } from "./organisations";

export type { User };

const USER_COLUMNS =
  'id::text AS id, name, role, org_id AS "orgId", oidc_tenant_id AS "oidcTenantId", oidc_object_id AS "oidcObjectId"';

export interface NewUser {
  name: string;
  role: Role;
  orgId: string;
  oidcTenantId?: string | null;
  oidcObjectId?: string | null;
  /** Use this token instead of a random one (dev seed only). */
  token?: string;
  /** Create no token (OIDC-only user). */
  noToken?: boolean;
}

/** Direct creation (CLI and seeding): returns the user and the token (shown once, only its hash is stored). */
export async function insertUser(q: Queryable, u: NewUser): Promise<{ user: User; token: string | null }> {
  const org = await getOrganisation(q, u.orgId);
  if (!org) throw notFound(`Organisationen ${u.orgId}`);
  if ((u.role === "utforare") !== (org.kind === "utforare")) {
    throw badRequest(
      "role_org_mismatch",
      u.role === "utforare"
        ? `Rollen utforare kräver en utförarorganisation; ${org.id} är ${org.kind}.`
        : `Rollen ${u.role} kräver en region eller kommun; ${org.id} är en utförare.`,
    );
  }
  if (Boolean(u.oidcTenantId) !== Boolean(u.oidcObjectId)) {
    throw badRequest(
      "oidc_incomplete",
      "Ange både klient-id (tid) och objekt-id (oid) för inloggning med OpenID Connect.",
    );
  }
  const token = u.noToken ? null : (u.token ?? generateToken());
  try {
    const rows = await q.query<User>(
      `INSERT INTO users (name, role, org_id, token_hash, oidc_tenant_id, oidc_object_id)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
      [
        u.name,
        u.role,
        u.orgId,
        token ? hashToken(token) : null,
        u.oidcTenantId ?? null,
        u.oidcObjectId ?? null,
      ],
    );
    return { user: rows[0], token };
  } catch (err) {
    if ((err as { code?: string }).code === "23505") {
      throw conflict("user_exists", "En användare med samma OpenID Connect-identitet finns redan.");
    }
    throw err;
  }
}

export async function createUser(
  db: Db,
  p: Principal,
  u: NewUser,
): Promise<{ user: User; token: string | null }> {
  requireRole(p, "admin");
  return db.transaction(async (tx) => {
    if (!(await adminManages(tx, p, u.orgId))) throw notFound(`Organisationen ${u.orgId}`);
    if (u.role === "admin" && u.orgId !== p.orgId)
      throw forbidden("Administratörer kan bara skapas i den egna organisationen.");
    const r = await insertUser(tx, { ...u, token: undefined });
    await audit(tx, {
      userId: p.userId,
      orgId: p.orgId,
      action: "user.create",
      entity: "user",
      entityId: r.user.id,
      newValue: { name: r.user.name, role: r.user.role, orgId: r.user.orgId },
    });
    return r;
  });
}

export async function listUsers(db: Db, p: Principal): Promise<User[]> {
  requireRole(p, "admin");
  return db.query<User>(
    `SELECT ${USER_COLUMNS} FROM users WHERE org_id IN (${managedOrgsSql("$1")}) ORDER BY id`,
    [p.orgId],
  );
}
