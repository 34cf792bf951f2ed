/**
 * The real SyncClient against the real server (src/server) over HTTP, on PGlite always and on
 * PostgreSQL when DATABASE_URL is set:
 * - the conformance suite (test/sync/conformance.ts) through HttpSyncTransport;
 * - the server process killed with SIGKILL in the middle of a push: the client retries with
 *   backoff, the restarted server finishes the job, nothing is lost or applied twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_USERS, DEV_WORKBOOK_ID } from "../../src/server/index";
import { SYNC_ROUTES, type Change } from "../../src/sync/protocol";
import { SyncClient } from "../../taskpane/sync/client";
import { HttpSyncTransport } from "../../taskpane/sync/httpTransport";
import { MemorySyncStore } from "../../taskpane/store/memoryStore";
import { databaseTargets } from "../support/env";
import { dropSchema, newSchemaName } from "../server/helpers";
import { runConformance } from "./conformance";
import { SimWorkbook } from "./sim/harness";
import { spawnServerChild, type ServerChild } from "../support/serverChild";

const token = (role: string, org?: string) =>
  DEV_USERS.find((u) => u.role === role && (!org || u.orgId === org))!.token;
const PROVIDER = token("utforare");
const CONTROLLER = token("controller", "04");

type Child = ServerChild;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function spawnServer(port: number, dataDir: string, databaseUrl = "", schema = ""): Promise<Child> {
  const child = await spawnServerChild({ port, dataDir, databaseUrl, schema });
  if (child.error) throw new Error(`servern startade inte: ${child.error}`);
  return child;
}

function killed(c: Child): Promise<void> {
  return new Promise((resolve) => {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) resolve();
    else {
      c.proc.once("exit", () => resolve());
      c.proc.kill("SIGKILL");
    }
  });
}

function transport(
  baseUrl: string,
  userId: string,
  tok: string,
  fetchImpl?: typeof fetch,
): HttpSyncTransport {
  return new HttpSyncTransport({
    baseUrl,
    userId,
    getToken: async () => tok,
    timeoutMs: 15_000,
    fetch: fetchImpl,
  });
}

async function pullAll(t: HttpSyncTransport): Promise<Change[]> {
  const out: Change[] = [];
  let since = "0";
  for (;;) {
    const page = await t.pull({ since, workbookId: DEV_WORKBOOK_ID, limit: 1000 });
    out.push(...page.changes);
    if (!page.hasMore || page.cursor === since) return out;
    since = page.cursor;
  }
}

for (const target of databaseTargets()) {
  describe(`sync client against the real server (${target.name})`, () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "uppf-sync-int-"));
    const schema = target.databaseUrl ? newSchemaName("syncint") : "";
    const children: Child[] = [];
    let port = 0;
    let url = "";

    const start = async () => {
      const c = await spawnServer(port, dataDir, target.databaseUrl ?? "", schema);
      children.push(c);
      url = c.url!;
      return c;
    };

    beforeAll(async () => {
      port = await freePort();
      await start();
    }, 120_000);

    afterAll(async () => {
      for (const c of children) await killed(c);
      if (target.databaseUrl) await dropSchema(target.databaseUrl, schema);
      rmSync(dataDir, { recursive: true, force: true });
    });

    runConformance(`HTTP ${target.name}`, async () => ({
      workbookId: DEV_WORKBOOK_ID,
      // a workbook the provider has no access to (here: one that does not exist)
      foreignWorkbookId: "wb-ingen-atkomst",
      userA: transport(url, "utforare", PROVIDER),
      userB: transport(url, "controller-04", CONTROLLER),
      rawPushA: async (body) => {
        const res = await fetch(`${url}${SYNC_ROUTES.push}`, {
          method: "POST",
          headers: { authorization: `Bearer ${PROVIDER}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        await res.arrayBuffer();
        return res.status;
      },
    }));

    it("SIGKILL in the middle of a push: the client retries, nothing is lost or applied twice", async () => {
      const sheet = `Kill${Date.now().toString(36)}`.slice(0, 31);
      const cells = Array.from({ length: 120 }, (_, i) => ({
        sheet,
        cell: `B${i + 1}`,
        value: `värde ${i + 1}` as string | number,
      }));
      let pushes = 0;
      let crashed: Promise<void> | undefined;
      // Kill the server while the third push is on its way (it may or may not commit).
      const killingFetch: typeof fetch = async (input, init) => {
        if (String(input).includes(SYNC_ROUTES.push) && ++pushes === 3) {
          const victim = children.at(-1)!;
          const response = fetch(input, init);
          crashed = new Promise((r) => setTimeout(r, 3)).then(() => killed(victim));
          return response;
        }
        return fetch(input, init);
      };
      const workbook = new SimWorkbook();
      const client = new SyncClient({
        userId: "utforare",
        workbookId: DEV_WORKBOOK_ID,
        store: new MemorySyncStore("utforare", DEV_WORKBOOK_ID),
        transport: transport(url, "utforare", PROVIDER, killingFetch),
        workbook,
        retryInitialMs: 50,
        retryMaxMs: 400,
        pushBatchSize: 20,
        pullIntervalMs: 60_000,
      });
      await client.start();
      await client.syncNow();
      for (const c of cells) workbook.set(c.sheet, c.cell, c.value);
      await client.noteLocalEdits(cells);
      await client.syncNow();
      expect(crashed).toBeDefined();
      await crashed;
      // down: the edits wait, the status says so
      await client.syncNow();
      expect(client.getStatus().state).toBe("offline");
      expect(client.getStatus().pending).toBeGreaterThan(0);
      await start();
      for (
        let i = 0;
        i < 50 && (client.getStatus().pending > 0 || client.getStatus().state !== "synced");
        i++
      ) {
        client.onFocus();
        await client.syncNow();
      }
      expect(
        client.getStatus(),
        `${JSON.stringify(client.getStatus())}\n${children.at(-1)!.stderr.slice(-3000)}`,
      ).toMatchObject({ state: "synced", pending: 0, conflicts: 0 });
      await client.stop();

      const log = (await pullAll(transport(url, "controller-04", CONTROLLER))).filter(
        (c) => c.sheet === sheet,
      );
      const ids = log.map((c) => c.mutationId);
      expect(new Set(ids).size).toBe(ids.length); // nothing applied twice
      expect(log.every((c) => c.clientId === client.clientId && c.version === 1)).toBe(true);
      expect(new Map(log.map((c) => [c.cell, c.value]))).toEqual(
        new Map(cells.map((c) => [c.cell, c.value])),
      ); // nothing lost

      // another user's pane converges to the same values
      const other = new SimWorkbook();
      const reader = new SyncClient({
        userId: "controller-04",
        workbookId: DEV_WORKBOOK_ID,
        store: new MemorySyncStore("controller-04", DEV_WORKBOOK_ID),
        transport: transport(url, "controller-04", CONTROLLER),
        workbook: other,
      });
      await reader.start();
      await reader.syncNow();
      for (const c of cells) expect(other.get(c.sheet, c.cell)).toBe(c.value);
      await reader.stop();
    }, 120_000);
  });
}
