/** Users of an organisation (admin). */
import { z } from "zod";
import { endpoint } from "./endpoint";
import { OrgIdSchema, RoleSchema, Text } from "./common";

export const UserSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  orgId: z.string(),
  oidcTenantId: z.string().nullable(),
  oidcObjectId: z.string().nullable(),
});
export type User = z.infer<typeof UserSchema>;

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

export const listUsers = endpoint({
  method: "get",
  path: "/api/users",
  summary: "Användare i den egna organisationen (admin)",
  description: "Lista",
  status: 200,
  response: z.array(UserSchema),
});

export const createUser = endpoint({
  method: "post",
  path: "/api/users",
  summary: "Skapa användare (admin); token visas en gång",
  description: "Skapad",
  status: 201,
  body: NewUserSchema,
  response: CreatedUserSchema,
});
