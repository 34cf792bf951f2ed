/**
 * Shared workbooks: one per provider (and unit), avtal, template version and period. The row is the
 * identity a provider's file is bound to (its id is stamped into the file, src/domain/identity.ts).
 */
import { randomBytes } from "node:crypto";
import type { NewWorkbook, Workbook } from "../../api/workbooks";
import { getTemplate, TEMPLATES } from "../../domain/template";
import { assertWorkbookAccess, requireRole, requireWorkbookRole, workbookReadSql } from "../access";
import { audit } from "../audit";
import type { Principal } from "../auth";
import type { Db, Queryable } from "../db";
import { badRequest, notFound } from "../errors";
import { getOrganisation } from "./organisations";
import { readStoredCells, type StoredCell } from "./workbookValues";

export type { NewWorkbook, Workbook };

/** Columns of a workbook row (alias `w`) in the API's shape. */
export const WB_COLUMNS = `w.id, w.title, w.provider_org_id AS "providerOrgId", w.purchaser_org_id AS "purchaserOrgId",
  w.avtal_id AS "avtalId", w.template_id AS "templateId", w.template_version AS "templateVersion",
  w.unit_name AS "unitName", w.period_year AS "periodYear", w.period_type AS "periodType",
  w.period_no AS "periodNo", w.round_id AS "roundId", w.created_at AS "createdAt"`;

export function toWorkbook(r: Workbook): Workbook {
  return {
    ...r,
    periodYear: r.periodYear === null ? null : Number(r.periodYear),
    periodNo: r.periodNo === null ? null : Number(r.periodNo),
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

export async function listWorkbooks(db: Db, p: Principal): Promise<Workbook[]> {
  requireWorkbookRole(p);
  const rows = await db.query<Workbook>(
    `SELECT ${WB_COLUMNS} FROM workbooks w WHERE ${workbookReadSql(p, "$1")} ORDER BY w.created_at, w.id`,
    [p.orgId],
  );
  return rows.map(toWorkbook);
}

export async function getWorkbook(q: Queryable, p: Principal, id: string): Promise<Workbook> {
  requireWorkbookRole(p);
  const rows = await q.query<Workbook>(
    `SELECT ${WB_COLUMNS} FROM workbooks w WHERE w.id = $2 AND (${workbookReadSql(p, "$1")})`,
    [p.orgId, id],
  );
  if (rows.length === 0) throw notFound("Arbetsboken");
  return toWorkbook(rows[0]);
}

export async function createWorkbook(db: Db, p: Principal, w: NewWorkbook): Promise<Workbook> {
  requireRole(p, "utforare", "controller");
  if (!getTemplate(w.templateId, w.templateVersion)) {
    throw badRequest(
      "unknown_template",
      `Okänd mall eller mallversion ${w.templateId} ${w.templateVersion} (kända: ${TEMPLATES.map((t) => `${t.id} ${t.version}`).join(", ")}).`,
    );
  }
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
      `INSERT INTO workbooks (id, title, provider_org_id, purchaser_org_id, avtal_id, template_id, template_version,
                              created_by, unit_name, period_year, period_type, period_no)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        id,
        w.title,
        provider,
        purchaser,
        w.avtalId ?? null,
        w.templateId,
        w.templateVersion,
        p.userId,
        w.unitName ?? null,
        w.periodYear ?? null,
        w.periodType ?? null,
        w.periodNo ?? null,
      ],
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

/** A workbook's stored cells plus the change-log cursor they are consistent with (one snapshot). */
export async function readCells(
  db: Db,
  p: Principal,
  id: string,
): Promise<{ cells: StoredCell[]; cursor: string }> {
  await assertWorkbookAccess(db, p, id);
  return readStoredCells(db, id);
}
