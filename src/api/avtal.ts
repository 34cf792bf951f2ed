/** Avtal registered in the store (purchaser ↔ provider). */
import { z } from "zod";
import { endpoint } from "./endpoint";
import { DateSchema, OrgIdSchema, Text } from "./common";

export const AvtalSchema = z.object({
  id: z.string(),
  title: z.string(),
  purchaserOrgId: z.string(),
  providerOrgId: z.string(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
});
export type Avtal = z.infer<typeof AvtalSchema>;

export const NewAvtalSchema = z.object({
  title: Text(300, "Avtalets titel"),
  providerOrgId: OrgIdSchema,
  validFrom: DateSchema.optional(),
  validTo: DateSchema.optional(),
});

export const listAvtal = endpoint({
  method: "get",
  path: "/api/avtal",
  summary: "Avtal (utförare: egna; controller: regionens)",
  description: "Lista",
  status: 200,
  response: z.array(AvtalSchema),
});

export const createAvtal = endpoint({
  method: "post",
  path: "/api/avtal",
  summary: "Registrera avtal (controller)",
  description: "Skapat",
  status: 201,
  body: NewAvtalSchema,
  response: AvtalSchema,
});
