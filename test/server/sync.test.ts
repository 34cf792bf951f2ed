/**
 * Server side of the sync protocol: idempotent push, conflicts, per-mutation authorisation,
 * pull paging and filtering, all validated against the shared zod schemas.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PullResponseSchema, PushResponseSchema } from "../../src/sync/protocol";
import { databaseTargets } from "../support/env";
import { DEV_WORKBOOK_ID } from "../../src/server/index";
import { client, mutation, startTestServer, TOKENS, type TestServer } from "./helpers";

const WB = DEV_WORKBOOK_ID;

for (const target of databaseTargets()) {
  describe(`synk på servern (${target.name})`, () => {
    let ts: TestServer;
    let api: ReturnType<typeof client>;
    let wb2: string;

    beforeAll(async () => {
      ts = await startTestServer(target, "sync");
      api = client(ts.url);
      const r = await api.post("/api/workbooks", TOKENS.controller04, {
        title: "Andra arbetsboken",
        templateId: "uppf-mall",
        templateVersion: "1.0.0",
        providerOrgId: "559100-1234",
      });
      wb2 = r.body.id;
    });
    afterAll(async () => ts?.cleanup());

    const push = async (tok: string, clientId: string, mutations: ReturnType<typeof mutation>[]) => {
      const r = await api.post("/api/sync/push", tok, { clientId, mutations });
      expect(r.status, r.text).toBe(200);
      return PushResponseSchema.parse(r.body);
    };
    const cellsOf = async (id: string) => {
      const r = await api.get(`/api/workbooks/${id}/cells`, TOKENS.controller04);
      return new Map<string, { value: unknown; version: number }>(
        r.body.cells.map((c: { sheet: string; cell: string; value: unknown; version: number }) => [
          `${c.sheet}!${c.cell}`,
          c,
        ]),
      );
    };

    it("applies a batch, and a repeated push is harmless (duplicates, nothing applied twice)", async () => {
      const c = "client-idem-1";
      const batch = [
        mutation(c, 1, WB, "A1", 0, 10),
        mutation(c, 2, WB, "A2", 0, "Hemtjänst"),
        mutation(c, 3, WB, "A3", 0, true),
      ];
      const first = await push(TOKENS.utforare, c, batch);
      expect(first.outcomes.map((o) => o.status)).toEqual(["applied", "applied", "applied"]);
      expect(first.lastMutationId).toBe(3);
      const again = await push(TOKENS.utforare, c, batch);
      expect(again.outcomes.map((o) => o.status)).toEqual(["duplicate", "duplicate", "duplicate"]);
      expect(again.lastMutationId).toBe(3);
      // A retry that overlaps: old ids skipped, new ones applied.
      const overlap = await push(TOKENS.utforare, c, [batch[2], mutation(c, 4, WB, "A4", 0, null)]);
      expect(overlap.outcomes.map((o) => o.status)).toEqual(["duplicate", "applied"]);
      const cells = await cellsOf(WB);
      expect(cells.get("Volymer!A1")).toEqual({ sheet: "Volymer", cell: "A1", value: 10, version: 1 });
      expect(cells.get("Volymer!A3")?.value).toBe(true);
      expect(cells.get("Volymer!A4")?.value).toBeNull();
      const changes = await ts.server.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM changes WHERE client_id = $1`,
        [c],
      );
      expect(Number(changes[0].n)).toBe(4);
    });

    it("stale base version → conflict with the server's value and version; recorded; not applied", async () => {
      const a = "client-conf-a";
      const b = "client-conf-b";
      expect((await push(TOKENS.utforare, a, [mutation(a, 1, WB, "B1", 0, 100)])).outcomes[0]).toMatchObject({
        status: "applied",
        version: 1,
      });
      expect(
        (await push(TOKENS.controller04, b, [mutation(b, 1, WB, "B1", 1, 200)])).outcomes[0],
      ).toMatchObject({ status: "applied", version: 2 });
      const r = await push(TOKENS.utforare, a, [mutation(a, 2, WB, "B1", 1, 150)]);
      expect(r.outcomes[0]).toEqual({
        mutationId: 2,
        status: "conflict",
        serverValue: 200,
        serverVersion: 2,
      });
      expect((await cellsOf(WB)).get("Volymer!B1")).toMatchObject({ value: 200, version: 2 });
      const rec = await ts.server.db.query<{ value: unknown; server_value: unknown; server_version: number }>(
        `SELECT value, server_value, server_version FROM sync_conflicts WHERE client_id = $1 AND mutation_id = 2`,
        [a],
      );
      expect(rec).toEqual([{ value: 150, server_value: 200, server_version: 2 }]);
      // The conflicting mutation counts as processed: a retry is a duplicate, not a second conflict.
      expect((await push(TOKENS.utforare, a, [mutation(a, 2, WB, "B1", 1, 150)])).outcomes[0].status).toBe(
        "duplicate",
      );
      // Resolution is a new mutation on the current version.
      expect((await push(TOKENS.utforare, a, [mutation(a, 3, WB, "B1", 2, 150)])).outcomes[0]).toMatchObject({
        status: "applied",
        version: 3,
      });
    });

    it("stale base version with an equal value is not a conflict", async () => {
      const a = "client-eq-a";
      const b = "client-eq-b";
      await push(TOKENS.utforare, a, [mutation(a, 1, WB, "C1", 0, "lika")]);
      await push(TOKENS.controller04, b, [mutation(b, 1, WB, "C1", 1, "lika")]);
      const r = await push(TOKENS.utforare, a, [mutation(a, 2, WB, "C1", 1, "lika")]);
      expect(r.outcomes[0]).toMatchObject({ status: "applied", version: 2 });
      expect((await cellsOf(WB)).get("Volymer!C1")).toMatchObject({ value: "lika", version: 2 });
    });

    it("a client's own unacknowledged edits of a cell chain without conflicting, in one batch and across batches", async () => {
      const a = "client-own-a";
      const r = await push(TOKENS.utforare, a, [
        mutation(a, 1, WB, "D1", 0, 1),
        mutation(a, 2, WB, "D1", 0, 2),
        mutation(a, 3, WB, "D1", 0, 3),
      ]);
      expect(r.outcomes.map((o) => (o.status === "applied" ? o.version : o.status))).toEqual([1, 2, 3]);
      const r2 = await push(TOKENS.utforare, a, [mutation(a, 4, WB, "D1", 1, 4)]);
      expect(r2.outcomes[0]).toMatchObject({ status: "applied", version: 4 });
      // But once someone else wrote it, the old base is stale.
      const b = "client-own-b";
      await push(TOKENS.controller04, b, [mutation(b, 1, WB, "D1", 4, 5)]);
      const r3 = await push(TOKENS.utforare, a, [mutation(a, 5, WB, "D1", 4, 6)]);
      expect(r3.outcomes[0]).toMatchObject({ status: "conflict", serverValue: 5, serverVersion: 5 });
      const log = await ts.server.db.query<{ old_value: unknown; new_value: unknown }>(
        `SELECT old_value, value AS new_value FROM changes WHERE client_id = $1 ORDER BY mutation_id`,
        [a],
      );
      expect(log.map((l) => [l.old_value, l.new_value])).toEqual([
        [null, 1],
        [1, 2],
        [2, 3],
        [3, 4],
      ]);
      const conflictAudit = await ts.server.db.query<{
        outcome: string;
        old_value: unknown;
        new_value: unknown;
      }>(`SELECT outcome, old_value, new_value FROM audit_log WHERE client_id = $1`, [a]);
      expect(conflictAudit).toEqual([{ outcome: "conflict", old_value: 5, new_value: 6 }]);
    });

    it("a base version the server never had is a conflict, not applied", async () => {
      const a = "client-future";
      const r = await push(TOKENS.utforare, a, [mutation(a, 1, WB, "E1", 7, "x")]);
      expect(r.outcomes[0]).toEqual({
        mutationId: 1,
        status: "conflict",
        serverValue: null,
        serverVersion: 0,
      });
    });

    it("a client id belongs to one user: another user's token cannot push under it", async () => {
      const a = "client-owned-by-utforare";
      await push(TOKENS.utforare, a, [mutation(a, 1, WB, "F1", 0, 1)]);
      const r = await api.post("/api/sync/push", TOKENS.controller04, {
        clientId: a,
        mutations: [mutation(a, 2, WB, "F1", 1, 2)],
      });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe("client_of_other_user");
      expect((await cellsOf(WB)).get("Volymer!F1")?.value).toBe(1);
    });

    it("rejects malformed batches with a message that says where (decreasing ids, mixed clients, bad cells)", async () => {
      const a = "client-bad-batch";
      const r1 = await api.post("/api/sync/push", TOKENS.utforare, {
        clientId: a,
        mutations: [mutation(a, 2, WB, "A1", 0, 1), mutation(a, 1, WB, "A2", 0, 1)],
      });
      expect(r1.status).toBe(400);
      expect(r1.body.message).toContain("mutations.1.mutationId");
      const r2 = await api.post("/api/sync/push", TOKENS.utforare, {
        clientId: a,
        mutations: [{ ...mutation(a, 1, WB, "A1", 0, 1), cell: "1A" }],
      });
      expect(r2.status).toBe(400);
      expect(r2.body.message).toContain("mutations.0.cell");
      const r3 = await api.post("/api/sync/push", TOKENS.utforare, {
        clientId: a,
        mutations: [{ ...mutation(a, 1, WB, "A1", 0, 1), sheet: "Blad[1]" }],
      });
      expect(r3.status).toBe(400);
      expect(r3.body.message).toMatch(/mutations\.0\.sheet: Bladnamnet innehåller/);
    });

    it("pull pages through changes after a cursor, and a workbook filter returns only that workbook", async () => {
      const c = "client-pull-1";
      const muts = Array.from({ length: 25 }, (_, i) =>
        mutation(c, i + 1, i % 2 ? wb2 : WB, `P${i + 1}`, 0, i),
      );
      await push(TOKENS.utforare, c, muts);
      const seen: string[] = [];
      let cursor = "0";
      for (let page = 0; page < 100; page++) {
        const r = await api.get(`/api/sync/pull?since=${cursor}&limit=7`, TOKENS.controller04);
        const body = PullResponseSchema.parse(r.body);
        expect(body.changes.length).toBeLessThanOrEqual(7);
        for (const ch of body.changes) {
          expect(BigInt(ch.seq)).toBeGreaterThan(BigInt(cursor));
          seen.push(ch.seq);
        }
        cursor = body.cursor;
        if (!body.hasMore) break;
      }
      // All the changes, each once, in order.
      const all = await ts.server.db.query<{ s: string }>(
        `SELECT seq::text AS s FROM changes ORDER BY changes.seq`,
      );
      expect(seen).toEqual(all.map((r) => r.s));
      const only2 = PullResponseSchema.parse(
        (await api.get(`/api/sync/pull?since=0&workbookId=${wb2}&limit=5000`, TOKENS.utforare)).body,
      );
      expect(only2.changes.length).toBe(12);
      expect(new Set(only2.changes.map((c) => c.workbookId))).toEqual(new Set([wb2]));
      // Nothing new: an empty page at the same or a later cursor.
      const empty = PullResponseSchema.parse(
        (await api.get(`/api/sync/pull?since=${cursor}`, TOKENS.controller04)).body,
      );
      expect(empty).toEqual({ changes: [], cursor, hasMore: false });
    });

    it("pull validates its query", async () => {
      expect((await api.get("/api/sync/pull?since=abc", TOKENS.utforare)).status).toBe(400);
      expect((await api.get("/api/sync/pull?limit=0", TOKENS.utforare)).status).toBe(400);
      expect((await api.get("/api/sync/pull?limit=999999", TOKENS.utforare)).status).toBe(400);
      expect((await api.get("/api/sync/pull?workbookId=../../etc", TOKENS.utforare)).status).toBe(400);
    });

    it("a full batch of 1000 mutations is applied in one push", async () => {
      const c = "client-big-batch";
      const muts = Array.from({ length: 1000 }, (_, i) =>
        mutation(c, i + 1, wb2, `Q${i + 1}`, 0, i * 1.5, "Stor"),
      );
      const r = await push(TOKENS.utforare, c, muts);
      expect(r.outcomes.every((o) => o.status === "applied")).toBe(true);
      const seqs = r.outcomes.map((o) => (o.status === "applied" ? BigInt(o.seq) : 0n));
      // Change-log order follows the batch order.
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
      const n = await ts.server.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM cells WHERE workbook_id = $1 AND sheet = 'Stor'`,
        [wb2],
      );
      expect(Number(n[0].n)).toBe(1000);
    });

    it("concurrent pushes from two clients to the same cells never lose an update or reuse a version", async () => {
      const a = "client-race-a";
      const b = "client-race-b";
      const cells = Array.from({ length: 20 }, (_, i) => `R${i + 1}`);
      const results = await Promise.all([
        push(
          TOKENS.utforare,
          a,
          cells.map((cell, i) => mutation(a, i + 1, WB, cell, 0, `a${i}`)),
        ),
        push(
          TOKENS.controller04,
          b,
          cells.map((cell, i) => mutation(b, i + 1, WB, cell, 0, `b${i}`)),
        ),
      ]);
      const applied = results.flatMap((r) => r.outcomes.filter((o) => o.status === "applied"));
      const conflicts = results.flatMap((r) => r.outcomes.filter((o) => o.status === "conflict"));
      // Each cell: exactly one writer wins at version 1, the other gets a conflict.
      expect(applied.length).toBe(20);
      expect(conflicts.length).toBe(20);
      const versions = await ts.server.db.query<{ cell: string; version: number }>(
        `SELECT cell, version FROM cells WHERE workbook_id = $1 AND cell = ANY($2::text[])`,
        [WB, cells],
      );
      expect(versions.every((v) => Number(v.version) === 1)).toBe(true);
    });
  });
}
