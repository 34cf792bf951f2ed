/**
 * Test helpers for the store: a server per test file on PGlite (temporary data directory) or on
 * PostgreSQL (a schema of its own, dropped afterwards, so files can run in parallel).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { startServer, type RunningServer, type ServerOptions } from "../../src/server/index";
import { openDb, type Db } from "../../src/server/db";

export interface Target {
  name: "pglite" | "postgres";
  databaseUrl?: string;
}

export interface TestServer {
  server: RunningServer;
  url: string;
  opts: ServerOptions;
  /** Close the server (if still open) and remove its data. */
  cleanup(): Promise<void>;
  /** Open the same database directly (after `server.close()` for PGlite). */
  openDirect(): Promise<Db>;
}

export function newSchemaName(tag: string): string {
  return `t_${tag.replace(/[^a-z0-9_]/g, "_")}_${randomBytes(4).toString("hex")}`;
}

export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

export async function startTestServer(
  target: Target,
  tag: string,
  extra: Partial<ServerOptions> = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `uppf-${tag}-`));
  const schema = target.databaseUrl ? newSchemaName(tag) : undefined;
  const opts: ServerOptions = {
    port: 0,
    dataDir,
    databaseUrl: target.databaseUrl,
    databaseSchema: schema,
    seedDevUsers: true,
    ...extra,
  };
  const server = await startServer(opts);
  let closed = false;
  return {
    server,
    url: server.url,
    opts,
    async cleanup() {
      if (!closed) await server.close();
      closed = true;
      if (target.databaseUrl && schema) await dropSchema(target.databaseUrl, schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
    async openDirect() {
      return openDb({ dataDir, databaseUrl: target.databaseUrl, schema });
    },
  };
}

export const TOKENS = {
  controller04: "uppf-dev-controller-04",
  controller19: "uppf-dev-controller-19",
  utforare: "uppf-dev-utforare",
  finance04: "uppf-dev-finance-04",
  finance19: "uppf-dev-finance-19",
  admin04: "uppf-dev-admin-04",
} as const;

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export function client(baseUrl: string) {
  async function call(
    method: string,
    p: string,
    token?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const h: Record<string, string> = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const r = await fetch(baseUrl + p, { method, headers: h, body: payload });
    const text = await r.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: r.status, body: parsed, text };
  }
  return {
    get: (p: string, token?: string) => call("GET", p, token),
    post: (p: string, token: string | undefined, body?: unknown, headers?: Record<string, string>) =>
      call("POST", p, token, body ?? {}, headers),
    call,
  };
}

export function mutation(
  clientId: string,
  mutationId: number,
  workbookId: string,
  cell: string,
  baseVersion: number,
  value: string | number | boolean | null,
  sheet = "Volymer",
) {
  return {
    clientId,
    mutationId,
    workbookId,
    sheet,
    cell,
    baseVersion,
    value,
    authoredAt: new Date().toISOString(),
  };
}

/** A valid organisationsnummer (Luhn check digit) built from nine digits starting with 5591. */
export function orgnr(seed: number): string {
  const nine = `5591${String(Math.abs(Math.trunc(seed)) % 100_000).padStart(5, "0")}`;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(nine[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return `${nine.slice(0, 6)}-${nine.slice(6)}${(10 - (sum % 10)) % 10}`;
}
