/**
 * All known template versions and how to migrate between them.
 */
import { compareVersions, parseTemplateStamp, type TemplateDefinition } from "./types";
import type { FieldValues } from "./values";
import { TEMPLATE_V1 } from "./v1";
import { TEMPLATE_V1_1, V1_1_ADDED_FIELD_KEY } from "./v1_1";

/** Every published version, oldest first. */
export const TEMPLATES: readonly TemplateDefinition[] = [TEMPLATE_V1, TEMPLATE_V1_1];

/** The newest template. */
export const LATEST_TEMPLATE: TemplateDefinition = TEMPLATES[TEMPLATES.length - 1];

/** Look up a template by id and version (or "id@version"). */
export function getTemplate(idOrStamp: string, version?: string): TemplateDefinition | undefined {
  let id = idOrStamp;
  let v = version;
  if (v === undefined) {
    const p = parseTemplateStamp(idOrStamp);
    if (!p) return undefined;
    ({ id, version: v } = p);
  }
  return TEMPLATES.find((t) => t.id === id && t.version === v);
}

/** One migration step between adjacent versions. */
export interface MigrationStep {
  from: string;
  to: string;
  /** old key -> new key */
  renamed: Record<string, string>;
  /** keys that no longer exist (their values are reported as dropped) */
  removed: string[];
  /** keys new in `to` (start empty) */
  added: string[];
  /** Swedish description shown to the user */
  description: string;
}

/** The migration chain. */
export const MIGRATIONS: readonly MigrationStep[] = [
  {
    from: "1.0.0",
    to: "1.1.0",
    renamed: {},
    removed: [],
    added: [V1_1_ADDED_FIELD_KEY],
    description:
      "Version 1.1.0 lägger till måttet ”Andel personal med relevant utbildning” på bladet Kvalitet (frivilligt).",
  },
];

/** Result of {@link migrateSubmission}. */
export interface MigrationResult {
  values: FieldValues;
  from: string;
  to: string;
  steps: MigrationStep[];
  /** Keys whose values could not be carried over (removed fields). */
  dropped: string[];
  /** Swedish notes describing what changed. */
  notes: string[];
}

/**
 * Migrate field values from one template version to a later one, step by step. Throws when no
 * migration path exists (a later template to an earlier one, or a different template id).
 */
export function migrateSubmission(
  values: FieldValues,
  from: TemplateDefinition,
  to: TemplateDefinition,
): MigrationResult {
  if (from.id !== to.id) throw new Error(`Kan inte flytta uppgifter från mallen ${from.id} till ${to.id}`);
  if (compareVersions(from.version, to.version) > 0) {
    throw new Error(`Kan inte nedgradera från version ${from.version} till ${to.version}`);
  }
  let current: FieldValues = { ...values };
  let version = from.version;
  const steps: MigrationStep[] = [];
  const dropped: string[] = [];
  while (version !== to.version) {
    const step = MIGRATIONS.find((m) => m.from === version);
    if (!step) throw new Error(`Det finns ingen migrering från version ${version}`);
    const next: FieldValues = {};
    for (const [k, v] of Object.entries(current)) {
      if (step.removed.includes(k)) {
        if (v !== null && v !== "") dropped.push(k);
        continue;
      }
      next[step.renamed[k] ?? k] = v;
    }
    for (const k of step.added) if (!(k in next)) next[k] = null;
    current = next;
    steps.push(step);
    version = step.to;
  }
  const keep = new Set(to.fields.map((f) => f.key));
  for (const k of Object.keys(current)) if (!keep.has(k)) delete current[k];
  return {
    values: current,
    from: from.version,
    to: to.version,
    steps,
    dropped,
    notes: steps.map((s) => s.description),
  };
}
