/** The sync protocol's push and pull. */
import * as E from "../../api/endpoints";
import { applyPush, pull } from "../sync";
import { mount, type App, type RouteDeps } from "./mount";

export function mountSync(app: App, { db }: RouteDeps): void {
  mount(app, E.syncPush, ({ principal, body }) => applyPush(db, principal, body.clientId, body.mutations));
  mount(app, E.syncPull, ({ principal, query }) => pull(db, principal, query));
}
