/**
 * Uppföljningsmall version 1.1.0: v1.0.0 plus one optional quality measure, appended below the
 * existing Kvalitet rows so that no v1 address moves. A v1 submission migrates by copying every
 * value; the new field starts empty.
 */
import { a1ToPosition } from "../snapshot";
import { SHEETS, TEMPLATE_V1 } from "./v1";
import type { InputField, TemplateDefinition } from "./types";

/** The field added in 1.1.0. */
export const V1_1_ADDED_FIELD_KEY = "kvalitet.utbildad_personal";

/** Build the v1.1.0 definition from v1.0.0. */
export function buildTemplateV1_1(): TemplateDefinition {
  const t: TemplateDefinition = structuredClone(TEMPLATE_V1);
  t.version = "1.1.0";
  const lastRow = Math.max(
    ...t.fields.filter((f) => f.sheet === SHEETS.kvalitet).map((f) => a1ToPosition(f.cell).row + 1),
  );
  const row = lastRow + 1;
  const field: InputField = {
    key: V1_1_ADDED_FIELD_KEY,
    sheet: SHEETS.kvalitet,
    cell: `C${row}`,
    labelCell: `A${row}`,
    label: "Andel personal med relevant utbildning",
    type: "percent",
    unit: "%",
    required: false,
    min: 0,
    max: 1,
    help: "Andel av årsarbetarna med utbildning för yrket.",
    areaHelp: {
      primarvard: "Andel av årsarbetarna med legitimation eller yrkesutbildning för sin tjänst.",
      hemtjanst:
        "Andel av årsarbetarna med undersköterskeutbildning eller annan vård- och omsorgsutbildning.",
      sarskilt_boende:
        "Andel av årsarbetarna med undersköterskeutbildning eller annan vård- och omsorgsutbildning.",
      forskola: "Andel av årsarbetarna med förskollärarexamen eller barnskötarutbildning.",
      grundskola: "Andel av lärarnas årsarbetare med lärarlegitimation och behörighet i ämnet.",
      lss_boende: "Andel av årsarbetarna med utbildning för arbete med funktionsnedsättning.",
    },
  };
  t.fields.push(field);
  return t;
}

/** The v1.1.0 template definition. */
export const TEMPLATE_V1_1: TemplateDefinition = buildTemplateV1_1();
