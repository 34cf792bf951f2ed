/**
 * Migrating a submitted workbook (snapshot) from its template version to a later one: read the
 * raw input values where the old version keeps them, carry them over with the migration steps,
 * and lay them out as the new version does (computed cells re-evaluated, stamp updated).
 */
import { isCellError, type CellValue, type SnapshotValue, type WorkbookSnapshot } from "./snapshot";
import { getTemplate, migrateSubmission, TEMPLATES, type MigrationResult } from "./template/registry";
import { snapshotFromValues, type FieldValues } from "./template/values";
import { templateStamp, type TemplateDefinition } from "./template/types";
import { checkIntegrity } from "./validate/integrity";
import { rawAt, readStamp } from "./validate/read";

/**
 * The raw input values of a snapshot by field key, read where the template (or, for moved rows and
 * renamed sheets, the integrity check) says they are. Formula errors are kept as their error text.
 */
export function rawFieldValues(snapshot: WorkbookSnapshot, template: TemplateDefinition): FieldValues {
  const { addresses } = checkIntegrity(snapshot, template, TEMPLATES, false);
  const out: FieldValues = {};
  for (const f of template.fields) {
    const a = addresses.get(f.key) ?? f;
    const v: SnapshotValue | undefined = rawAt(snapshot, a.sheet, a.cell);
    out[f.key] = v === undefined ? null : isCellError(v) ? v.code : (v as CellValue);
  }
  return out;
}

/** Result of {@link migrateSnapshot}. */
export interface SnapshotMigration extends MigrationResult {
  snapshot: WorkbookSnapshot;
}

/**
 * Migrate a workbook snapshot to `to` (default: the newest version). The source version is read
 * from the workbook's stamp. Throws with a Swedish message when the stamp is missing or unknown,
 * or when no migration path exists.
 */
export function migrateSnapshot(
  snapshot: WorkbookSnapshot,
  to: TemplateDefinition = TEMPLATES[TEMPLATES.length - 1],
  registry: readonly TemplateDefinition[] = TEMPLATES,
): SnapshotMigration {
  const stamp = readStamp(snapshot, to);
  if (!stamp) throw new Error("Arbetsboken saknar mallens stämpel; den kan inte uppgraderas automatiskt");
  const from =
    registry.find((t) => t.id === stamp.id && t.version === stamp.version) ??
    getTemplate(stamp.id, stamp.version);
  if (!from)
    throw new Error(
      `Mallversionen ${stamp.id}@${stamp.version} är okänd; den kan inte uppgraderas till ${templateStamp(to)}`,
    );
  const result = migrateSubmission(rawFieldValues(snapshot, from), from, to);
  return { ...result, snapshot: snapshotFromValues(to, result.values) };
}
