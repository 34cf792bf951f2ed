/** Health (no sign-in) and the signed-in user. */
import { z } from "zod";
import { endpoint } from "./endpoint";
import { RoleSchema } from "./common";

export const HealthSchema = z.object({ status: z.literal("ok"), store: z.enum(["pglite", "postgres"]) });

export const MeSchema = z.object({
  userId: z.string(),
  name: z.string(),
  role: RoleSchema,
  orgId: z.string(),
  orgName: z.string(),
});
export type Me = z.infer<typeof MeSchema>;

export const health = endpoint({
  method: "get",
  path: "/api/health",
  summary: "Hälsokontroll (ingen inloggning)",
  description: "Servern svarar",
  status: 200,
  response: HealthSchema,
  public: true,
});

export const me = endpoint({
  method: "get",
  path: "/api/me",
  summary: "Den inloggade användaren",
  description: "Användaren",
  status: 200,
  response: MeSchema,
});
