/**
 * One large push with every kind of outcome mixed (replays, new cells, the client's own chains,
 * stale edits with equal and other values, workbooks the user may not write, repeated cells),
 * checked mutation by mutation against the in-memory reference server (src/sync/memoryServer.ts)
 * and row by row in the change log, cells, conflicts and audit log. Both SQL shapes of the push
 * are covered: every cell once in the batch, and cells repeated within the batch.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../src/server/auth";
import type { Db } from "../../src/server/db";
import { openStore, DEV_PROVIDER_ORG } from "../../src/server/index";
import { applyPush, encodeBatch } from "../../src/server/sync";
import { MemorySyncServer } from "../../src/sync/memoryServer";
import type { CellValue, Mutation, MutationOutcome, PushResponse } from "../../src/sync/protocol";
import { databaseTargets } from "../support/env";
import { dropSchema, newSchemaName } from "./helpers";

const REJECTION = {
  code: "not_found",
  reason: "Arbetsboken finns inte eller så saknar du behörighet till den.",
};
const OTHER_ORG = "559200-0006";
const AUTHORED = "2026-01-15T10:00:00.000Z";

function mut(
  clientId: string,
  mutationId: number,
  workbookId: string,
  cell: string,
  baseVersion: number,
  value: CellValue,
  sheet = "Volymer",
): Mutation {
  return { clientId, mutationId, workbookId, sheet, cell, baseVersion, value, authoredAt: AUTHORED };
}

describe("encodeBatch", () => {
  it("sends each workbook id and authoring time once and tells whether every cell occurs once", () => {
    const a = mut("c", 1, "wb-1", "A1", 0, 1);
    const b = { ...mut("c", 2, "wb-2", "A1", 0, 2), authoredAt: "2026-01-15T10:00:00.001Z" };
    const c = mut("c", 3, "wb-1", "A2", 0, "x", "Ekonomi");
    const batch = encodeBatch([a, b, c]);
    expect(batch.workbooks).toEqual(["wb-1", "wb-2"]);
    expect(batch.workbookIndex).toEqual([1, 2, 1]);
    expect(batch.authoredTimes).toEqual([AUTHORED, "2026-01-15T10:00:00.001Z"]);
    expect(batch.authoredIndex).toEqual([1, 2, 1]);
    expect(batch.values).toEqual(["1", "2", '"x"']);
    expect(batch.distinctCells).toBe(true);
    expect(encodeBatch([a, b, c, mut("c", 4, "wb-1", "A1", 0, 5)]).distinctCells).toBe(false);
    // Same address on another sheet or in another workbook is another cell.
    expect(encodeBatch([a, mut("c", 2, "wb-1", "A1", 0, 1, "Ekonomi")]).distinctCells).toBe(true);
  });
});

for (const target of databaseTargets()) {
  describe(`push av en stor blandad sats (${target.name})`, () => {
    let db: Db;
    let dir: string;
    let schema: string | undefined;
    let p: Principal;
    let round = 0;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), "uppf-push-batch-"));
      schema = target.databaseUrl ? newSchemaName("push_batch") : undefined;
      db = await openStore({
        dataDir: dir,
        databaseUrl: target.databaseUrl,
        databaseSchema: schema,
        seedDevUsers: true,
      });
      const [u] = await db.query<{ id: string; name: string }>(
        `SELECT id::text, name FROM users WHERE role = 'utforare' AND org_id = $1 LIMIT 1`,
        [DEV_PROVIDER_ORG.id],
      );
      p = { userId: u.id, name: u.name, role: "utforare", orgId: DEV_PROVIDER_ORG.id };
      await db.query(
        `INSERT INTO organisations (id, name, kind, parent_id) VALUES ($1, 'Annan utförare AB', 'utforare', '04')`,
        [OTHER_ORG],
      );
    });
    afterAll(async () => {
      await db?.close();
      if (target.databaseUrl && schema) await dropSchema(target.databaseUrl, schema);
      rmSync(dir, { recursive: true, force: true });
    });

    const newWorkbook = async (providerOrg: string): Promise<string> => {
      const id = `wb-batch-${target.name}-${++round}-${providerOrg.slice(0, 6)}`;
      await db.query(
        `INSERT INTO workbooks (id, title, provider_org_id, purchaser_org_id, template_id, template_version, created_by)
         VALUES ($1, 'sats', $2, '04', 'uppf-mall', '1.0.0', $3)`,
        [id, providerOrg, p.userId],
      );
      return id;
    };

    /**
     * Pushes `pre` (each [clientId, mutations]) and then `batch` to the store and to the reference
     * server, and checks the big push's outcomes and rows. Returns the store's outcomes.
     */
    async function pushBoth(
      pre: Array<[string, Mutation[]]>,
      clientId: string,
      batch: Mutation[],
      deniedWorkbooks: Set<string>,
    ): Promise<MutationOutcome[]> {
      const ref = new MemorySyncServer({
        authorizeWrite: (_user, m) => (deniedWorkbooks.has(m.workbookId) ? REJECTION : null),
      });
      // The protocol caps a request at 1000 mutations; the reference applies mutations one by
      // one, so a batch in parts of 1000 is the same as one batch there.
      const refPush = (c: string, muts: Mutation[]): PushResponse => {
        const out: PushResponse = { outcomes: [], lastMutationId: ref.lastMutationId(c) };
        for (let i = 0; i < muts.length; i += 1000) {
          const r = ref.push(p.userId, { clientId: c, mutations: muts.slice(i, i + 1000) });
          out.outcomes.push(...r.outcomes);
          out.lastMutationId = r.lastMutationId;
        }
        return out;
      };
      // Reference seq → store seq, for "applied at the current version" of a cell written before.
      const seqMap = new Map<string, string>();
      for (const [c, muts] of pre) {
        const got = await applyPush(db, p, c, muts);
        const want = refPush(c, muts);
        expect(got.outcomes.map((o) => o.status)).toEqual(want.outcomes.map((o) => o.status));
        want.outcomes.forEach((o, i) => {
          const g = got.outcomes[i];
          if (o.status === "applied" && g.status === "applied") seqMap.set(o.seq, g.seq);
        });
      }
      const [{ head }] = await db.query<{ head: string }>(
        `SELECT coalesce(max(seq), 0)::text AS head FROM changes`,
      );
      const [{ audits }] = await db.query<{ audits: string }>(
        `SELECT coalesce(max(id), 0)::text AS audits FROM audit_log`,
      );

      const got = await applyPush(db, p, clientId, batch);
      const want = refPush(clientId, batch);

      expect(got.lastMutationId).toBe(want.lastMutationId);
      expect(got.outcomes).toHaveLength(batch.length);
      let lastNewSeq = BigInt(head);
      const newApplied: Array<{ m: Mutation; version: number; seq: string }> = [];
      for (let i = 0; i < batch.length; i++) {
        const g = got.outcomes[i];
        const w = want.outcomes[i];
        expect(g.mutationId).toBe(batch[i].mutationId);
        if (w.status === "applied" && g.status === "applied") {
          expect(g.version, `mutation ${w.mutationId}`).toBe(w.version);
          const before = seqMap.get(w.seq);
          if (before !== undefined) {
            expect(g.seq, `mutation ${w.mutationId}`).toBe(before);
          } else {
            // A new change: after everything before the push, in batch order.
            expect(BigInt(g.seq) > lastNewSeq, `mutation ${w.mutationId}`).toBe(true);
            lastNewSeq = BigInt(g.seq);
            newApplied.push({ m: batch[i], version: g.version, seq: g.seq });
          }
        } else {
          expect(g, `mutation ${w.mutationId}`).toEqual(w);
        }
      }

      // The change log holds exactly the new applications, in batch order, with old → new.
      const changes = await db.query<{
        seq: string;
        mutation_id: string;
        sheet: string;
        cell: string;
        value: CellValue;
        version: number;
        old_value: CellValue | null;
        client_id: string;
        user_id: string;
        org_id: string;
        authored_at: string;
      }>(
        `SELECT seq::text, mutation_id::text, sheet, cell, value, version, old_value, client_id, user_id::text,
                org_id, authored_at
         FROM changes ch WHERE ch.seq > $1::bigint ORDER BY ch.seq`,
        [head],
      );
      expect(changes.map((c) => [c.seq, Number(c.mutation_id), c.version])).toEqual(
        newApplied.map((a) => [a.seq, a.m.mutationId, a.version]),
      );
      const previous = new Map<string, CellValue | null>();
      for (const [, muts] of pre) {
        for (const m of muts) previous.set(`${m.workbookId}!${m.sheet}!${m.cell}`, m.value);
      }
      // Every pre-push mutation was applied, so a cell's old value is its latest pre-push value or
      // the previous application of it in this batch.
      const byId = new Map(batch.map((m) => [m.mutationId, m]));
      for (const c of changes) {
        const key = `${byId.get(Number(c.mutation_id))!.workbookId}!${c.sheet}!${c.cell}`;
        expect(c.old_value, `change ${c.seq}`).toEqual(previous.get(key) ?? null);
        previous.set(key, c.value);
        expect([c.client_id, c.user_id, c.org_id]).toEqual([clientId, p.userId, p.orgId]);
        expect(new Date(c.authored_at).toISOString()).toBe(AUTHORED);
      }

      // The cells now hold what the reference server holds.
      for (const wb of new Set(batch.map((m) => m.workbookId))) {
        const cells = await db.query<{ sheet: string; cell: string; value: CellValue; version: number }>(
          `SELECT sheet, cell, value, version FROM cells WHERE workbook_id = $1`,
          [wb],
        );
        const stored = new Map(
          cells.map((c) => [`${c.sheet}!${c.cell}`, { value: c.value, version: c.version }]),
        );
        const expected = new Map(
          [...ref.cells(wb)].map(([k, c]) => [k, { value: c.value, version: c.version }]),
        );
        expect(stored).toEqual(expected);
      }

      // Conflicts are recorded once each; conflicts and rejections are audited in batch order.
      const conflicts = await db.query<{ mutation_id: string; server_version: number }>(
        `SELECT mutation_id::text, server_version FROM sync_conflicts sc WHERE sc.client_id = $1 ORDER BY sc.mutation_id`,
        [clientId],
      );
      const wantConflicts = ref.conflicts.filter((c) => c.clientId === clientId);
      expect(conflicts.map((c) => [Number(c.mutation_id), c.server_version])).toEqual(
        wantConflicts.map((c) => [c.mutationId, c.serverVersion]),
      );
      const auditRows = await db.query<{ mutation_id: string; outcome: string }>(
        `SELECT mutation_id::text, outcome FROM audit_log
         WHERE id > $1::bigint AND action = 'sync.push' AND entity = 'cell' ORDER BY audit_log.id`,
        [audits],
      );
      expect(auditRows.map((a) => [Number(a.mutation_id), a.outcome])).toEqual(
        want.outcomes
          .filter((o) => o.status === "conflict" || o.status === "rejected")
          .map((o) => [o.mutationId, o.status === "conflict" ? "conflict" : "denied"]),
      );
      return got.outcomes;
    }

    /** Builds the pre-state and a 10 000-mutation batch; `repeat` adds cells edited twice in it. */
    async function scenario(repeat: boolean) {
      const wb = await newWorkbook(DEV_PROVIDER_ORG.id);
      const foreign = await newWorkbook(OTHER_ORG);
      const missing = `wb-finns-inte-${round}`;
      const a = `client-a-${round}`;
      const b = `client-b-${round}`;
      // Before: client B wrote P1..P2600, client A wrote Q1..Q1300 (A's last id 1300).
      const byB = Array.from({ length: 2600 }, (_, i) => mut(b, i + 1, wb, `P${i + 1}`, 0, i));
      const byA = Array.from({ length: 1300 }, (_, i) => mut(a, i + 1, wb, `Q${i + 1}`, 0, `q${i}`));
      const batch: Mutation[] = [];
      // Replays of A's last ten mutations: duplicates.
      for (let i = 1290; i < 1300; i++) batch.push(byA[i]);
      let id = 1300;
      let n = 0;
      while (batch.length < 10_000) {
        const k = n++;
        // Which P or Q cell: each at most once, or (repeat) each case's cells again every 1000.
        const i = repeat ? (k % 1000) + 1 : Math.floor(k / 8) + 1;
        switch (k % 8) {
          case 0: // a new cell
          case 1:
            batch.push(mut(a, ++id, wb, `N${k + 1}`, 0, k % 3 === 0 ? `text ${k}` : k * 0.5));
            break;
          case 2: // B's cell, stale, another value → conflict; or the same value → applied, nothing written
            batch.push(mut(a, ++id, wb, `P${i}`, 0, k % 16 === 2 ? i - 1 : -k));
            break;
          case 3: // B's cell at its current version → applied (version 2)
            if (k < 8000) batch.push(mut(a, ++id, wb, `P${1300 + i}`, 1, true));
            else batch.push(mut(a, ++id, wb, `R${k + 1}`, 0, null));
            break;
          case 4: // A's own cell, based on a version before its own edit → applied (own chain)
            batch.push(mut(a, ++id, wb, `Q${i}`, k % 16 === 4 ? 0 : 1, k));
            break;
          case 5: // a workbook A may not write, or one that does not exist → rejected
            batch.push(mut(a, ++id, k % 16 === 5 ? foreign : missing, `A${k + 1}`, 0, k));
            break;
          case 6: // a cell B never wrote with a base version the server never had → conflict
            batch.push(mut(a, ++id, wb, `S${k + 1}`, 2, k));
            break;
          case 7: // another sheet; with `repeat`, the new cell of case 0 edited again in this batch
            if (repeat && k % 16 === 7) batch.push(mut(a, ++id, wb, `N${k - 6}`, 0, `again ${k}`));
            else batch.push(mut(a, ++id, wb, `N${k + 1}`, 0, k, "Ekonomi"));
            break;
        }
      }
      expect(encodeBatch(batch.slice(10)).distinctCells).toBe(!repeat);
      const outcomes = await pushBoth(
        [
          [b, byB],
          [a, byA],
        ],
        a,
        batch,
        new Set([foreign, missing]),
      );
      const count = (s: MutationOutcome["status"]) => outcomes.filter((o) => o.status === s).length;
      // Every kind occurs (so the comparison above covered them all).
      expect(count("duplicate")).toBe(10);
      expect(count("applied")).toBeGreaterThan(5000);
      expect(count("conflict")).toBeGreaterThan(1000);
      expect(count("rejected")).toBeGreaterThan(1000);
      return outcomes;
    }

    it("gives each of 10 000 mutations, every cell once, the reference server's outcome", async () => {
      await scenario(false);
    });

    it("gives the same when cells are edited several times within the batch", async () => {
      const outcomes = await scenario(true);
      // Repeated new cells get version 2 in this batch.
      expect(outcomes.filter((o) => o.status === "applied" && o.version === 2).length).toBeGreaterThan(500);
    });
  });
}
