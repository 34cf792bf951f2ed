/** Submissions (inlämningar) with receipts in a hash chain per receiving organisation. */
import { z } from "zod";
import { CellAddressSchema, CellValueSchema, SheetNameSchema } from "../sync/protocol";
import { endpoint } from "./endpoint";
import { WorkbookIdParamSchema } from "./workbooks";

export const VerdictStatusSchema = z.enum(["godkand", "varningar", "fel"]);

export const VerdictSchema = z.object({
  status: VerdictStatusSchema,
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
export type Verdict = z.infer<typeof VerdictSchema>;

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
export type Receipt = z.infer<typeof ReceiptSchema>;

export const ServerVerdictSchema = z.object({
  status: VerdictStatusSchema,
  errorCount: z.number().int().nonnegative(),
  warningCount: z.number().int().nonnegative(),
  findings: z.array(z.unknown()),
});
export type ServerVerdict = z.infer<typeof ServerVerdictSchema>;

export const SubmissionCreatedSchema = z.object({
  submissionId: z.string(),
  receipt: ReceiptSchema,
  /** The server's own validation of the stored values (the request's verdict is what the client claimed). */
  serverVerdict: ServerVerdictSchema,
});

export const ChainVerificationSchema = z.object({
  receivingOrgId: z.string(),
  count: z.number().int(),
  ok: z.boolean(),
  problems: z.array(z.string()),
});
export type ChainVerification = z.infer<typeof ChainVerificationSchema>;

export const submitWorkbook = endpoint({
  method: "post",
  path: "/api/workbooks/{id}/submissions",
  summary: "Lämna in arbetsboken (utförare); ger ett kvitto i hashkedjan",
  description: "Inlämnad",
  status: 201,
  params: WorkbookIdParamSchema,
  body: SubmitSchema,
  response: SubmissionCreatedSchema,
});

export const listSubmissions = endpoint({
  method: "get",
  path: "/api/workbooks/{id}/submissions",
  summary: "Inlämningar och kvitton för arbetsboken",
  description: "Kvitton",
  status: 200,
  params: WorkbookIdParamSchema,
  response: z.array(ReceiptSchema),
});

export const verifyReceipts = endpoint({
  method: "get",
  path: "/api/receipts/verify",
  summary: "Kontrollera den egna organisationens kvittokedja (controller, admin)",
  description: "Resultat",
  status: 200,
  response: ChainVerificationSchema,
});
