/**
 * The sync server's conformance suite: the semantics of src/sync/memoryServer.ts (the reference)
 * checked through the SyncTransport interface, so the same tests run against the in-memory
 * server and the real HTTP server (src/server) — call `runConformance` from a test file:
 *
 *   runConformance("HTTP/PGlite", async () => ({ workbookId, userA, userB, ... }));
 *
 * Each test writes to its own sheet (unique name) and only looks at the log after the cursor it
 * saw at its start, so one workbook can be shared by all tests.
 */
import { describe, expect, it, beforeEach, afterEach } from "vitest";
import type { Change, Mutation, PushResponse } from "../../src/sync/protocol";
import { SyncTransportError, type SyncTransport } from "../../src/sync/transport";

export interface ConformanceTarget {
  /** A workbook userA and userB may both read and write. */
  workbookId: string;
  userA: SyncTransport;
  userB: SyncTransport;
  /** A workbook userA may NOT write (optional: rejection tests are skipped without it). */
  foreignWorkbookId?: string;
  /** Send an unvalidated push body as userA and resolve with the HTTP status (optional). */
  rawPushA?: (body: unknown) => Promise<number>;
  dispose?: () => Promise<void>;
}

let counter = 0;
function uniq(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}${counter}`;
}

async function pullAll(
  t: SyncTransport,
  since: string,
  workbookId: string,
  limit = 1000,
): Promise<{ changes: Change[]; cursor: string }> {
  const changes: Change[] = [];
  let cursor = since;
  for (let i = 0; i < 10_000; i++) {
    const page = await t.pull({ since: cursor, workbookId, limit });
    changes.push(...page.changes);
    const advanced = page.cursor !== cursor;
    cursor = page.cursor;
    if (!page.hasMore || !advanced) break;
  }
  return { changes, cursor };
}

export function runConformance(name: string, makeTarget: () => Promise<ConformanceTarget>): void {
  describe(`sync server conformance: ${name}`, () => {
    let target: ConformanceTarget;
    let sheet: string;
    let start: string;
    let clientA: string;
    let clientB: string;

    beforeEach(async () => {
      target = await makeTarget();
      sheet = uniq("K").slice(0, 31);
      clientA = uniq("clientA-");
      clientB = uniq("clientB-");
      start = (await pullAll(target.userA, "0", target.workbookId)).cursor;
    });
    afterEach(async () => {
      await target.dispose?.();
    });

    const mut = (
      clientId: string,
      mutationId: number,
      cell: string,
      baseVersion: number,
      value: Mutation["value"],
      over: Partial<Mutation> = {},
    ): Mutation => ({
      clientId,
      mutationId,
      workbookId: target.workbookId,
      sheet,
      cell,
      baseVersion,
      value,
      authoredAt: "2026-03-01T10:00:00.000Z",
      ...over,
    });
    const push = (t: SyncTransport, clientId: string, mutations: Mutation[]): Promise<PushResponse> =>
      t.push({ clientId, mutations });
    const mine = async (): Promise<Change[]> =>
      (await pullAll(target.userA, start, target.workbookId)).changes.filter((c) => c.sheet === sheet);

    it("applies a new cell at version 1 and logs it once with client and mutation id", async () => {
      const r = await push(target.userA, clientA, [mut(clientA, 1, "B2", 0, 42.5)]);
      expect(r.lastMutationId).toBe(1);
      expect(r.outcomes).toHaveLength(1);
      expect(r.outcomes[0]).toMatchObject({ mutationId: 1, status: "applied", version: 1 });
      const log = await mine();
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({
        workbookId: target.workbookId,
        sheet,
        cell: "B2",
        value: 42.5,
        version: 1,
        clientId: clientA,
        mutationId: 1,
      });
      expect(r.outcomes[0].status === "applied" && r.outcomes[0].seq).toBe(log[0].seq);
      expect(log[0].authoredAt && new Date(log[0].authoredAt).toISOString()).toBe("2026-03-01T10:00:00.000Z");
    });

    it("keeps every value kind exactly (text, numbers, booleans, empty)", async () => {
      const values: Mutation["value"][] = ["åäö ÅÄÖ – 1 234,5", "", 0.1, -17, 1e21, true, false, "#REF!"];
      const r = await push(
        target.userA,
        clientA,
        values.map((v, i) => mut(clientA, i + 1, `A${i + 1}`, 0, v)),
      );
      expect(r.outcomes.every((o) => o.status === "applied")).toBe(true);
      const log = await mine();
      expect(log.map((c) => c.value)).toEqual(values);
      const r2 = await push(target.userA, clientA, [mut(clientA, 20, "A1", 1, null)]);
      expect(r2.outcomes[0]).toMatchObject({ status: "applied", version: 2 });
      expect((await mine()).at(-1)).toMatchObject({ cell: "A1", value: null, version: 2 });
    });

    it("answers a repeated push with duplicates and applies nothing twice", async () => {
      const req = [mut(clientA, 1, "C3", 0, "x"), mut(clientA, 2, "C4", 0, "y")];
      await push(target.userA, clientA, req);
      const again = await push(target.userA, clientA, req);
      expect(again.outcomes.map((o) => o.status)).toEqual(["duplicate", "duplicate"]);
      expect(again.lastMutationId).toBe(2);
      const more = await push(target.userA, clientA, [...req, mut(clientA, 3, "C5", 0, "z")]);
      expect(more.outcomes.map((o) => o.status)).toEqual(["duplicate", "duplicate", "applied"]);
      expect(more.lastMutationId).toBe(3);
      const log = await mine();
      expect(log.map((c) => [c.cell, c.mutationId])).toEqual([
        ["C3", 1],
        ["C4", 2],
        ["C5", 3],
      ]);
    });

    it("accepts gaps in mutation ids; a lower id after a higher one is a duplicate", async () => {
      const r = await push(target.userA, clientA, [
        mut(clientA, 5, "D1", 0, 1),
        mut(clientA, 10, "D2", 0, 2),
      ]);
      expect(r.outcomes.map((o) => o.status)).toEqual(["applied", "applied"]);
      expect(r.lastMutationId).toBe(10);
      const late = await push(target.userA, clientA, [mut(clientA, 7, "D3", 0, 3)]);
      expect(late.outcomes[0].status).toBe("duplicate");
      expect(late.lastMutationId).toBe(10);
      expect((await mine()).map((c) => c.cell)).toEqual(["D1", "D2"]);
    });

    it("records a stale edit with another value as a conflict with the server's value and version", async () => {
      await push(target.userA, clientA, [mut(clientA, 1, "E1", 0, "A:s")]);
      const b = await push(target.userB, clientB, [mut(clientB, 1, "E1", 0, "B:s")]);
      expect(b.outcomes[0]).toEqual({
        mutationId: 1,
        status: "conflict",
        serverValue: "A:s",
        serverVersion: 1,
      });
      expect(b.lastMutationId).toBe(1);
      const log = await mine();
      expect(log.map((c) => c.value)).toEqual(["A:s"]);
      // processed: a repeat is a duplicate, not a second conflict or an application
      const again = await push(target.userB, clientB, [mut(clientB, 1, "E1", 0, "B:s")]);
      expect(again.outcomes[0].status).toBe("duplicate");
      // based on the server's version it applies
      const resolved = await push(target.userB, clientB, [mut(clientB, 2, "E1", 1, "B:s")]);
      expect(resolved.outcomes[0]).toMatchObject({ status: "applied", version: 2 });
    });

    it("reports a conflict for a cell that does not exist when the base version is not 0", async () => {
      const r = await push(target.userA, clientA, [mut(clientA, 1, "E9", 3, "x")]);
      expect(r.outcomes[0]).toEqual({
        mutationId: 1,
        status: "conflict",
        serverValue: null,
        serverVersion: 0,
      });
      expect(await mine()).toEqual([]);
    });

    it("applies a stale edit with the same value as the server's at the current version, writing nothing", async () => {
      const a = await push(target.userA, clientA, [mut(clientA, 1, "F1", 0, 7)]);
      const seq = a.outcomes[0].status === "applied" ? a.outcomes[0].seq : "";
      const b = await push(target.userB, clientB, [mut(clientB, 1, "F1", 0, 7)]);
      expect(b.outcomes[0]).toEqual({ mutationId: 1, status: "applied", version: 1, seq });
      expect((await mine()).map((c) => [c.clientId, c.version])).toEqual([[clientA, 1]]);
    });

    it("applies an edit based on the current version even when the value is unchanged (version bump)", async () => {
      await push(target.userA, clientA, [mut(clientA, 1, "F5", 0, "same")]);
      const r = await push(target.userB, clientB, [mut(clientB, 1, "F5", 1, "same")]);
      expect(r.outcomes[0]).toMatchObject({ status: "applied", version: 2 });
      expect((await mine()).map((c) => c.version)).toEqual([1, 2]);
    });

    it("does not let a client conflict with its own unacknowledged edits of a cell", async () => {
      const r1 = await push(target.userA, clientA, [mut(clientA, 1, "G1", 0, "one")]);
      expect(r1.outcomes[0]).toMatchObject({ status: "applied", version: 1 });
      const r2 = await push(target.userA, clientA, [mut(clientA, 2, "G1", 0, "two")]);
      expect(r2.outcomes[0]).toMatchObject({ status: "applied", version: 2 });
      const both = await push(target.userA, clientA, [
        mut(clientA, 3, "G2", 0, "a"),
        mut(clientA, 4, "G2", 0, "b"),
      ]);
      expect(both.outcomes.map((o) => (o.status === "applied" ? o.version : o.status))).toEqual([1, 2]);
      // once another client wrote the cell, an edit based before that write conflicts
      await push(target.userB, clientB, [mut(clientB, 1, "G1", 2, "B")]);
      const r3 = await push(target.userA, clientA, [mut(clientA, 5, "G1", 1, "three")]);
      expect(r3.outcomes[0]).toEqual({
        mutationId: 5,
        status: "conflict",
        serverValue: "B",
        serverVersion: 3,
      });
      const log = await mine();
      expect(log.filter((c) => c.cell === "G1").map((c) => c.value)).toEqual(["one", "two", "B"]);
      expect(log.filter((c) => c.cell === "G2").map((c) => c.value)).toEqual(["a", "b"]);
    });

    it("applies each mutation of a batch in order with its own outcome", async () => {
      await push(target.userB, clientB, [mut(clientB, 1, "H2", 0, "B")]);
      const r = await push(target.userA, clientA, [
        mut(clientA, 1, "H1", 0, 1),
        mut(clientA, 2, "H2", 0, "A"),
        mut(clientA, 3, "H3", 0, 3),
      ]);
      expect(r.outcomes.map((o) => [o.mutationId, o.status])).toEqual([
        [1, "applied"],
        [2, "conflict"],
        [3, "applied"],
      ]);
      expect(r.lastMutationId).toBe(3);
    });

    it("pages the change log in seq order and the cursor never repeats or skips a change", async () => {
      const n = 7;
      await push(
        target.userA,
        clientA,
        Array.from({ length: n }, (_, i) => mut(clientA, i + 1, `J${i + 1}`, 0, i)),
      );
      const pages: Change[][] = [];
      let cursor = start;
      for (let i = 0; i < 50; i++) {
        const page = await target.userA.pull({ since: cursor, workbookId: target.workbookId, limit: 3 });
        expect(page.changes.length).toBeLessThanOrEqual(3);
        if (page.hasMore) expect(page.changes.length).toBe(3);
        for (const c of page.changes) expect(BigInt(c.seq) > BigInt(cursor)).toBe(true);
        pages.push(page.changes);
        if (page.changes.length) expect(BigInt(page.cursor) >= BigInt(page.changes.at(-1)!.seq)).toBe(true);
        expect(BigInt(page.cursor) >= BigInt(cursor)).toBe(true);
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      const all = pages.flat().filter((c) => c.sheet === sheet);
      expect(all.map((c) => c.value)).toEqual(Array.from({ length: n }, (_, i) => i));
      const seqs = pages.flat().map((c) => BigInt(c.seq));
      for (let i = 1; i < seqs.length; i++) expect(seqs[i] > seqs[i - 1]).toBe(true);
      const after = await target.userA.pull({ since: cursor, workbookId: target.workbookId, limit: 3 });
      expect(after.changes.filter((c) => c.sheet === sheet)).toEqual([]);
      expect(after.hasMore).toBe(false);
      // changes made later come after the cursor
      await push(target.userB, clientB, [mut(clientB, 1, "J1", 1, "later")]);
      const later = (await pullAll(target.userA, cursor, target.workbookId)).changes.filter(
        (c) => c.sheet === sheet,
      );
      expect(later.map((c) => [c.cell, c.value, c.version, c.clientId])).toEqual([
        ["J1", "later", 2, clientB],
      ]);
    });

    it("refuses a client id that belongs to another user", async () => {
      await push(target.userA, clientA, [mut(clientA, 1, "K1", 0, 1)]);
      const err = await push(target.userB, clientA, [mut(clientA, 2, "K1", 1, 2)]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SyncTransportError);
      expect((err as SyncTransportError).kind).toBe("forbidden");
      expect((err as SyncTransportError).status).toBe(403);
      expect((await mine()).map((c) => c.value)).toEqual([1]);
    });

    it("rejects, with a reason, a mutation on a workbook the user may not write, and applies the rest", async (ctx) => {
      if (!target.foreignWorkbookId) ctx.skip();
      const r = await push(target.userA, clientA, [
        mut(clientA, 1, "L1", 0, "ok"),
        mut(clientA, 2, "L1", 0, "no", { workbookId: target.foreignWorkbookId! }),
      ]);
      expect(r.outcomes[0]).toMatchObject({ status: "applied" });
      expect(r.outcomes[1]).toMatchObject({ mutationId: 2, status: "rejected" });
      const rej = r.outcomes[1];
      expect(rej.status === "rejected" && rej.reason.length > 5).toBe(true);
      expect(r.lastMutationId).toBe(2);
    });

    it("answers malformed push bodies with 400 and changes nothing", async (ctx) => {
      if (!target.rawPushA) ctx.skip();
      const good = mut(clientA, 2, "M1", 0, 1);
      const bodies: unknown[] = [
        { clientId: clientA, mutations: [good, { ...good, mutationId: 1, cell: "M2" }] }, // ids must increase
        { clientId: clientA, mutations: [{ ...good, clientId: clientB }] }, // another client's mutation
        { clientId: clientA, mutations: [] },
        { clientId: clientA, mutations: [{ ...good, cell: "m1" }] },
        { clientId: clientA, mutations: [{ ...good, sheet: "Blad[1]" }] },
        { clientId: clientA, mutations: [{ ...good, value: { nested: true } }] },
        { clientId: clientA, mutations: [{ ...good, baseVersion: -1 }] },
        "not json at all",
      ];
      for (const body of bodies) expect(await target.rawPushA!(body)).toBe(400);
      expect(await mine()).toEqual([]);
      const ok = await push(target.userA, clientA, [mut(clientA, 1, "M1", 0, 1)]);
      expect(ok.outcomes[0].status).toBe("applied");
    });
  });
}
