/**
 * Durability: a server process killed with SIGKILL in the middle of writes loses no
 * acknowledged write and corrupts nothing; a retried push is neither lost nor doubled.
 * PGlite: one process per data directory (a second one is refused with a clear message; the
 * lock of a killed process is taken over on restart; a clean stop releases it).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { databaseTargets } from "../support/env";
import { DEV_WORKBOOK_ID } from "../../src/server/index";
import { client, dropSchema, mutation, newSchemaName, TOKENS } from "./helpers";
import { spawnServerChild, type ServerChild } from "../support/serverChild";

type Child = ServerChild;

const spawnServer = (dataDir: string, databaseUrl = "", schema = "") =>
  spawnServerChild({ dataDir, databaseUrl, schema });

const exited = (c: Child) =>
  new Promise<number | null>((resolve) => {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) resolve(c.proc.exitCode);
    else c.proc.once("exit", (code) => resolve(code));
  });

for (const target of databaseTargets()) {
  describe(`hållbarhet vid SIGKILL (${target.name})`, () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "uppf-durability-"));
    const schema = target.databaseUrl ? newSchemaName("durability") : "";
    const children: Child[] = [];
    const start = async () => {
      const c = await spawnServer(dataDir, target.databaseUrl ?? "", schema);
      children.push(c);
      return c;
    };

    afterAll(async () => {
      for (const c of children)
        if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
      if (target.databaseUrl) await dropSchema(target.databaseUrl, schema);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("keeps every acknowledged write across a SIGKILL during concurrent pushes, and retries are not doubled", async () => {
      const first = await start();
      expect(first.error, first.stderr).toBeUndefined();
      if (target.name === "pglite") {
        const second = await start();
        expect(second.error).toMatch(/används redan av en annan uppf-process \(pid \d+\)/);
        expect(second.error).toMatch(/already in use by another uppf process/);
        expect(await exited(second)).toBe(3);
      }
      const api = client(first.url!);
      const acked = new Map<
        string,
        { value: number; version: number; clientId: string; mutationId: number }
      >();
      const inFlight = new Map<string, ReturnType<typeof mutation>[]>();
      let stop = false;
      let ackedPushes = 0;
      const writer = async (w: number) => {
        const clientId = `durable-writer-${w}`;
        let next = 1;
        while (!stop) {
          const batch = Array.from({ length: 5 }, (_, i) =>
            mutation(clientId, next + i, DEV_WORKBOOK_ID, `W${w}${next + i}`, 0, next + i),
          );
          inFlight.set(clientId, batch);
          let r;
          try {
            r = await api.post("/api/sync/push", TOKENS.utforare, { clientId, mutations: batch });
          } catch {
            return; // connection died with the server: this batch is unacknowledged
          }
          if (r.status !== 200) return;
          for (const o of r.body.outcomes) {
            expect(o.status).toBe("applied");
            const m = batch.find((b) => b.mutationId === o.mutationId)!;
            acked.set(`${m.sheet}!${m.cell}`, {
              value: m.value as number,
              version: o.version,
              clientId,
              mutationId: m.mutationId,
            });
          }
          ackedPushes++;
          next += batch.length;
        }
      };
      const writers = [1, 2, 3].map((w) => writer(w));
      while (ackedPushes < 30) await new Promise((r) => setTimeout(r, 5));
      first.proc.kill("SIGKILL");
      await exited(first);
      stop = true;
      await Promise.all(writers);
      expect(acked.size).toBeGreaterThanOrEqual(150);

      // Restart on the same data: the killed process's lock is taken over.
      const again = await start();
      expect(again.error, again.stderr).toBeUndefined();
      const api2 = client(again.url!);
      const cells = await api2.get(`/api/workbooks/${DEV_WORKBOOK_ID}/cells`, TOKENS.utforare);
      expect(cells.status).toBe(200);
      const stored = new Map<string, { value: unknown; version: number }>(
        cells.body.cells.map((c: { sheet: string; cell: string; value: unknown; version: number }) => [
          `${c.sheet}!${c.cell}`,
          c,
        ]),
      );
      for (const [key, a] of acked) {
        expect({ key, ...stored.get(key) }).toMatchObject({ key, value: a.value, version: a.version });
      }
      // The client retries its last (possibly half-done) batch: duplicate or applied, never twice.
      for (const [clientId, batch] of inFlight) {
        const r = await api2.post("/api/sync/push", TOKENS.utforare, { clientId, mutations: batch });
        expect(r.status).toBe(200);
        for (const o of r.body.outcomes) expect(["applied", "duplicate"]).toContain(o.status);
      }
      const pulled = await api2.get(
        `/api/sync/pull?since=0&limit=5000&workbookId=${DEV_WORKBOOK_ID}`,
        TOKENS.utforare,
      );
      const keys = pulled.body.changes.map(
        (c: { clientId: string; mutationId: number }) => `${c.clientId}#${c.mutationId}`,
      );
      expect(new Set(keys).size).toBe(keys.length);
      for (const a of acked.values()) expect(keys).toContain(`${a.clientId}#${a.mutationId}`);
      // Every cell's version is the count of its changes (nothing half-written).
      const perCell = new Map<string, number>();
      for (const c of pulled.body.changes)
        perCell.set(`${c.sheet}!${c.cell}`, (perCell.get(`${c.sheet}!${c.cell}`) ?? 0) + 1);
      const after = await api2.get(`/api/workbooks/${DEV_WORKBOOK_ID}/cells`, TOKENS.utforare);
      for (const c of after.body.cells) expect(c.version).toBe(perCell.get(`${c.sheet}!${c.cell}`));

      // A clean stop (SIGTERM) checkpoints, closes and releases the lock.
      again.proc.kill("SIGTERM");
      expect(await exited(again)).toBe(0);
      if (target.name === "pglite") expect(existsSync(path.join(dataDir, "uppf-server.pid"))).toBe(false);
      const third = await start();
      expect(third.error).toBeUndefined();
      const health = await client(third.url!).get("/api/health");
      expect(health.body).toEqual({ status: "ok", store: target.name });
      third.proc.kill("SIGTERM");
      expect(await exited(third)).toBe(0);
    }, 120_000);
  });
}
