/** The sync protocol's two endpoints; the message schemas are src/sync/protocol.ts. */
import {
  PullQuerySchema,
  PullResponseSchema,
  PushRequestSchema,
  PushResponseSchema,
  SYNC_ROUTES,
} from "../sync/protocol";
import { endpoint } from "./endpoint";

export const syncPush = endpoint({
  method: "post",
  path: SYNC_ROUTES.push,
  summary: "Skicka ändringar (idempotent, en transaktion)",
  description: "Utfall per ändring",
  status: 200,
  body: PushRequestSchema,
  response: PushResponseSchema,
});

export const syncPull = endpoint({
  method: "get",
  path: SYNC_ROUTES.pull,
  summary: "Hämta ändringar efter en markör",
  description: "En sida ändringar",
  status: 200,
  query: PullQuerySchema,
  response: PullResponseSchema,
});
