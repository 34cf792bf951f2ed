/**
 * `uppf user add` and `uppf org add`: administer the store directly (PGlite in --data-dir, or
 * PostgreSQL when DATABASE_URL is set). `user add` prints a new opaque token once; only its
 * SHA-256 is stored. While a server runs on the same PGlite directory the directory is locked:
 * stop it, or create users through the API (POST /api/users as admin).
 */
import path from "node:path";
import type { Command } from "commander";
import type { Db } from "../../server/db";
import { CliError, UsageError } from "../errors";

const ROLES = ["utforare", "controller", "finance", "admin"] as const;
const KINDS = ["region", "kommun", "utforare"] as const;

export async function withStore<T>(dataDir: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const { openStore } = await import("../../server/index");
  const { DataDirLockedError } = await import("../../server/lock");
  const db = await openStore({
    dataDir: path.resolve(dataDir),
    databaseUrl: process.env.DATABASE_URL || undefined,
  }).catch((e: unknown) => {
    if (e instanceof DataDirLockedError) {
      throw new CliError(
        `${e.message} (Medan servern kör: skapa användare via API:t, POST /api/users som admin.)`,
        2,
      );
    }
    throw e;
  });
  try {
    return await fn(db);
  } catch (e) {
    const { ApiError } = await import("../../server/errors");
    if (e instanceof ApiError) throw new CliError(e.message, 2);
    throw e;
  } finally {
    await db.close();
  }
}

interface UserAddOptions {
  name: string;
  role: string;
  org: string;
  dataDir: string;
  oidcTenant?: string;
  oidcObject?: string;
  quiet?: boolean;
}

interface OrgAddOptions {
  id: string;
  name: string;
  kind: string;
  parent?: string;
  dataDir: string;
}

const ORG_ID = /^(?:[0-9]{2}|[0-9]{4}|[0-9]{6}-[0-9]{4})$/;

export function registerUserCommands(program: Command): void {
  const user = program.command("user").description("användare i den delade lagringen");
  user
    .command("add")
    .description("skapa en användare och skriv ut hennes token (visas bara en gång)")
    .requiredOption("--name <namn>", "användarens namn")
    .requiredOption("--role <roll>", `roll: ${ROLES.join(", ")}`)
    .requiredOption("--org <kod>", "organisationens kod som text (t.ex. 04, 0117, 559100-1234)")
    .option("--oidc-tenant <tid>", "klient-id (tid) för inloggning med OpenID Connect")
    .option("--oidc-object <oid>", "objekt-id (oid) för inloggning med OpenID Connect")
    .option("--data-dir <katalog>", "PGlite-katalogen när DATABASE_URL saknas", "./data")
    .option("-q, --quiet", "skriv bara ut token")
    .action(async (opts: UserAddOptions) => {
      if (!(ROLES as readonly string[]).includes(opts.role)) {
        throw new UsageError(`--role: "${opts.role}" är ingen roll; välj ${ROLES.join(", ")}`);
      }
      if (!ORG_ID.test(opts.org)) {
        throw new UsageError(
          `--org: "${opts.org}" ska vara länskod (04), kommunkod (0117) eller organisationsnummer (NNNNNN-NNNN)`,
        );
      }
      if (!opts.name.trim()) throw new UsageError("--name får inte vara tomt");
      const { insertUser } = await import("../../server/store");
      const r = await withStore(opts.dataDir, (db) =>
        db.transaction((tx) =>
          insertUser(tx, {
            name: opts.name.trim(),
            role: opts.role as (typeof ROLES)[number],
            orgId: opts.org,
            oidcTenantId: opts.oidcTenant,
            oidcObjectId: opts.oidcObject,
          }),
        ),
      );
      if (opts.quiet) {
        console.log(r.token);
        return;
      }
      console.log(
        `Användaren ${r.user.name} (${r.user.role}, organisation ${r.user.orgId}) har skapats med id ${r.user.id}.`,
      );
      console.log("Token (visas bara nu – spara den, endast ett hashvärde lagras):");
      console.log(r.token);
    });

  const org = program.command("org").description("organisationer i den delade lagringen");
  org
    .command("add")
    .description("registrera en organisation (region, kommun eller utförare)")
    .requiredOption("--id <kod>", "kod som text: länskod (04), kommunkod (0117) eller organisationsnummer")
    .requiredOption("--name <namn>", "namn")
    .requiredOption("--kind <typ>", `typ: ${KINDS.join(", ")}`)
    .option("--parent <kod>", "regionen/kommunen som utföraren är registrerad under")
    .option("--data-dir <katalog>", "PGlite-katalogen när DATABASE_URL saknas", "./data")
    .action(async (opts: OrgAddOptions) => {
      if (!(KINDS as readonly string[]).includes(opts.kind)) {
        throw new UsageError(`--kind: "${opts.kind}" är ingen typ; välj ${KINDS.join(", ")}`);
      }
      if (!ORG_ID.test(opts.id)) {
        throw new UsageError(
          `--id: "${opts.id}" ska vara länskod (04), kommunkod (0117) eller organisationsnummer (NNNNNN-NNNN)`,
        );
      }
      const { insertOrganisation } = await import("../../server/store");
      const o = await withStore(opts.dataDir, (db) =>
        db.transaction((tx) =>
          insertOrganisation(tx, {
            id: opts.id,
            name: opts.name.trim(),
            kind: opts.kind as (typeof KINDS)[number],
            parentId: opts.parent,
          }),
        ),
      );
      console.log(`Organisationen ${o.id} ${o.name} (${o.kind}) har registrerats.`);
    });
}
