/** The provider's justifications of contract deviations and the purchaser's decisions on them. */
import { z } from "zod";
import { WorkbookIdSchema } from "../sync/protocol";
import { endpoint } from "./endpoint";
import { AvtalToken, LongText } from "./common";
import { WorkbookIdParamSchema } from "./workbooks";

export const DeviationParamSchema = z.object({
  id: WorkbookIdSchema,
  avtalId: AvtalToken("Avtals-id"),
  clauseId: AvtalToken("Avtalspunkten"),
});

export const DeviationResponseSchema = z.object({
  workbookId: z.string(),
  avtalId: z.string(),
  avtalVersion: z.string(),
  clauseId: z.string(),
  justification: z.string(),
  justifiedBy: z.string(),
  justifiedByName: z.string(),
  justifiedAt: z.string(),
  decision: z.enum(["accepted", "rejected"]).nullable(),
  decisionNote: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
});
export type DeviationResponse = z.infer<typeof DeviationResponseSchema>;

export const JustificationSchema = z.object({
  avtalVersion: AvtalToken("Avtalets version"),
  justification: LongText(4000, "Förklaringen").refine((s) => s.length > 0, "Förklaringen får inte vara tom"),
});

export const DecisionSchema = z.object({
  avtalVersion: AvtalToken("Avtalets version"),
  decision: z.enum(
    ["accepted", "rejected"],
    'Beslutet ska vara "accepted" (godtagen) eller "rejected" (avvisad)',
  ),
  note: LongText(2000, "Kommentaren").optional(),
});

export const listDeviationResponses = endpoint({
  method: "get",
  path: "/api/workbooks/{id}/deviation-responses",
  summary: "Förklaringar till avtalsavvikelser och beslut om dem (utförare, mottagarens controller)",
  description: "Förklaringar och beslut",
  status: 200,
  params: WorkbookIdParamSchema,
  response: z.array(DeviationResponseSchema),
});

export const saveJustification = endpoint({
  method: "put",
  path: "/api/workbooks/{id}/deviation-responses/{avtalId}/{clauseId}",
  summary: "Skriv förklaring till en avvikelse (utförare); ett tidigare beslut nollställs",
  description: "Sparad",
  status: 200,
  params: DeviationParamSchema,
  body: JustificationSchema,
  response: DeviationResponseSchema,
});

export const decideDeviation = endpoint({
  method: "post",
  path: "/api/workbooks/{id}/deviation-responses/{avtalId}/{clauseId}/decision",
  summary: "Godta eller avvisa utförarens förklaring (mottagarens controller)",
  description: "Beslutet",
  status: 200,
  params: DeviationParamSchema,
  body: DecisionSchema,
  response: DeviationResponseSchema,
});
