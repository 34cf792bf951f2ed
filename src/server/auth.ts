/**
 * Authentication: opaque random tokens (only their SHA-256 is stored) for local use, and
 * OpenID Connect bearer JWTs (verified with jose against a JWKS URL, issuer and audience) for
 * production. OIDC users are keyed on tenant id + object id (`tid` + `oid`), never on e-mail.
 */
import { createHash, randomBytes } from "node:crypto";
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { Queryable } from "./db";
import { ApiError, unauthorized } from "./errors";

export const ROLES = ["utforare", "controller", "finance", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  userId: string;
  name: string;
  role: Role;
  orgId: string;
}

export interface OidcConfig {
  issuer: string;
  audience: string;
  jwksUrl: string;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function generateToken(): string {
  return `uppf_${randomBytes(32).toString("base64url")}`;
}

interface UserRow {
  id: string;
  name: string;
  role: Role;
  org_id: string;
}

const USER_COLUMNS = "id::text AS id, name, role, org_id";

export interface Authenticator {
  authenticate(db: Queryable, authorization: string | undefined): Promise<Principal>;
}

export function createAuthenticator(oidc?: OidcConfig): Authenticator {
  let jwks: JWTVerifyGetKey | undefined;
  if (oidc) jwks = createRemoteJWKSet(new URL(oidc.jwksUrl));
  return {
    async authenticate(db, authorization) {
      if (!authorization) throw unauthorized();
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!m) throw unauthorized('Authorization-huvudet ska vara på formen "Bearer <token>".');
      const token = m[1];
      if (token.split(".").length === 3) {
        if (!oidc || !jwks)
          throw unauthorized("Inloggning med OpenID Connect är inte konfigurerad på servern.");
        let payload;
        try {
          ({ payload } = await jwtVerify(token, jwks, { issuer: oidc.issuer, audience: oidc.audience }));
        } catch (err) {
          const code = (err as { code?: string }).code;
          const why =
            code === "ERR_JWT_EXPIRED"
              ? "token har gått ut"
              : code === "ERR_JWT_CLAIM_VALIDATION_FAILED"
                ? "fel utfärdare eller mottagare (iss/aud)"
                : "ogiltig signatur eller token";
          throw unauthorized(`Inloggningen godtogs inte: ${why}.`);
        }
        const tenant = typeof payload.tid === "string" ? payload.tid : undefined;
        const objectId = typeof payload.oid === "string" ? payload.oid : undefined;
        if (!tenant || !objectId) {
          throw unauthorized(
            "Token saknar tid och oid (klient- och objekt-id); användaren kan inte identifieras.",
          );
        }
        const rows = await db.query<UserRow>(
          `SELECT ${USER_COLUMNS} FROM users WHERE oidc_tenant_id = $1 AND oidc_object_id = $2 AND disabled_at IS NULL`,
          [tenant, objectId],
        );
        if (rows.length === 0) {
          throw new ApiError(
            403,
            "no_account",
            "Du är inloggad men har inget konto i Uppföljning. Kontakta din administratör.",
          );
        }
        return toPrincipal(rows[0]);
      }
      const rows = await db.query<UserRow>(
        `SELECT ${USER_COLUMNS} FROM users WHERE token_hash = $1 AND disabled_at IS NULL`,
        [hashToken(token)],
      );
      if (rows.length === 0) throw unauthorized("Ogiltig eller återkallad token.");
      return toPrincipal(rows[0]);
    },
  };
}

function toPrincipal(r: UserRow): Principal {
  return { userId: String(r.id), name: r.name, role: r.role, orgId: r.org_id };
}
