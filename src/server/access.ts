/**
 * The access policy: every rule of the role matrix, in one place (README "## API").
 *  - utforare:   workbooks/submissions/avtal of their own organisation (provider side);
 *  - controller: workbooks/submissions/avtal of their region or municipality (purchaser side);
 *  - finance:    cost keys of agreements their region is party to;
 *  - admin:      users and organisations of their own region/municipality (and the providers
 *                it registered).
 * Another organisation's id answers 404 (no existence leak); a role without access to the kind of
 * resource answers 403. Store modules ask this module; they never decide access themselves.
 */
import type { Principal, Role } from "./auth";
import type { Queryable } from "./db";
import { forbidden, notFound } from "./errors";

/** 403 unless the principal has one of the roles. */
export function requireRole(p: Principal, ...roles: Role[]): void {
  if (!roles.includes(p.role)) throw forbidden();
}

// ---------------------------------------------------------------- workbooks

/** Roles that work with shared workbooks at all. */
export function canUseWorkbooks(p: Principal): boolean {
  return p.role === "utforare" || p.role === "controller";
}

export function requireWorkbookRole(p: Principal): void {
  if (!canUseWorkbooks(p)) throw forbidden("Din roll har inte tillgång till arbetsböcker.");
}

/** SQL condition (on alias `w` = workbooks) for workbooks the principal may read. */
export function workbookReadSql(p: Principal, orgParam: string): string {
  switch (p.role) {
    case "utforare":
      return `w.provider_org_id = ${orgParam}`;
    case "controller":
      return `w.purchaser_org_id = ${orgParam}`;
    default:
      return "false";
  }
}

/**
 * SQL condition (on alias `w`) for workbooks whose stored input values the principal may change
 * through the sync push. The one place the write rule lives (issues 13, 14, 19 extend it).
 */
export function workbookWriteSql(p: Principal, orgParam: string): string {
  return workbookReadSql(p, orgParam);
}

/** 403 for roles without workbooks, 404 for a workbook the principal may not read. */
export async function assertWorkbookAccess(q: Queryable, p: Principal, workbookId: string): Promise<void> {
  requireWorkbookRole(p);
  const rows = await q.query(`SELECT 1 FROM workbooks w WHERE w.id = $1 AND (${workbookReadSql(p, "$2")})`, [
    workbookId,
    p.orgId,
  ]);
  if (rows.length === 0) throw notFound("Arbetsboken");
}

// ---------------------------------------------------------------- avtal

/** SQL condition (columns of `avtal`, org at $1) for avtal the principal may read. */
export function avtalReadSql(p: Principal): string {
  if (p.role === "utforare") return "provider_org_id = $1";
  if (p.role === "controller") return "purchaser_org_id = $1";
  return "false";
}

// ---------------------------------------------------------------- organisations and users

/** Organisations an admin manages: their own and those registered under it. */
export async function adminManages(q: Queryable, p: Principal, orgId: string): Promise<boolean> {
  if (p.role !== "admin") return false;
  const rows = await q.query(`SELECT 1 FROM organisations WHERE id = $1 AND (id = $2 OR parent_id = $2)`, [
    orgId,
    p.orgId,
  ]);
  return rows.length > 0;
}

/** SQL sub-select of the organisation ids an admin manages (org at `orgParam`). */
export function managedOrgsSql(orgParam: string): string {
  return `SELECT id FROM organisations WHERE id = ${orgParam} OR parent_id = ${orgParam}`;
}

// ---------------------------------------------------------------- cost keys

/**
 * The cost key's agreement and parties, when the finance user's region is a party; otherwise
 * 404 (another region's key does not exist for them). 403 for other roles.
 */
export async function assertCostKeyParty(
  q: Queryable,
  p: Principal,
  keyId: string,
): Promise<{ agreementId: string; parties: string[] }> {
  requireRole(p, "finance");
  const rows = await q.query<{ agreement_id: string; org_id: string }>(
    `SELECT k.agreement_id, ap.org_id FROM cost_keys k JOIN agreement_parties ap ON ap.agreement_id = k.agreement_id
     WHERE k.id = $1`,
    [keyId],
  );
  const parties = rows.map((r) => r.org_id);
  if (rows.length === 0 || !parties.includes(p.orgId)) throw notFound("Fördelningsnyckeln");
  return { agreementId: rows[0].agreement_id, parties };
}

// ---------------------------------------------------------------- per-action rules

/** Only the provider submits its workbook. */
export function assertMaySubmit(p: Principal): void {
  requireRole(p, "utforare", "controller");
  if (p.role !== "utforare") throw forbidden("Bara utföraren lämnar in sin arbetsbok.");
}

/** Only the provider justifies a contract deviation. */
export function assertMayJustify(p: Principal): void {
  if (p.role !== "utforare") throw forbidden("Bara utföraren skriver förklaringar till avvikelser.");
}

/** Only the receiving organisation's controller decides on a justification. */
export function assertMayDecide(p: Principal): void {
  if (p.role !== "controller")
    throw forbidden("Bara den mottagande regionens eller kommunens controller bedömer förklaringar.");
}

/** Who may check a receipt chain: controllers and admins, for their own organisation. */
export function assertMayVerifyReceipts(p: Principal): void {
  requireRole(p, "controller", "admin");
}
