/**
 * The stored input values of a shared workbook: the ONE place submissions, the server's verdict and
 * reviews read what the store holds for a workbook (issue 13 moves storage from cell addresses to
 * template field keys behind these functions).
 */
import type { CellValue } from "../../sync/protocol";
import { getTemplate, snapshotFromValues, type SnapshotValue, type WorkbookSnapshot } from "../../domain";
import type { Queryable } from "../db";

export interface StoredCell {
  sheet: string;
  cell: string;
  value: CellValue;
  version: number;
}

/** All stored values of a workbook and the change-log cursor they match (one statement). */
export async function readStoredCells(
  q: Queryable,
  workbookId: string,
): Promise<{ cells: StoredCell[]; cursor: string }> {
  const [r] = await q.query<{ head: string; cells: StoredCell[] | string }>(
    `SELECT (SELECT coalesce(max(seq), 0) FROM changes)::text AS head,
            coalesce((SELECT json_agg(json_build_object('sheet', sheet, 'cell', cell, 'value', value, 'version', version)
                                      ORDER BY sheet, cell)
                      FROM cells WHERE workbook_id = $1), '[]'::json) AS cells`,
    [workbookId],
  );
  const cells = typeof r.cells === "string" ? (JSON.parse(r.cells) as StoredCell[]) : r.cells;
  return { cells, cursor: r.head };
}

/**
 * The stored values as a workbook snapshot of the template version: inputs at the template's
 * addresses, computed cells from the inputs. Undefined when the template is unknown.
 */
export function snapshotOfStored(
  templateId: string,
  templateVersion: string,
  cells: ReadonlyArray<{ sheet: string; cell: string; value: CellValue }>,
): WorkbookSnapshot | undefined {
  const template = getTemplate(templateId, templateVersion);
  if (!template) return undefined;
  const byAddress = new Map(cells.map((c) => [`${c.sheet}!${c.cell}`, c.value]));
  const values: Record<string, SnapshotValue> = {};
  for (const f of template.fields) {
    const v = byAddress.get(`${f.sheet}!${f.cell}`);
    if (v !== undefined) values[f.key] = v;
  }
  return snapshotFromValues(template, values);
}

/** A workbook's stored values and their snapshot (undefined snapshot: unknown template). */
export async function loadWorkbookValues(
  q: Queryable,
  wb: { id: string; templateId: string; templateVersion: string },
): Promise<{ cells: StoredCell[]; snapshot: WorkbookSnapshot | undefined }> {
  const rows = await q.query<StoredCell>(
    `SELECT sheet, cell, value, version FROM cells WHERE workbook_id = $1 ORDER BY sheet, cell`,
    [wb.id],
  );
  return { cells: rows, snapshot: snapshotOfStored(wb.templateId, wb.templateVersion, rows) };
}

/** The stored values of a workbook as a snapshot (undefined: the workbook or its template is unknown). */
export async function loadWorkbookSnapshot(
  q: Queryable,
  workbookId: string,
): Promise<WorkbookSnapshot | undefined> {
  const [wb] = await q.query<{ id: string; templateId: string; templateVersion: string }>(
    `SELECT id, template_id AS "templateId", template_version AS "templateVersion" FROM workbooks WHERE id = $1`,
    [workbookId],
  );
  if (!wb) return undefined;
  return (await loadWorkbookValues(q, wb)).snapshot;
}
