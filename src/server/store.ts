/**
 * The store's operations, each authorised per row for the calling principal.
 * Access matrix (also in README "## API"):
 *  - utforare:   workbooks/submissions/avtal of their own organisation (provider side);
 *  - controller: workbooks/submissions/avtal of their region or municipality (purchaser side);
 *  - finance:    cost keys of agreements their region is party to;
 *  - admin:      users and organisations of their own region/municipality (and the providers
 *                it registered).
 * Another organisation's id answers 404 (no existence leak); a role without access to the
 * kind of resource answers 403.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Principal, Role } from "./auth";
import { generateToken, hashToken } from "./auth";
import type { Db, Queryable } from "./db";
import { audit, canonicalJson } from "./audit";
import { ApiError, badRequest, conflict, forbidden, notFound } from "./errors";
import { assertWorkbookAccess, canUseWorkbooks, workbookAccessSql } from "./sync";
import type { CellValue } from "../sync/protocol";
import { parseOrgNumber } from "../domain/orgnr";
import { serverVerdict } from "./verdict";
import type { z } from "zod";
import type { DeviationResponseSchema } from "./schemas";

// ---------------------------------------------------------------- organisations and users

export type OrgKind = "region" | "kommun" | "utforare";

export interface Organisation {
  id: string;
  name: string;
  kind: OrgKind;
  parentId: string | null;
}

export interface User {
  id: string;
  name: string;
  role: Role;
  orgId: string;
  oidcTenantId: string | null;
  oidcObjectId: string | null;
}

function requireRole(p: Principal, ...roles: Role[]): void {
  if (!roles.includes(p.role)) throw forbidden();
}

const ORG_COLUMNS = 'id, name, kind, parent_id AS "parentId"';
const USER_COLUMNS =
  'id::text AS id, name, role, org_id AS "orgId", oidc_tenant_id AS "oidcTenantId", oidc_object_id AS "oidcObjectId"';

export async function getOrganisation(q: Queryable, id: string): Promise<Organisation | undefined> {
  const rows = await q.query<Organisation>(`SELECT ${ORG_COLUMNS} FROM organisations WHERE id = $1`, [id]);
  return rows[0];
}

/** Organisations an admin manages: their own and those registered under it. */
async function adminManages(q: Queryable, p: Principal, orgId: string): Promise<boolean> {
  const rows = await q.query(`SELECT 1 FROM organisations WHERE id = $1 AND (id = $2 OR parent_id = $2)`, [
    orgId,
    p.orgId,
  ]);
  return rows.length > 0;
}

export async function listOrganisations(db: Db, p: Principal): Promise<Organisation[]> {
  if (p.role === "admin") {
    return db.query<Organisation>(
      `SELECT ${ORG_COLUMNS} FROM organisations WHERE id = $1 OR parent_id = $1 ORDER BY id`,
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
    `SELECT ${USER_COLUMNS} FROM users
     WHERE org_id IN (SELECT id FROM organisations WHERE id = $1 OR parent_id = $1) ORDER BY id`,
    [p.orgId],
  );
}

// ---------------------------------------------------------------- avtal

export interface Avtal {
  id: string;
  title: string;
  purchaserOrgId: string;
  providerOrgId: string;
  validFrom: string | null;
  validTo: string | null;
}

const AVTAL_COLUMNS = `id, title, purchaser_org_id AS "purchaserOrgId", provider_org_id AS "providerOrgId",
  to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo"`;

function avtalAccessSql(p: Principal): string {
  if (p.role === "utforare") return "provider_org_id = $1";
  if (p.role === "controller") return "purchaser_org_id = $1";
  return "false";
}

export async function listAvtal(db: Db, p: Principal): Promise<Avtal[]> {
  requireRole(p, "utforare", "controller");
  return db.query<Avtal>(`SELECT ${AVTAL_COLUMNS} FROM avtal WHERE ${avtalAccessSql(p)} ORDER BY id`, [
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

// ---------------------------------------------------------------- workbooks

export interface Workbook {
  id: string;
  title: string;
  providerOrgId: string;
  purchaserOrgId: string;
  avtalId: string | null;
  templateId: string;
  templateVersion: string;
  createdAt: string;
}

const WB_COLUMNS = `w.id, w.title, w.provider_org_id AS "providerOrgId", w.purchaser_org_id AS "purchaserOrgId",
  w.avtal_id AS "avtalId", w.template_id AS "templateId", w.template_version AS "templateVersion", w.created_at AS "createdAt"`;

function toWorkbook(r: Workbook): Workbook {
  return { ...r, createdAt: new Date(r.createdAt).toISOString() };
}

export async function listWorkbooks(db: Db, p: Principal): Promise<Workbook[]> {
  if (!canUseWorkbooks(p)) throw forbidden("Din roll har inte tillgång till arbetsböcker.");
  const rows = await db.query<Workbook>(
    `SELECT ${WB_COLUMNS} FROM workbooks w WHERE ${workbookAccessSql(p, "$1")} ORDER BY w.created_at, w.id`,
    [p.orgId],
  );
  return rows.map(toWorkbook);
}

export async function getWorkbook(q: Queryable, p: Principal, id: string): Promise<Workbook> {
  if (!canUseWorkbooks(p)) throw forbidden("Din roll har inte tillgång till arbetsböcker.");
  const rows = await q.query<Workbook>(
    `SELECT ${WB_COLUMNS} FROM workbooks w WHERE w.id = $2 AND (${workbookAccessSql(p, "$1")})`,
    [p.orgId, id],
  );
  if (rows.length === 0) throw notFound("Arbetsboken");
  return toWorkbook(rows[0]);
}

export interface NewWorkbook {
  title: string;
  templateId: string;
  templateVersion: string;
  /** utforare: the receiving region/municipality. */
  purchaserOrgId?: string;
  /** controller: the provider who fills it in. */
  providerOrgId?: string;
  avtalId?: string;
}

export async function createWorkbook(db: Db, p: Principal, w: NewWorkbook): Promise<Workbook> {
  requireRole(p, "utforare", "controller");
  return db.transaction(async (tx) => {
    let provider: string;
    let purchaser: string;
    if (p.role === "utforare") {
      provider = p.orgId;
      if (!w.purchaserOrgId)
        throw badRequest("missing_purchaser", "Ange mottagande region eller kommun (purchaserOrgId).");
      purchaser = w.purchaserOrgId;
      const org = await getOrganisation(tx, purchaser);
      if (!org || org.kind === "utforare") throw notFound(`Organisationen ${purchaser}`);
    } else {
      purchaser = p.orgId;
      if (!w.providerOrgId) throw badRequest("missing_provider", "Ange utföraren (providerOrgId).");
      provider = w.providerOrgId;
      const org = await getOrganisation(tx, provider);
      if (!org || org.kind !== "utforare") throw notFound(`Utföraren ${provider}`);
    }
    if (w.avtalId) {
      const a = await tx.query(
        `SELECT 1 FROM avtal WHERE id = $1 AND provider_org_id = $2 AND purchaser_org_id = $3`,
        [w.avtalId, provider, purchaser],
      );
      if (a.length === 0) throw notFound("Avtalet");
    }
    const id = `wb-${randomBytes(8).toString("hex")}`;
    await tx.query(
      `INSERT INTO workbooks (id, title, provider_org_id, purchaser_org_id, avtal_id, template_id, template_version, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, w.title, provider, purchaser, w.avtalId ?? null, w.templateId, w.templateVersion, p.userId],
    );
    const wb = await getWorkbook(tx, p, id);
    await audit(tx, {
      userId: p.userId,
      orgId: p.orgId,
      action: "workbook.create",
      entity: "workbook",
      entityId: id,
      newValue: wb,
    });
    return wb;
  });
}

export interface StoredCell {
  sheet: string;
  cell: string;
  value: CellValue;
  version: number;
}

/** A workbook's cells plus the change-log cursor they are consistent with (one snapshot). */
export async function readCells(
  db: Db,
  p: Principal,
  id: string,
): Promise<{ cells: StoredCell[]; cursor: string }> {
  await assertWorkbookAccess(db, p, id);
  const [r] = await db.query<{ head: string; cells: StoredCell[] | string }>(
    `SELECT (SELECT coalesce(max(seq), 0) FROM changes)::text AS head,
            coalesce((SELECT json_agg(json_build_object('sheet', sheet, 'cell', cell, 'value', value, 'version', version)
                                      ORDER BY sheet, cell)
                      FROM cells WHERE workbook_id = $1), '[]'::json) AS cells`,
    [id],
  );
  const cells = typeof r.cells === "string" ? (JSON.parse(r.cells) as StoredCell[]) : r.cells;
  return { cells, cursor: r.head };
}

// ---------------------------------------------------------------- submissions and receipts

export interface Verdict {
  status: "godkand" | "varningar" | "fel";
  errorCount: number;
  warningCount: number;
  findings: unknown[];
}

export interface Receipt {
  receivingOrgId: string;
  seq: number;
  submissionId: string;
  workbookId: string;
  issuedAt: string;
  submitterUserId: string;
  submitterName: string;
  contentSha256: string;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = "0".repeat(64);

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The hash that links a receipt into its organisation's chain. */
export function receiptHash(r: Omit<Receipt, "hash" | "workbookId">): string {
  return sha256Hex(
    canonicalJson({
      receivingOrgId: r.receivingOrgId,
      seq: r.seq,
      submissionId: r.submissionId,
      issuedAt: r.issuedAt,
      submitterUserId: r.submitterUserId,
      submitterName: r.submitterName,
      contentSha256: r.contentSha256,
      prevHash: r.prevHash,
    }),
  );
}

export async function submitWorkbook(
  db: Db,
  p: Principal,
  workbookId: string,
  verdict: Verdict,
): Promise<{ submissionId: string; receipt: Receipt; serverVerdict: Verdict }> {
  requireRole(p, "utforare", "controller");
  if (p.role !== "utforare") throw forbidden("Bara utföraren lämnar in sin arbetsbok.");
  return db.transaction(async (tx) => {
    const wb = await getWorkbook(tx, p, workbookId);
    // Serialise receipts per receiving organisation (the chain must not fork).
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('receipts:' || $1))", [wb.purchaserOrgId]);
    const cells = await tx.query<StoredCell>(
      `SELECT sheet, cell, value, version FROM cells WHERE workbook_id = $1 ORDER BY sheet, cell`,
      [workbookId],
    );
    const content = {
      workbookId,
      templateId: wb.templateId,
      templateVersion: wb.templateVersion,
      providerOrgId: wb.providerOrgId,
      purchaserOrgId: wb.purchaserOrgId,
      cells,
      // The server's own validation of exactly these cells (the client's verdict is kept beside
      // it as claimed); both are covered by the content hash in the receipt.
      serverVerdict: serverVerdict(wb.templateId, wb.templateVersion, cells),
    };
    const contentSha256 = sha256Hex(canonicalJson({ content, verdict }));
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
    const prev = await tx.query<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM receipts WHERE receiving_org_id = $1 ORDER BY seq DESC LIMIT 1`,
      [wb.purchaserOrgId],
    );
    const base = {
      receivingOrgId: wb.purchaserOrgId,
      seq: prev.length ? Number(prev[0].seq) + 1 : 1,
      submissionId: sub.id,
      issuedAt,
      submitterUserId: p.userId,
      submitterName: p.name,
      contentSha256,
      prevHash: prev.length ? prev[0].hash : GENESIS_HASH,
    };
    const receipt: Receipt = { ...base, workbookId, hash: receiptHash(base) };
    await tx.query(
      `INSERT INTO receipts (receiving_org_id, seq, submission_id, issued_at, submitter_user_id, submitter_name,
                             content_sha256, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        receipt.receivingOrgId,
        receipt.seq,
        receipt.submissionId,
        receipt.issuedAt,
        receipt.submitterUserId,
        receipt.submitterName,
        receipt.contentSha256,
        receipt.prevHash,
        receipt.hash,
      ],
    );
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

const RECEIPT_SELECT = `SELECT r.receiving_org_id AS "receivingOrgId", r.seq, r.submission_id::text AS "submissionId",
  s.workbook_id AS "workbookId", r.issued_at AS "issuedAt", r.submitter_user_id::text AS "submitterUserId",
  r.submitter_name AS "submitterName", r.content_sha256 AS "contentSha256", r.prev_hash AS "prevHash", r.hash
  FROM receipts r JOIN submissions s ON s.id = r.submission_id`;

function toReceipt(r: Receipt): Receipt {
  return { ...r, seq: Number(r.seq), issuedAt: new Date(r.issuedAt).toISOString() };
}

export async function listSubmissions(db: Db, p: Principal, workbookId: string): Promise<Receipt[]> {
  await assertWorkbookAccess(db, p, workbookId);
  const rows = await db.query<Receipt>(`${RECEIPT_SELECT} WHERE s.workbook_id = $1 ORDER BY r.seq`, [
    workbookId,
  ]);
  return rows.map(toReceipt);
}

export interface ChainVerification {
  receivingOrgId: string;
  count: number;
  ok: boolean;
  problems: string[];
}

/** Recompute every receipt's hash, link and content hash. No principal: CLI/revisor use. */
export async function verifyReceiptChains(q: Queryable, orgId?: string): Promise<ChainVerification[]> {
  const rows = (
    await q.query<Receipt & { content: unknown; verdict: unknown }>(
      `${RECEIPT_SELECT.replace("FROM receipts r", ", s.content, s.verdict FROM receipts r")}
       ${orgId ? "WHERE r.receiving_org_id = $1" : ""} ORDER BY r.receiving_org_id, r.seq`,
      orgId ? [orgId] : [],
    )
  ).map((r) => ({ ...toReceipt(r), content: r.content, verdict: r.verdict }));
  const byOrg = new Map<string, typeof rows>();
  for (const r of rows) byOrg.set(r.receivingOrgId, [...(byOrg.get(r.receivingOrgId) ?? []), r]);
  const out: ChainVerification[] = [];
  for (const [org, chain] of byOrg) {
    const problems: string[] = [];
    let prevHash = GENESIS_HASH;
    chain.forEach((r, i) => {
      if (r.seq !== i + 1)
        problems.push(`Kvitto ${r.seq}: löpnumret borde vara ${i + 1} (kvitto saknas eller dubblerat).`);
      if (r.prevHash !== prevHash)
        problems.push(`Kvitto ${r.seq}: länken till föregående kvitto stämmer inte.`);
      if (receiptHash(r) !== r.hash)
        problems.push(`Kvitto ${r.seq}: kvittots hash stämmer inte (kvittot är ändrat).`);
      const contentHash = sha256Hex(canonicalJson({ content: r.content, verdict: r.verdict }));
      if (contentHash !== r.contentSha256) {
        problems.push(
          `Kvitto ${r.seq}: inlämningens innehåll stämmer inte med kvittots SHA-256 (innehållet är ändrat).`,
        );
      }
      prevHash = r.hash;
    });
    out.push({ receivingOrgId: org, count: chain.length, ok: problems.length === 0, problems });
  }
  return out;
}

export async function verifyReceiptsFor(db: Db, p: Principal): Promise<ChainVerification> {
  requireRole(p, "controller", "admin");
  const [r] = await verifyReceiptChains(db, p.orgId);
  return r ?? { receivingOrgId: p.orgId, count: 0, ok: true, problems: [] };
}

// ---------------------------------------------------------------- cost keys

export interface CostKeyVersion {
  id: string;
  versionNo: number;
  status: "draft" | "proposed" | "active" | "superseded";
  basis: string;
  note: string;
  weights: Array<{ orgId: string; weight: number; share: number }>;
  createdBy: string | null;
  createdAt: string;
  proposedBy: string | null;
  proposedAt: string | null;
  activatedAt: string | null;
  supersededAt: string | null;
  approvals: Array<{ orgId: string; userId: string; userName: string; approvedAt: string }>;
}

export interface CostKey {
  id: string;
  name: string;
  versions: CostKeyVersion[];
}

export interface Agreement {
  id: string;
  name: string;
  description: string;
  parties: Array<{ orgId: string; name: string }>;
  keys: CostKey[];
}

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
    const total = r.weights.reduce((s, w) => s + Number(w.weight), 0);
    return {
      id: r.id,
      keyId: r.key_id,
      versionNo: Number(r.version_no),
      status: r.status,
      basis: r.basis,
      note: r.note,
      weights: r.weights.map((w) => ({
        orgId: w.orgId,
        weight: Number(w.weight),
        share: total > 0 ? Number(w.weight) / total : 0,
      })),
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

/** The key (and its agreement's parties) if the finance user's org is a party; else 404. */
async function keyForFinance(
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
  const key = await keyForFinance(q, p, rows[0].key_id).catch((err) => {
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

export async function createDraft(
  db: Db,
  p: Principal,
  keyId: string,
  d: { basis: string; note?: string; weights: Array<{ orgId: string; weight: number }> },
): Promise<CostKeyVersion> {
  return db.transaction(async (tx) => {
    const key = await keyForFinance(tx, p, keyId);
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

/**
 * The audit trail of the admin's own organisation (and providers it registered), newest first:
 * audit_log events merged with cell edits from the (append-only) change log.
 */
export async function readAuditLog(db: Db, p: Principal, limit: number): Promise<unknown[]> {
  requireRole(p, "admin");
  const orgs = "SELECT id FROM organisations WHERE id = $1 OR parent_id = $1";
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

// ---------------------------------------------------------------- deviation responses

/** A provider's justification of a contract deviation and the purchaser's decision on it. */
/** A deviation response as the API returns it (the reply schema's type). */
export type DeviationResponse = z.infer<typeof DeviationResponseSchema>;

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
    if (p.role !== "utforare") throw forbidden("Bara utföraren skriver förklaringar till avvikelser.");
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
    if (p.role !== "controller")
      throw forbidden("Bara den mottagande regionens eller kommunens controller bedömer förklaringar.");
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
