/**
 * Which help text applies where. A field's `help` is written for every area (the generic
 * template shows it); `areaHelp` replaces it for the areas where it would not fit (a patient
 * survey in a preschool's template, a nurse's licence in a school's). The generator, the
 * validator and the task pane all ask here, so they never disagree.
 */
import type { AreaCode, InputField, SheetDef } from "./types";

/** The help text for a field in a template prepared for `area` (generic help without one). */
export function helpFor(field: Pick<InputField, "help" | "areaHelp">, area?: AreaCode | null): string {
  return (area ? field.areaHelp?.[area] : undefined) ?? field.help;
}

/** A sheet's intro in a template prepared for `area`. */
export function introFor(sheet: Pick<SheetDef, "intro" | "areaIntro">, area?: AreaCode | null): string {
  return (area ? sheet.areaIntro?.[area] : undefined) ?? sheet.intro;
}
