/** zod schemas for the API's requests and replies (the OpenAPI document is generated from them). */
import { z } from "zod";
import { CellAddressSchema, CellValueSchema, SheetNameSchema, WorkbookIdSchema } from "../sync/protocol";
import { getTemplate, TEMPLATES } from "../domain/template";

export const ErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
});

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const Text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} får inte vara tom`)
    .max(max, `${what} är längre än ${max} tecken`)
    // Control characters are never legitimate in names and titles.
    .refine((s) => !hasControlChars(s), `${what} innehåller otillåtna styrtecken`);

/** Organisation codes as text: län "04", kommun "0117", organisationsnummer "556036-0793". */
export const OrgIdSchema = z
  .string()
  .regex(
    /^(?:[0-9]{2}|[0-9]{4}|[0-9]{6}-[0-9]{4})$/,
    "Organisationskoden ska vara länskod (04), kommunkod (0117) eller organisationsnummer (NNNNNN-NNNN)",
  );

export const RoleSchema = z.enum(["utforare", "controller", "finance", "admin"]);

export const HealthSchema = z.object({ status: z.literal("ok"), store: z.enum(["pglite", "postgres"]) });

export const MeSchema = z.object({
  userId: z.string(),
  name: z.string(),
  role: RoleSchema,
  orgId: z.string(),
  orgName: z.string(),
});

export const OrganisationSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["region", "kommun", "utforare"]),
  parentId: z.string().nullable(),
});
export const NewOrganisationSchema = z.object({
  id: OrgIdSchema,
  name: Text(200, "Namnet"),
  kind: z.literal("utforare"),
});

export const UserSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  orgId: z.string(),
  oidcTenantId: z.string().nullable(),
  oidcObjectId: z.string().nullable(),
});
export const NewUserSchema = z.object({
  name: Text(200, "Namnet"),
  role: RoleSchema,
  orgId: OrgIdSchema,
  oidcTenantId: z.string().min(1).max(100).optional(),
  oidcObjectId: z.string().min(1).max(100).optional(),
  /** Create an opaque token for the user (shown once in the reply). */
  withToken: z.boolean().default(true),
});
export const CreatedUserSchema = z.object({ user: UserSchema, token: z.string().nullable() });

const DateSchema = z.iso.date({ message: "Datum ska skrivas ÅÅÅÅ-MM-DD" });
export const AvtalSchema = z.object({
  id: z.string(),
  title: z.string(),
  purchaserOrgId: z.string(),
  providerOrgId: z.string(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
});
export const NewAvtalSchema = z.object({
  title: Text(300, "Avtalets titel"),
  providerOrgId: OrgIdSchema,
  validFrom: DateSchema.optional(),
  validTo: DateSchema.optional(),
});

export const WorkbookSchema = z.object({
  id: z.string(),
  title: z.string(),
  providerOrgId: z.string(),
  purchaserOrgId: z.string(),
  avtalId: z.string().nullable(),
  templateId: z.string(),
  templateVersion: z.string(),
  createdAt: z.string(),
});
export const NewWorkbookSchema = z
  .object({
    title: Text(300, "Arbetsbokens titel"),
    templateId: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, "Mall-id får bara innehålla A–Z, a–z, 0–9, _, . och -"),
    templateVersion: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,32}$/, "Mallversionen får bara innehålla A–Z, a–z, 0–9, _, . och -"),
    purchaserOrgId: OrgIdSchema.optional(),
    providerOrgId: OrgIdSchema.optional(),
    avtalId: z.string().max(64).optional(),
  })
  .refine((w) => getTemplate(w.templateId, w.templateVersion) !== undefined, {
    path: ["templateVersion"],
    message:
      "Okänd mall eller mallversion (kända: " + TEMPLATES.map((t) => `${t.id} ${t.version}`).join(", ") + ")",
  });
export const WorkbookIdParamSchema = z.object({ id: WorkbookIdSchema });
export const CellsSchema = z.object({
  cells: z.array(
    z.object({
      sheet: SheetNameSchema,
      cell: CellAddressSchema,
      value: CellValueSchema,
      version: z.number().int(),
    }),
  ),
  cursor: z.string(),
});

export const VerdictSchema = z.object({
  status: z.enum(["godkand", "varningar", "fel"]),
  errorCount: z.number().int().nonnegative(),
  warningCount: z.number().int().nonnegative(),
  findings: z
    .array(
      z.object({
        sheet: SheetNameSchema.optional(),
        cell: CellAddressSchema.optional(),
        severity: z.enum(["fel", "varning", "info"]),
        message: z.string().max(2000),
        expected: CellValueSchema.optional(),
        actual: CellValueSchema.optional(),
      }),
    )
    .max(10_000)
    .default([]),
});
export const SubmitSchema = z.object({ verdict: VerdictSchema });
export const ReceiptSchema = z.object({
  receivingOrgId: z.string(),
  seq: z.number().int(),
  submissionId: z.string(),
  workbookId: z.string(),
  issuedAt: z.string(),
  submitterUserId: z.string(),
  submitterName: z.string(),
  contentSha256: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});
export const SubmissionCreatedSchema = z.object({
  submissionId: z.string(),
  receipt: ReceiptSchema,
  /** The server's own validation of the stored cells (the request's verdict is what the client claimed). */
  serverVerdict: z.object({
    status: z.enum(["godkand", "varningar", "fel"]),
    errorCount: z.number().int().nonnegative(),
    warningCount: z.number().int().nonnegative(),
    findings: z.array(z.unknown()),
  }),
});
export const ChainVerificationSchema = z.object({
  receivingOrgId: z.string(),
  count: z.number().int(),
  ok: z.boolean(),
  problems: z.array(z.string()),
});

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
export const AgreementSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  parties: z.array(z.object({ orgId: z.string(), name: z.string() })),
  keys: z.array(z.object({ id: z.string(), name: z.string(), versions: z.array(CostKeyVersionSchema) })),
});
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
export const KeyIdParamSchema = z.object({
  keyId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "Ogiltigt nyckel-id"),
});
export const VersionIdParamSchema = z.object({
  versionId: z.string().regex(/^[0-9]{1,18}$/, "Versions-id ska vara ett heltal"),
});

export const AuditQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
export const AuditEntrySchema = z.record(z.string(), z.unknown());

/** Multi-line free text: line breaks and tabs are fine, other control characters are not. */
const LongText = (max: number, what: string) =>
  z
    .string(`${what} ska vara text`)
    .trim()
    .max(max, `${what} är längre än ${max} tecken`)
    .refine((s) => !hasControlChars(s.replace(/[\n\r\t]/g, " ")), `${what} innehåller otillåtna styrtecken`);

/** Avtal ids, versions and clause ids come from the avtal document ("PV-LOV-2024", "2024.2", "6.2"). */
const AvtalToken = (what: string) =>
  z
    .string(`${what} ska vara text`)
    .regex(/^[\p{L}\p{N}_.:-]{1,100}$/u, `${what} får bara innehålla bokstäver, siffror, _, ., : och -`);

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
