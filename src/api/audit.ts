/** The audit trail (admin). */
import { z } from "zod";
import { endpoint } from "./endpoint";

export const AuditQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
export const AuditEntrySchema = z.record(z.string(), z.unknown());

export const readAudit = endpoint({
  method: "get",
  path: "/api/audit",
  summary: "Revisionslogg för den egna organisationen (admin)",
  description: "Händelser, nyast först",
  status: 200,
  query: AuditQuerySchema,
  response: z.array(AuditEntrySchema),
});
