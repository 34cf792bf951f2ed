/** Organisations: regions, municipalities and the providers they registered. */
import { z } from "zod";
import { endpoint } from "./endpoint";
import { OrgIdSchema, Text } from "./common";

export const OrgKindSchema = z.enum(["region", "kommun", "utforare"]);
export type OrgKind = z.infer<typeof OrgKindSchema>;

export const OrganisationSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: OrgKindSchema,
  parentId: z.string().nullable(),
});
export type Organisation = z.infer<typeof OrganisationSchema>;

export const NewOrganisationSchema = z.object({
  id: OrgIdSchema,
  name: Text(200, "Namnet"),
  kind: z.literal("utforare"),
});

export const listOrganisations = endpoint({
  method: "get",
  path: "/api/organisations",
  summary: "Organisationer (admin: egen och registrerade utförare)",
  description: "Lista",
  status: 200,
  response: z.array(OrganisationSchema),
});

export const createOrganisation = endpoint({
  method: "post",
  path: "/api/organisations",
  summary: "Registrera en utförare (admin)",
  description: "Skapad",
  status: 201,
  body: NewOrganisationSchema,
  response: OrganisationSchema,
});
