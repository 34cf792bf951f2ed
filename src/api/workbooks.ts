/**
 * Shared workbooks: one per provider (and unit), avtal, template version and period. A provider's
 * file is bound to exactly one of them through its stamp (src/domain/identity.ts).
 */
import { z } from "zod";
import { CellAddressSchema, CellValueSchema, SheetNameSchema, WorkbookIdSchema } from "../sync/protocol";
import { endpoint } from "./endpoint";
import { OrgIdSchema, Text } from "./common";

export const PeriodTypeSchema = z.enum(["ar", "kvartal", "manad"]);
export type PeriodType = z.infer<typeof PeriodTypeSchema>;

export const WorkbookSchema = z.object({
  id: z.string(),
  title: z.string(),
  providerOrgId: z.string(),
  purchaserOrgId: z.string(),
  avtalId: z.string().nullable(),
  templateId: z.string(),
  templateVersion: z.string(),
  /** The provider's unit (enhet) the workbook reports for; null = the whole organisation. */
  unitName: z.string().nullable(),
  /** The reporting period: year, and quarter (1–4) or month (1–12) when periodType says so. */
  periodYear: z.number().int().nullable(),
  periodType: PeriodTypeSchema.nullable(),
  periodNo: z.number().int().nullable(),
  /** The follow-up round that created it, if any. */
  roundId: z.string().nullable(),
  createdAt: z.string(),
});
export type Workbook = z.infer<typeof WorkbookSchema>;

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
    unitName: Text(200, "Enhetens namn").optional(),
    periodYear: z.number().int().min(2000, "Året ska vara 2000 eller senare").max(2100).optional(),
    periodType: PeriodTypeSchema.optional(),
    periodNo: z.number().int().min(1).max(12).optional(),
  })
  .superRefine((w, ctx) => {
    const max = w.periodType === "kvartal" ? 4 : w.periodType === "manad" ? 12 : 0;
    if (w.periodNo !== undefined && w.periodNo > max) {
      ctx.addIssue({
        code: "custom",
        path: ["periodNo"],
        message:
          max === 0
            ? "Periodnummer anges bara för kvartal (1–4) och månad (1–12)"
            : `Periodnumret ska vara 1–${max} för ${w.periodType}`,
      });
    }
  });
export type NewWorkbook = z.input<typeof NewWorkbookSchema>;

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

export const listWorkbooks = endpoint({
  method: "get",
  path: "/api/workbooks",
  summary: "Arbetsböcker användaren får se",
  description: "Lista",
  status: 200,
  response: z.array(WorkbookSchema),
});

export const createWorkbook = endpoint({
  method: "post",
  path: "/api/workbooks",
  summary: "Skapa arbetsbok (utförare anger mottagare; controller anger utförare)",
  description: "Skapad",
  status: 201,
  body: NewWorkbookSchema,
  response: WorkbookSchema,
});

export const getWorkbook = endpoint({
  method: "get",
  path: "/api/workbooks/{id}",
  summary: "En arbetsbok",
  description: "Arbetsboken",
  status: 200,
  params: WorkbookIdParamSchema,
  response: WorkbookSchema,
});

export const readCells = endpoint({
  method: "get",
  path: "/api/workbooks/{id}/cells",
  summary: "Arbetsbokens celler och markören de motsvarar",
  description: "Celler",
  status: 200,
  params: WorkbookIdParamSchema,
  response: CellsSchema,
});
