/** Organisations, users and the audit trail (admin). */
import * as E from "../../api/endpoints";
import { readAuditLog } from "../store/auditLog";
import { createOrganisation, listOrganisations } from "../store/organisations";
import { createUser, listUsers } from "../store/users";
import { mount, type App, type RouteDeps } from "./mount";

export function mountAdmin(app: App, { db }: RouteDeps): void {
  mount(app, E.listOrganisations, ({ principal }) => listOrganisations(db, principal));
  mount(app, E.createOrganisation, ({ principal, body }) => createOrganisation(db, principal, body));
  mount(app, E.listUsers, ({ principal }) => listUsers(db, principal));
  mount(app, E.createUser, ({ principal, body }) =>
    createUser(db, principal, { ...body, noToken: !body.withToken }),
  );
  mount(
    app,
    E.readAudit,
    async ({ principal, query }) =>
      (await readAuditLog(db, principal, query.limit)) as Record<string, unknown>[],
  );
}
