/**
 * Every schema migration, in version order. Version numbers are reserved per piece of work so
 * parallel branches never collide: 1–9 base, 10–19 sync, 20–29 follow-up rounds, 30–39 finance,
 * 40–49 publication, 50–59 security. Each file holds one migration; add a file and list it here.
 */
import { migration as m0001 } from "./0001-initial";
import { migration as m0002 } from "./0002-deviation-responses";
import { migration as m0003 } from "./0003-workbook-identity";
import type { Migration } from "./types";

export type { Migration } from "./types";
export { migrate, splitStatements } from "./run";

export const MIGRATIONS: Migration[] = [m0001, m0002, m0003].sort((a, b) => a.version - b.version);
