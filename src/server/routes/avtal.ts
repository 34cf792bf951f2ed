/** Avtal registered in the store. */
import * as E from "../../api/endpoints";
import { createAvtal, listAvtal } from "../store/avtal";
import { mount, type App, type RouteDeps } from "./mount";

export function mountAvtal(app: App, { db }: RouteDeps): void {
  mount(app, E.listAvtal, ({ principal }) => listAvtal(db, principal));
  mount(app, E.createAvtal, ({ principal, body }) => createAvtal(db, principal, body));
}
