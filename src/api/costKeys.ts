/** Cost-distribution keys of agreements between regions (finance). */
import { z } from "zod";
import { endpoint } from "./endpoint";
import { OrgIdSchema, Text } from "./common";

export const CostKeyVersionSchema = z.object({
  id: z.string(),
  versionNo: z.number().int(),
  status: z.enum(["draft", "proposed", "active", "superseded"]),
  basis: z.string(),
  note: z.string(),
  weights: z.array(z.object({ orgId: z.string(), weight: z.number(), share: z.number() })),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  proposedBy: z.string().nullable(),
  proposedAt: z.string().nullable(),
  activatedAt: z.string().nullable(),
  supersededAt: z.string().nullable(),
  approvals: z.array(
    z.object({ orgId: z.string(), userId: z.string(), userName: z.string(), approvedAt: z.string() }),
  ),
});
export type CostKeyVersion = z.infer<typeof CostKeyVersionSchema>;

export const CostKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  versions: z.array(CostKeyVersionSchema),
});
export type CostKey = z.infer<typeof CostKeySchema>;

export const AgreementSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  parties: z.array(z.object({ orgId: z.string(), name: z.string() })),
  keys: z.array(CostKeySchema),
});
export type Agreement = z.infer<typeof AgreementSchema>;

export const NewDraftSchema = z.object({
  basis: Text(300, "Underlaget"),
  note: z.string().max(2000).optional(),
  weights: z
    .array(
      z.object({
        orgId: OrgIdSchema,
        weight: z.number().nonnegative("Vikten kan inte vara negativ").finite(),
      }),
    )
    .min(1)
    .max(50),
});
export type NewDraft = z.input<typeof NewDraftSchema>;

export const KeyIdParamSchema = z.object({
  keyId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "Ogiltigt nyckel-id"),
});
export const VersionIdParamSchema = z.object({
  versionId: z.string().regex(/^[0-9]{1,18}$/, "Versions-id ska vara ett heltal"),
});

export const listCostKeys = endpoint({
  method: "get",
  path: "/api/cost-keys",
  summary: "Avtal med fördelningsnycklar där den egna regionen är part (finance)",
  description: "Avtal, nycklar, versioner och godkännanden",
  status: 200,
  response: z.array(AgreementSchema),
});

export const createDraft = endpoint({
  method: "post",
  path: "/api/cost-keys/{keyId}/versions",
  summary: "Nytt utkast av en nyckel (finance)",
  description: "Utkast",
  status: 201,
  params: KeyIdParamSchema,
  body: NewDraftSchema,
  response: CostKeyVersionSchema,
});

export const proposeVersion = endpoint({
  method: "post",
  path: "/api/cost-key-versions/{versionId}/propose",
  summary: "Föreslå ett utkast (finance)",
  description: "Föreslagen",
  status: 200,
  params: VersionIdParamSchema,
  response: CostKeyVersionSchema,
});

export const approveVersion = endpoint({
  method: "post",
  path: "/api/cost-key-versions/{versionId}/approve",
  summary: "Godkänn för den egna regionen (finance); aktiv när alla parter godkänt",
  description: "Version",
  status: 200,
  params: VersionIdParamSchema,
  response: CostKeyVersionSchema,
});
