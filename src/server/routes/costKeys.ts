/** Cost-distribution keys (finance). */
import * as E from "../../api/endpoints";
import { approveVersion, createDraft, listAgreements, proposeVersion } from "../store/costKeys";
import { mount, type App, type RouteDeps } from "./mount";

export function mountCostKeys(app: App, { db }: RouteDeps): void {
  mount(app, E.listCostKeys, ({ principal }) => listAgreements(db, principal));
  mount(app, E.createDraft, ({ principal, params, body }) => createDraft(db, principal, params.keyId, body));
  mount(app, E.proposeVersion, ({ principal, params }) => proposeVersion(db, principal, params.versionId));
  mount(app, E.approveVersion, ({ principal, params }) => approveVersion(db, principal, params.versionId));
}
