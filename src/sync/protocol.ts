/**
 * The sync protocol between the task pane (client) and the shared store (server).
 * These zod schemas are the single source of truth: the server validates requests with them,
 * the client validates replies with them, and the OpenAPI document is generated from them.
 *
 * Model: server-authoritative, idempotent push of cell mutations; pull of the change log by cursor.
 */
import { z } from "zod";

/** A cell value as stored and synced: what Excel can hold in a cell (formula errors as "#REF!" text). */
export const CellValueSchema = z.union([z.string().max(32_767), z.number(), z.boolean(), z.null()]);
export type CellValue = z.infer<typeof CellValueSchema>;

/** Excel's rules for sheet names: 1–31 characters, none of : \ / ? * [ ]. */
export const SheetNameSchema = z
  .string()
  .min(1, "Bladnamnet är tomt")
  .max(31, "Bladnamnet är längre än 31 tecken")
  .regex(/^[^:\\/?*[\]]+$/, "Bladnamnet innehåller ett tecken som Excel inte tillåter (: \\ / ? * [ ])");

/** A single-cell A1 address, column A..XFD, row 1..1048576. */
export const CellAddressSchema = z
  .string()
  .regex(/^[A-Z]{1,3}[1-9][0-9]{0,6}$/, "Celladressen ska vara på formen A1 (t.ex. C12)");

export const ClientIdSchema = z
  .string()
  .min(8, "Klient-id är för kort")
  .max(64, "Klient-id är för långt")
  .regex(/^[A-Za-z0-9_-]+$/, "Klient-id får bara innehålla A–Z, a–z, 0–9, _ och -");

export const WorkbookIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "Arbetsboks-id får bara innehålla A–Z, a–z, 0–9, _, . och -");

export const MutationSchema = z.object({
  clientId: ClientIdSchema,
  /** Strictly increasing per client; the server remembers the last one it processed. */
  mutationId: z.number().int().positive(),
  workbookId: WorkbookIdSchema,
  sheet: SheetNameSchema,
  cell: CellAddressSchema,
  /** The cell version the client's edit was based on (0 = the cell did not exist). */
  baseVersion: z.number().int().nonnegative(),
  value: CellValueSchema,
  /** When the user made the edit, on the client's clock (informational; ordering is the server's). */
  authoredAt: z.iso.datetime({ offset: true }),
});
export type Mutation = z.infer<typeof MutationSchema>;

export const MAX_PUSH_BATCH = 1000;

export const PushRequestSchema = z
  .object({
    clientId: ClientIdSchema,
    mutations: z.array(MutationSchema).min(1).max(MAX_PUSH_BATCH),
  })
  .superRefine((req, ctx) => {
    let previous = 0;
    req.mutations.forEach((m, i) => {
      if (m.clientId !== req.clientId) {
        ctx.addIssue({
          code: "custom",
          path: ["mutations", i, "clientId"],
          message: "Alla ändringar i en sändning ska komma från samma klient",
        });
      }
      if (m.mutationId <= previous) {
        ctx.addIssue({
          code: "custom",
          path: ["mutations", i, "mutationId"],
          message: "Ändrings-id ska öka inom en sändning",
        });
      }
      previous = m.mutationId;
    });
  });
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const MutationOutcomeSchema = z.discriminatedUnion("status", [
  z.object({
    mutationId: z.number().int().positive(),
    status: z.literal("applied"),
    /** The cell's new version. */
    version: z.number().int().positive(),
    seq: z.string(),
  }),
  z.object({
    mutationId: z.number().int().positive(),
    /** Already processed earlier (a repeated push): nothing was done again. */
    status: z.literal("duplicate"),
  }),
  z.object({
    mutationId: z.number().int().positive(),
    /** The base version was stale and the values differ: not applied, recorded as a conflict. */
    status: z.literal("conflict"),
    serverValue: CellValueSchema,
    serverVersion: z.number().int().nonnegative(),
  }),
  z.object({
    mutationId: z.number().int().positive(),
    status: z.literal("rejected"),
    code: z.string(),
    /** Swedish, for the user. */
    reason: z.string(),
  }),
]);
export type MutationOutcome = z.infer<typeof MutationOutcomeSchema>;

export const PushResponseSchema = z.object({
  outcomes: z.array(MutationOutcomeSchema),
  /** The highest mutation id the server has processed for this client. */
  lastMutationId: z.number().int().nonnegative(),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

/** Opaque cursor into the global change log (a decimal sequence number as text; "0" = from the start). */
export const CursorSchema = z.string().regex(/^[0-9]{1,19}$/, "Markören ska vara ett heltal");

export const MAX_PULL_LIMIT = 5000;

export const PullQuerySchema = z.object({
  since: CursorSchema.default("0"),
  workbookId: WorkbookIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(1000),
});
export type PullQuery = z.infer<typeof PullQuerySchema>;

export const ChangeSchema = z.object({
  seq: CursorSchema,
  workbookId: WorkbookIdSchema,
  sheet: SheetNameSchema,
  cell: CellAddressSchema,
  value: CellValueSchema,
  version: z.number().int().positive(),
  clientId: ClientIdSchema.nullable(),
  mutationId: z.number().int().positive().nullable(),
  authoredAt: z.string().nullable(),
  committedAt: z.string(),
});
export type Change = z.infer<typeof ChangeSchema>;

export const PullResponseSchema = z.object({
  changes: z.array(ChangeSchema),
  /** Pass as `since` next time. */
  cursor: CursorSchema,
  /** More changes are waiting: pull again at once. */
  hasMore: z.boolean(),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;

export const SYNC_ROUTES = {
  push: "/api/sync/push",
  pull: "/api/sync/pull",
} as const;
