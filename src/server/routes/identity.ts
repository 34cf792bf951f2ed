/** Health and the signed-in user. */
import * as E from "../../api/endpoints";
import { getOrganisation } from "../store/organisations";
import { mount, type App, type RouteDeps } from "./mount";

export function mountIdentity(app: App, { db }: RouteDeps): void {
  mount(app, E.health, () => ({ status: "ok" as const, store: db.kind }));
  mount(app, E.me, async ({ principal: p }) => {
    const org = await getOrganisation(db, p.orgId);
    return { ...p, orgName: org?.name ?? p.orgId };
  });
}
