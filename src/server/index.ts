/**
 * The shared store server: `startServer` opens the database (PGlite in `dataDir`, or PostgreSQL
 * when `databaseUrl` is set), applies migrations, seeds on first start, and serves the API
 * (and the built add-in from `staticDir`).
 */
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { createApp } from "./app";
import { createAuthenticator, type OidcConfig } from "./auth";
import { openDb, type Db } from "./db";
import { migrate } from "./migrations";
import { seedBaseData, seedDevUsers } from "./seed";

export type { Db, Queryable } from "./db";
export { openDb } from "./db";
export { migrate } from "./migrations";
export { DataDirLockedError } from "./lock";
export {
  DEV_USERS,
  DEV_WORKBOOK_ID,
  DEV_WORKBOOK_ID_2,
  DEV_PROVIDER_ORG,
  DEV_PROVIDER_ORG_2,
  DEV_PROVIDERS,
  SEED_AGREEMENT_ID,
  SEED_COST_KEY_ID,
} from "./seed";
export type { OidcConfig, Principal, Role } from "./auth";

export interface ServerOptions {
  port: number;
  host?: string;
  dataDir: string;
  databaseUrl?: string;
  /** PostgreSQL only: schema to use (created if missing); default the connection's search_path. */
  databaseSchema?: string;
  staticDir?: string;
  tls?: { key: string | Buffer; cert: string | Buffer };
  log?: (line: string) => void;
  /** Create the demo users with fixed tokens (LOCAL/DEMO ONLY). Also on env UPPF_DEV_SEED=1. */
  seedDevUsers?: boolean;
  /** OpenID Connect; defaults from env UPPF_OIDC_ISSUER, UPPF_OIDC_AUDIENCE, UPPF_OIDC_JWKS_URL. */
  oidc?: OidcConfig;
  /** Largest accepted request body; default 10 MiB. */
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  store: "pglite" | "postgres";
  /** The open database (tests and in-process tools; PGlite allows no second opener). */
  db: Db;
  close(): Promise<void>;
}

/** Open the database, migrate and seed (also used by the CLI's user/receipt commands). */
export async function openStore(opts: {
  dataDir: string;
  databaseUrl?: string;
  databaseSchema?: string;
  seedDevUsers?: boolean;
  log?: (line: string) => void;
}): Promise<Db> {
  const db = await openDb({
    dataDir: opts.dataDir,
    databaseUrl: opts.databaseUrl,
    schema: opts.databaseSchema,
  });
  try {
    await migrate(db, opts.log);
    if (await seedBaseData(db))
      opts.log?.("första start: regionerna 04 och 19 och deras fördelningsnyckel har lagts in");
    if (opts.seedDevUsers) {
      await seedDevUsers(db);
      opts.log?.("demoanvändare med fasta token har lagts in (endast för lokal utveckling/demo)");
    }
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

function oidcFromEnv(): OidcConfig | undefined {
  const issuer = process.env.UPPF_OIDC_ISSUER;
  const audience = process.env.UPPF_OIDC_AUDIENCE;
  const jwksUrl = process.env.UPPF_OIDC_JWKS_URL;
  return issuer && audience && jwksUrl ? { issuer, audience, jwksUrl } : undefined;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.log ?? (() => {});
  const db = await openStore({
    dataDir: opts.dataDir,
    databaseUrl: opts.databaseUrl,
    databaseSchema: opts.databaseSchema,
    seedDevUsers: opts.seedDevUsers ?? process.env.UPPF_DEV_SEED === "1",
    log,
  });
  const app = createApp({
    db,
    auth: createAuthenticator(opts.oidc ?? oidcFromEnv()),
    maxBodyBytes: opts.maxBodyBytes ?? 10 * 1024 * 1024,
    log,
  });
  if (opts.staticDir) {
    app.use("/*", serveStatic({ root: opts.staticDir }));
  }

  const host = opts.host ?? "127.0.0.1";
  let server: ServerType;
  const port = await new Promise<number>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server = serve(
      {
        fetch: app.fetch,
        port: opts.port,
        hostname: host,
        ...(opts.tls
          ? { createServer: createHttpsServer, serverOptions: { key: opts.tls.key, cert: opts.tls.cert } }
          : {}),
      },
      (info: AddressInfo) => resolve(info.port),
    );
    server.once("error", onError);
  }).catch(async (err: Error) => {
    await db.close();
    throw new Error(`Kunde inte lyssna på ${host}:${opts.port} / could not listen: ${err.message}`);
  });

  const scheme = opts.tls ? "https" : "http";
  const urlHost = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  const url = `${scheme}://${urlHost}:${port}`;
  log(`servern lyssnar på ${url} (lagring: ${db.kind})`);
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    store: db.kind,
    db,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          const s = server as unknown as { close(cb: () => void): void; closeAllConnections?: () => void };
          s.close(() => resolve());
          s.closeAllConnections?.();
        });
        await db.close();
        log("servern har stängts");
      })();
      return closing;
    },
  };
}
