import { describe, expect, it } from "vitest";
import { MemorySyncServer } from "../../src/sync/memoryServer";
import { SyncTransportError } from "../../src/sync/transport";
import { SETTINGS_KEY, SyncClient } from "../../taskpane/sync/client";
import { syncText } from "../../taskpane/sync/messages";
import type { SyncStatus } from "../../taskpane/sync/types";
import { MemorySyncStore } from "../../taskpane/store/memoryStore";
import { SimWorkbook } from "./sim/harness";
import { ControlledTransport, Fixture, WB, type } from "./helpers";

describe("SyncClient: pushing local edits", () => {
  it("pushes an edit eagerly and reports pending, then synced", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    const seen: SyncStatus[] = [];
    a.client.subscribe((s) => seen.push(s));
    await type(a, "Blad1", "B2", 12.5);
    expect(seen.some((s) => s.state === "pending" && s.pending === 1)).toBe(true);
    await a.client.syncNow();
    expect(f.server.cell(WB, "Blad1", "B2")).toMatchObject({ value: 12.5, version: 1 });
    expect(a.client.getStatus()).toMatchObject({ state: "synced", pending: 0, conflicts: 0 });
    expect(a.client.getStatus().lastSyncAt).toBeDefined();
    expect(a.client.cachedCell("Blad1", "B2")).toMatchObject({ value: 12.5, version: 1 });
    // the outbox entry recorded its author
    expect(a.transport.pushes[0].mutations[0]).toMatchObject({
      sheet: "Blad1",
      cell: "B2",
      baseVersion: 0,
      value: 12.5,
    });
  });

  it("coalesces edits of a cell that were not sent yet, and drops an edit that was undone", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    a.transport.online = false;
    await type(a, "Blad1", "A1", 1);
    await a.client.syncNow();
    await type(a, "Blad1", "A1", 2);
    expect(a.client.pendingEdits()).toHaveLength(2); // the first was sent (maybe received): never changed again
    await type(a, "Blad1", "A1", 3);
    expect(a.client.pendingEdits().map((e) => e.value)).toEqual([1, 3]);
    await type(a, "Blad1", "A2", "x");
    await type(a, "Blad1", "A2", null); // undone before it was sent
    expect(a.client.pendingEdits().map((e) => e.cell)).toEqual(["A1", "A1"]);
    a.transport.online = true;
    await a.client.syncNow();
    expect(f.server.cell(WB, "Blad1", "A1")).toMatchObject({ value: 3, version: 2 });
    expect(f.server.cell(WB, "Blad1", "A2")).toBeUndefined();
    expect(a.client.getStatus()).toMatchObject({ state: "synced", pending: 0, conflicts: 0 });
  });

  it("finds edits made while the pane was closed by diffing the workbook against the cache", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    await type(a, "Blad1", "A1", "före");
    await a.client.syncNow();
    await a.client.stop();
    a.workbook.set("Blad1", "A1", "efter");
    a.workbook.set("Volym", "C3", 7);
    const again = f.pane("anna", { workbook: a.workbook, store: a.store, transport: a.transport });
    await again.client.start();
    await again.client.syncNow();
    expect(f.server.cell(WB, "Blad1", "A1")).toMatchObject({ value: "efter", version: 2 });
    expect(f.server.cell(WB, "Volym", "C3")).toMatchObject({ value: 7, version: 1 });
  });

  it("never pushes another user's outbox entries with this user's token", async () => {
    const f = new Fixture();
    const store = new MemorySyncStore("anna", WB);
    const a = await f.started("anna", { store });
    // an entry authored by someone else ended up in this database (must never happen, but if it does…)
    await store.commit({
      putOutbox: [
        {
          mutationId: 99,
          sheet: "Blad1",
          cell: "Z9",
          value: "bertils",
          baseVersion: 0,
          baseValue: null,
          author: "bertil",
          authoredAt: new Date(0).toISOString(),
          sent: false,
        },
      ],
    });
    await a.client.stop();
    const again = f.pane("anna", { workbook: a.workbook, store, transport: a.transport });
    await again.client.start();
    await again.client.syncNow();
    expect(again.transport.pushes.flatMap((p) => p.mutations).some((m) => m.cell === "Z9")).toBe(false);
    expect(f.server.cell(WB, "Blad1", "Z9")).toBeUndefined();
    expect(again.client.getStatus()).toMatchObject({ state: "error", lastError: syncText.foreignAuthor });
    expect(again.client.pendingEdits().map((e) => e.author)).toEqual(["bertil"]); // kept, not dropped
  });

  it("refuses to start with a transport of another user", () => {
    const f = new Fixture();
    expect(
      () =>
        new SyncClient({
          userId: "anna",
          workbookId: WB,
          store: new MemorySyncStore("anna", WB),
          transport: new ControlledTransport(f.server, "bertil"),
          workbook: new SimWorkbook(),
        }),
    ).toThrow(/same user/);
  });

  it("keeps an invalid value visible as a rejected edit instead of blocking the outbox", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    await type(a, "Blad1", "A1", "x".repeat(40_000));
    await type(a, "Blad1", "A2", "ok");
    await a.client.syncNow();
    expect(f.server.cell(WB, "Blad1", "A2")).toMatchObject({ value: "ok" });
    const [r] = a.client.listConflicts();
    expect(r).toMatchObject({ kind: "rejected", sheet: "Blad1", cell: "A1", state: "open" });
    expect(r.reason).toMatch(/32 767/);
    expect(a.client.getStatus().conflicts).toBe(1);
  });
});

describe("SyncClient: pulling", () => {
  it("writes other users' changes to the workbook in one batch and advances the cursor (also in settings)", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    const b = await f.started("bertil");
    for (const [cell, v] of [
      ["A1", 1],
      ["A2", 2],
      ["A3", 3],
    ] as const)
      await type(a, "Blad1", cell, v);
    await a.client.syncNow();
    const before = b.writes;
    b.client.onFocus();
    await b.client.syncNow();
    expect(b.workbook.get("Blad1", "A1")).toBe(1);
    expect(b.workbook.get("Blad1", "A3")).toBe(3);
    expect(b.writes - before).toBe(1);
    expect(b.client.cursor).toBe(f.server.headSeq);
    expect(JSON.parse(b.workbook.settings.get(SETTINGS_KEY)!)).toMatchObject({
      workbookId: WB,
      cursor: f.server.headSeq,
    });
    // nothing echoed back: the add-in's own writes are not edits
    await b.client.noteLocalEdits([{ sheet: "Blad1", cell: "A1", value: 1 }]);
    expect(b.client.pendingEdits()).toEqual([]);
  });

  it("pulls in pages", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    const b = await f.started("bertil", { options: { pullLimit: 2 } });
    for (let i = 1; i <= 5; i++) await type(a, "Blad1", `A${i}`, i);
    await a.client.syncNow();
    const pulls = b.transport.pulls.length;
    await b.client.syncNow();
    expect(b.transport.pulls.length - pulls).toBe(3);
    expect([1, 2, 3, 4, 5].map((i) => b.workbook.get("Blad1", `A${i}`))).toEqual([1, 2, 3, 4, 5]);
  });

  it("pulls on a timer", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    const b = await f.started("bertil");
    await type(a, "Blad1", "A1", "ny");
    await a.client.syncNow();
    expect(b.workbook.get("Blad1", "A1")).toBe(null);
    const pulls = b.transport.pulls.length;
    while (f.sched.now < 30_000 && f.sched.step()) await new Promise((r) => setImmediate(r));
    await b.client.syncNow();
    expect(b.transport.pulls.length).toBeGreaterThan(pulls);
    expect(b.workbook.get("Blad1", "A1")).toBe("ny");
  });

  it("never overwrites an unsynced local edit: it becomes a conflict with base, mine and theirs", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    const b = await f.started("bertil");
    await type(a, "Blad1", "C3", 100);
    await a.client.syncNow();
    await b.client.syncNow();
    b.transport.online = false;
    await type(b, "Blad1", "C3", 200); // offline edit
    await type(a, "Blad1", "C3", 150);
    await a.client.syncNow();
    b.transport.online = true;
    await b.client.syncNow();
    expect(b.workbook.get("Blad1", "C3")).toBe(200);
    const [c] = b.client.listConflicts();
    expect(c).toMatchObject({
      kind: "conflict",
      sheet: "Blad1",
      cell: "C3",
      base: 100,
      baseVersion: 1,
      mine: 200,
      theirs: 150,
      theirsVersion: 2,
      state: "open",
    });
    expect(b.client.getStatus()).toMatchObject({ conflicts: 1, pending: 0 });
    expect(f.server.conflicts.map((x) => x.mutationId)).toEqual([c.mutationId]);
    // further pulls keep the user's value and update theirs
    await type(a, "Blad1", "C3", 175);
    await a.client.syncNow();
    await b.client.syncNow();
    expect(b.workbook.get("Blad1", "C3")).toBe(200);
    expect(b.client.listConflicts()[0]).toMatchObject({ theirs: 175, theirsVersion: 3 });
  });

  it("does not overwrite an edit whose change event has not arrived yet", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    const b = await f.started("bertil");
    await type(a, "Blad1", "A1", "anna");
    await a.client.syncNow();
    b.workbook.set("Blad1", "A1", "bertil"); // typed, event still on its way
    await b.client.syncNow();
    expect(b.workbook.get("Blad1", "A1")).toBe("bertil");
    await b.client.syncNow();
    expect(b.client.listConflicts()[0]).toMatchObject({
      cell: "A1",
      base: null,
      mine: "bertil",
      theirs: "anna",
    });
  });

  it("merges edits of different cells without conflicts", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    const b = await f.started("bertil");
    await type(a, "Blad1", "A1", "a");
    await type(b, "Blad1", "B1", "b");
    await a.client.syncNow();
    await b.client.syncNow();
    await a.client.syncNow();
    for (const p of [a, b]) {
      expect(p.workbook.get("Blad1", "A1")).toBe("a");
      expect(p.workbook.get("Blad1", "B1")).toBe("b");
      expect(p.client.getStatus()).toMatchObject({ state: "synced", conflicts: 0 });
    }
  });
});

describe("SyncClient: resolving conflicts", () => {
  async function conflicted() {
    const f = new Fixture();
    const a = await f.started("anna");
    const b = await f.started("bertil");
    await type(a, "Blad1", "C3", 1);
    await a.client.syncNow();
    await b.client.syncNow();
    b.transport.online = false;
    await type(b, "Blad1", "C3", "mine");
    await type(a, "Blad1", "C3", "theirs");
    await a.client.syncNow();
    b.transport.online = true;
    await b.client.syncNow();
    const [c] = b.client.listConflicts();
    expect(c).toBeDefined();
    return { f, a, b, c };
  }

  it("keep mine: a new mutation based on the server's version", async () => {
    const { f, a, b, c } = await conflicted();
    await b.client.resolveConflict(c.id, "mine");
    await b.client.syncNow();
    expect(f.server.cell(WB, "Blad1", "C3")).toMatchObject({ value: "mine", version: 3 });
    const last = b.transport.pushes.at(-1)!.mutations[0];
    expect(last).toMatchObject({ baseVersion: 2, value: "mine" });
    expect(last.mutationId).toBeGreaterThan(c.mutationId);
    await a.client.syncNow();
    expect(a.workbook.get("Blad1", "C3")).toBe("mine");
    expect(b.client.allConflicts()[0]).toMatchObject({ state: "resolved", resolution: "mine" });
    expect(b.client.getStatus()).toMatchObject({ state: "synced", conflicts: 0 });
  });

  it("take theirs: the workbook shows the server's value, nothing is pushed", async () => {
    const { f, b, c } = await conflicted();
    const pushes = b.transport.pushes.length;
    await b.client.resolveConflict(c.id, "theirs");
    await b.client.syncNow();
    expect(b.workbook.get("Blad1", "C3")).toBe("theirs");
    expect(b.transport.pushes.length).toBe(pushes);
    expect(f.server.cell(WB, "Blad1", "C3")).toMatchObject({ value: "theirs", version: 2 });
    // the echo of the write is not an edit
    await b.client.noteLocalEdits([{ sheet: "Blad1", cell: "C3", value: "theirs" }]);
    expect(b.client.getStatus()).toMatchObject({ state: "synced", pending: 0, conflicts: 0 });
  });

  it("edit: a third value, written to the workbook and pushed", async () => {
    const { f, a, b, c } = await conflicted();
    await b.client.resolveConflict(c.id, "edit", "both");
    await b.client.syncNow();
    await a.client.syncNow();
    expect(f.server.cell(WB, "Blad1", "C3")).toMatchObject({ value: "both", version: 3 });
    expect(b.workbook.get("Blad1", "C3")).toBe("both");
    expect(a.workbook.get("Blad1", "C3")).toBe("both");
  });

  it("an edit of a conflicted cell updates 'mine' instead of pushing", async () => {
    const { f, b, c } = await conflicted();
    await type(b, "Blad1", "C3", "mine 2");
    await b.client.syncNow();
    expect(b.client.listConflicts()[0]).toMatchObject({ id: c.id, mine: "mine 2" });
    expect(f.server.cell(WB, "Blad1", "C3")?.value).toBe("theirs");
    await expect(b.client.resolveConflict("nope", "mine")).rejects.toThrow(syncText.conflictMissing);
  });

  it("a rejected edit is kept with the server's reason until the user decides", async () => {
    const server = new MemorySyncServer({
      authorizeWrite: (_u, m) =>
        m.sheet === "Låst" ? { code: "locked", reason: "Bladet Låst är låst för ändringar." } : null,
    });
    const f = new Fixture(server);
    const a = await f.started("anna");
    await type(a, "Låst", "A1", 5);
    await a.client.syncNow();
    const [r] = a.client.listConflicts();
    expect(r).toMatchObject({
      kind: "rejected",
      reason: "Bladet Låst är låst för ändringar.",
      mine: 5,
      theirs: null,
    });
    await a.client.resolveConflict(r.id, "theirs");
    expect(a.workbook.get("Låst", "A1")).toBe(null);
  });
});

describe("SyncClient: failures and retries", () => {
  it("goes offline with a Swedish message, backs off exponentially with jitter, and recovers", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    a.transport.online = false;
    const delays: number[] = [];
    await type(a, "Blad1", "A1", 1);
    await a.client.syncNow();
    const st = a.client.getStatus();
    expect(st).toMatchObject({ state: "offline", pending: 1, lastError: syncText.offline });
    expect(st.offlineSince).toBe(new Date(0).toISOString());
    // run the retry timers: each delay is within [cap/2, cap] with cap doubling from 1 s to 60 s
    let last = f.sched.now;
    for (let i = 0; i < 8; i++) {
      expect(f.sched.step()).toBe(true);
      delays.push(f.sched.now - last);
      last = f.sched.now;
      await a.client.syncNow();
    }
    const caps = [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(caps[i] / 2);
      expect(d).toBeLessThanOrEqual(caps[i]);
    });
    expect(a.client.getStatus().offlineSince).toBe(new Date(0).toISOString());
    a.transport.online = true;
    a.client.onFocus();
    await a.client.syncNow();
    expect(a.client.getStatus()).toMatchObject({ state: "synced", pending: 0 });
    expect(a.client.getStatus().offlineSince).toBeUndefined();
    expect(f.server.cell(WB, "Blad1", "A1")?.value).toBe(1);
  });

  it("back online while a failing round is still in flight: retries at once, not after the backoff", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    a.transport.online = false;
    await type(a, "Blad1", "A1", 1);
    await a.client.syncNow();
    for (let i = 0; i < 4; i++) {
      f.sched.step();
      await a.client.syncNow();
    }
    // The next request fails, but while it is under way the browser reports it is online again.
    const push = a.transport.push.bind(a.transport);
    a.transport.push = async () => {
      a.transport.online = true;
      a.client.onFocus();
      a.transport.push = push;
      throw new SyncTransportError("offline", "ingen anslutning (test)");
    };
    const before = f.sched.now;
    f.sched.step(); // the backoff timer starts the failing round
    await a.client.syncNow();
    const failedAt = f.sched.now;
    expect(failedAt - before).toBeGreaterThanOrEqual(8_000); // it had backed off to 8–16 s
    expect(f.sched.step()).toBe(true);
    expect(f.sched.now).toBe(failedAt); // the retry ran without waiting
    await a.client.syncNow();
    expect(a.client.getStatus()).toMatchObject({ state: "synced", pending: 0 });
    expect(f.server.cell(WB, "Blad1", "A1")?.value).toBe(1);
  });

  it.each([
    [new SyncTransportError("auth", "401", 401), syncText.auth],
    [new SyncTransportError("forbidden", "403", 403), syncText.forbidden],
    [new SyncTransportError("server", "boom", 503), syncText.server(503)],
    [new SyncTransportError("invalid-reply", "x"), syncText.invalidReply],
  ])("reports %s in plain Swedish and keeps the edit", async (error, message) => {
    const f = new Fixture();
    const a = await f.started("anna");
    a.transport.failNext = { count: 1, error };
    await type(a, "Blad1", "A1", 1);
    await a.client.syncNow();
    expect(a.client.getStatus()).toMatchObject({ state: "error", pending: 1, lastError: message });
    a.client.onFocus();
    await a.client.syncNow();
    expect(a.client.getStatus()).toMatchObject({ state: "synced", pending: 0 });
    expect(a.client.getStatus().lastError).toBeUndefined();
  });

  it("a lost reply is retried; the duplicate is confirmed by the pull and nothing is applied twice", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    a.transport.loseNextPushReplies = 1;
    await type(a, "Blad1", "A1", "x");
    await a.client.syncNow();
    expect(a.client.getStatus()).toMatchObject({ state: "offline", pending: 1 });
    a.client.onFocus();
    await a.client.syncNow();
    expect(a.client.getStatus()).toMatchObject({ state: "synced", pending: 0, conflicts: 0 });
    expect(f.server.log.filter((c) => c.cell === "A1")).toHaveLength(1);
    expect(a.client.cachedCell("Blad1", "A1")).toMatchObject({ value: "x", version: 1 });
  });

  it("a lost reply to a conflict still becomes a recorded conflict", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    const b = await f.started("bertil");
    await type(a, "Blad1", "A1", "anna");
    await a.client.syncNow();
    b.transport.loseNextPushReplies = 1;
    await type(b, "Blad1", "A1", "bertil");
    await b.client.syncNow();
    b.client.onFocus();
    await b.client.syncNow();
    expect(f.server.conflicts).toHaveLength(1);
    const [c] = b.client.listConflicts();
    expect(c).toMatchObject({
      id: `${f.server.conflicts[0].clientId}:${f.server.conflicts[0].mutationId}`,
      mine: "bertil",
      theirs: "anna",
    });
  });

  it("an edit made while the first one is on its way waits for its version instead of conflicting with it", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    a.transport.loseNextPushReplies = 1;
    await type(a, "Blad1", "A1", 1);
    await a.client.syncNow();
    await type(a, "Blad1", "A1", 2);
    expect(a.client.pendingEdits().map((e) => [e.value, e.dependsOn !== undefined])).toEqual([
      [1, false],
      [2, true],
    ]);
    a.client.onFocus();
    await a.client.syncNow();
    expect(f.server.cell(WB, "Blad1", "A1")).toMatchObject({ value: 2, version: 2 });
    expect(f.server.conflicts).toEqual([]);
    expect(a.client.getStatus()).toMatchObject({ state: "synced", conflicts: 0 });
  });

  it("reports a full storage quota, keeps the edit and stores it once there is room", async () => {
    const f = new Fixture();
    const store = new MemorySyncStore("anna", WB);
    const a = await f.started("anna", { store });
    store.failNextCommits = 1_000;
    await type(a, "Blad1", "A1", "viktigt");
    await a.client.syncNow();
    expect(a.client.getStatus()).toMatchObject({ state: "error", pending: 1, lastError: syncText.quota });
    expect(a.workbook.get("Blad1", "A1")).toBe("viktigt");
    store.failNextCommits = 0; // room again
    a.client.onFocus();
    await a.client.syncNow();
    expect(f.server.cell(WB, "Blad1", "A1")?.value).toBe("viktigt");
    expect(a.client.getStatus()).toMatchObject({ state: "synced", pending: 0 });
    expect(a.client.getStatus().lastError).toBeUndefined();
  });
});

describe("SyncClient: cleared or stale local storage", () => {
  it("detects a cleared store, reports it, and pushes the workbook's unsynced edits based on what the workbook last saw", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    const b = await f.started("bertil");
    await type(a, "Blad1", "A1", "v1");
    await type(a, "Blad1", "A2", "keep");
    await a.client.syncNow();
    await b.client.syncNow();
    // bertil edits offline, then the browser clears his IndexedDB and the pane reloads
    b.transport.online = false;
    await type(b, "Blad1", "A1", "bertil offline");
    await type(b, "Blad1", "B5", "ny cell");
    await b.client.stop();
    (b.store as MemorySyncStore).wipe();
    await type(a, "Blad1", "A1", "v2 anna"); // meanwhile on the server
    await type(a, "Blad1", "A2", "changed by anna");
    await a.client.syncNow();
    b.transport.online = true;
    const b2 = f.pane("bertil", { workbook: b.workbook, store: b.store, transport: b.transport });
    await b2.client.start();
    await b2.client.syncNow();
    await b2.client.syncNow();
    expect(b2.client.getStatus().notice).toBe(syncText.storageCleared);
    expect(b2.client.clientId).not.toBe(b.client.clientId);
    // A1 was edited on both sides: a conflict, not an overwrite
    expect(f.server.cell(WB, "Blad1", "A1")?.value).toBe("v2 anna");
    expect(b2.client.listConflicts()).toMatchObject([
      { cell: "A1", base: "v1", mine: "bertil offline", theirs: "v2 anna" },
    ]);
    // B5 only bertil touched: pushed; A2 only anna changed: written into bertil's workbook
    expect(f.server.cell(WB, "Blad1", "B5")?.value).toBe("ny cell");
    expect(b2.workbook.get("Blad1", "A2")).toBe("changed by anna");
  });

  it("a workbook closed without saving (older than the cache) is brought up to date without pushing stale values", async () => {
    const f = new Fixture();
    const a = await f.started("anna");
    const b = await f.started("bertil");
    await type(a, "Blad1", "A1", "v1");
    await a.client.syncNow();
    await b.client.syncNow();
    const saved = { cells: new Map(b.workbook.cells), settings: new Map(b.workbook.settings) };
    await type(a, "Blad1", "A1", "v2");
    await a.client.syncNow();
    await b.client.syncNow();
    expect(b.workbook.get("Blad1", "A1")).toBe("v2");
    await type(b, "Blad1", "B1", "bertil");
    await b.client.syncNow();
    await b.client.stop();
    // bertil closes without saving: the document goes back to the saved state (cells and settings)
    b.workbook.cells = new Map(saved.cells);
    b.workbook.settings = new Map(saved.settings);
    const b2 = f.pane("bertil", { workbook: b.workbook, store: b.store, transport: b.transport });
    await b2.client.start();
    await b2.client.syncNow();
    expect(f.server.cell(WB, "Blad1", "A1")).toMatchObject({ value: "v2", version: 2 });
    expect(b2.workbook.get("Blad1", "A1")).toBe("v2");
    expect(b2.workbook.get("Blad1", "B1")).toBe("bertil");
    expect(b2.client.getStatus()).toMatchObject({ state: "synced", pending: 0, conflicts: 0 });
  });
});
