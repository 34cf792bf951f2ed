/**
 * A file's identity: which template version it is and which shared workbook in the store it is
 * bound to. The binding is the workbook id in the template's very hidden meta sheet
 * (`_uppf_meta!B5`, {@link TemplateStamp.workbookIdCell}); a round's personalised template carries
 * it from the start, and the task pane writes it when it creates or links a shared workbook. A file
 * syncs only with the workbook its binding names — never with "the user's first workbook".
 */
import { getCell, type WorkbookSnapshot } from "./snapshot";
import { LATEST_TEMPLATE } from "./template/registry";
import { parseTemplateStamp, type TemplateDefinition } from "./template/types";
import { readStamp } from "./validate/read";

/** Shared workbook ids as the store issues them (also the sync protocol's WorkbookIdSchema). */
export const WORKBOOK_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export interface FileBinding {
  templateId: string;
  version: string;
  /** The shared workbook the file is bound to; null = not bound (blank template or a copy without id). */
  workbookId: string | null;
  /** Text found in the workbook-id cell that is not a valid id (a damaged or hand-edited binding). */
  invalidWorkbookId?: string;
}

/**
 * The file's template stamp and workbook binding, or undefined when the file carries no template
 * stamp (not a template file). Stamp and binding live in the same meta sheet in every version.
 */
export function readFileBinding(
  snapshot: WorkbookSnapshot,
  template: TemplateDefinition = LATEST_TEMPLATE,
): FileBinding | undefined {
  const stamp = readStamp(snapshot, template);
  if (!stamp || !parseTemplateStamp(`${stamp.id}@${stamp.version}`)) return undefined;
  const raw = getCell(snapshot, template.stamp.metaSheet, template.stamp.workbookIdCell);
  const text = typeof raw === "string" ? raw.trim() : raw === null || raw === undefined ? "" : String(raw);
  if (text === "") return { templateId: stamp.id, version: stamp.version, workbookId: null };
  if (!WORKBOOK_ID_PATTERN.test(text)) {
    return { templateId: stamp.id, version: stamp.version, workbookId: null, invalidWorkbookId: text };
  }
  return { templateId: stamp.id, version: stamp.version, workbookId: text };
}
