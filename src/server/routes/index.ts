/** Every route module; app.ts mounts them in this order. */
import { mountAdmin } from "./admin";
import { mountAvtal } from "./avtal";
import { mountCostKeys } from "./costKeys";
import { mountIdentity } from "./identity";
import type { App, RouteDeps } from "./mount";
import { mountSync } from "./sync";
import { mountWorkbooks } from "./workbooks";

export type { App, Env, RouteDeps } from "./mount";

export const ROUTE_MODULES: ReadonlyArray<(app: App, deps: RouteDeps) => void> = [
  mountIdentity,
  mountAdmin,
  mountAvtal,
  mountWorkbooks,
  mountSync,
  mountCostKeys,
];
