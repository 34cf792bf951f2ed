/**
 * Whether a workbook is this template at all, before it is reviewed (a file that is not gets
 * OLÄSBAR, not a list of every missing sheet). Hidden sheets, merged inputs and the other
 * structure rules are the domain's (src/domain/validate/integrity.ts), so every review path
 * reports them alike. Pure (browser-safe).
 */
import { findSheet, type WorkbookSnapshot } from "../domain/snapshot";
import { readStamp } from "../domain/validate/read";
import type { TemplateDefinition } from "../domain/template/types";

/**
 * True when the workbook looks like this template: it carries the stamp (defined name or meta
 * sheet), or at least half of the template's sheets are there by name.
 */
export function looksLikeTemplate(snapshot: WorkbookSnapshot, template: TemplateDefinition): boolean {
  if (readStamp(snapshot, template)) return true;
  if (findSheet(snapshot, template.stamp.metaSheet)) return true;
  const present = template.sheets.filter((s) => findSheet(snapshot, s.name)).length;
  return present >= Math.ceil(template.sheets.length / 2);
}
