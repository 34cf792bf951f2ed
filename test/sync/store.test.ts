/**
 * The SyncStore contract, run against the in-memory store and the Dexie store (fake-indexeddb):
 * marker row / fresh detection, atomic commits, durability across reopen, clearing, quota errors.
 */
import "fake-indexeddb/auto";
import Dexie from "dexie";
import { describe, expect, it } from "vitest";
import { DexieSyncStore, syncDatabaseName } from "../../taskpane/store/dexieStore";
import { MemorySyncStore } from "../../taskpane/store/memoryStore";
import {
  StoreClearedError,
  StoreQuotaError,
  type OutboxEntry,
  type StoreMeta,
  type SyncStore,
} from "../../taskpane/store/types";

const meta = (clientId = "client-abcdef"): StoreMeta => ({
  clientId,
  userId: "anna",
  workbookId: "wb-1",
  createdAt: "2026-01-01T00:00:00.000Z",
  nextMutationId: 1,
  cursor: "0",
});

const entry = (mutationId: number, over: Partial<OutboxEntry> = {}): OutboxEntry => ({
  mutationId,
  sheet: "Blad1",
  cell: `A${mutationId}`,
  value: mutationId,
  baseVersion: 0,
  baseValue: null,
  author: "anna",
  authoredAt: "2026-01-01T00:00:00.000Z",
  sent: false,
  ...over,
});

interface Subject {
  /** A store for anna/wb-1; `reopen` gives a new instance over the same data. */
  open(): SyncStore;
  /** Simulate the browser clearing the data (while `store` may be open). */
  clear(store: SyncStore): Promise<void>;
  cleanup(): Promise<void>;
}

let dbCounter = 0;

const subjects: Array<[string, () => Subject]> = [
  [
    "memory",
    () => {
      const shared = new MemorySyncStore("anna", "wb-1");
      return {
        open: () => shared,
        clear: async () => shared.wipe(),
        cleanup: async () => {},
      };
    },
  ],
  [
    "dexie (fake-indexeddb)",
    () => {
      const workbook = `wb-${++dbCounter}`;
      const opened: DexieSyncStore[] = [];
      return {
        open: () => {
          const s = new DexieSyncStore("anna", workbook);
          opened.push(s);
          return s;
        },
        clear: async () => {
          // what "clear site data" leaves behind: empty object stores
          const raw = new Dexie(syncDatabaseName("anna", workbook));
          await raw.open();
          await Promise.all(raw.tables.map((t) => t.clear()));
          raw.close();
        },
        cleanup: async () => {
          for (const s of opened) await s.close();
          await Dexie.delete(syncDatabaseName("anna", workbook));
        },
      };
    },
  ],
];

describe.each(subjects)("SyncStore contract: %s", (_name, make) => {
  it("creates the marker on first load and reports fresh; afterwards not", async () => {
    const s = make();
    const store = s.open();
    const first = await store.load(() => meta());
    expect(first.fresh).toBe(true);
    expect(first.snapshot).toEqual({ meta: meta(), cells: [], outbox: [], conflicts: [] });
    const second = await s.open().load(() => meta("other-client"));
    expect(second.fresh).toBe(false);
    expect(second.snapshot.meta.clientId).toBe("client-abcdef");
    await s.cleanup();
  });

  it("keeps committed rows across reopen, outbox in mutation id order", async () => {
    const s = make();
    const store = s.open();
    await store.load(() => meta());
    await store.commit({
      putCells: [
        { sheet: "Blad1", cell: "A1", value: "x", version: 3 },
        { sheet: "Blad 2", cell: "B7", value: 1.5, version: 1 },
      ],
      putOutbox: [entry(3), entry(1), entry(2, { dependsOn: 1, sent: true })],
      putConflicts: [
        {
          id: "client-abcdef:1",
          kind: "conflict",
          sheet: "Blad1",
          cell: "A1",
          mutationId: 1,
          clientId: "client-abcdef",
          base: null,
          baseVersion: 0,
          mine: "m",
          theirs: "t",
          theirsVersion: 2,
          state: "open",
          detectedAt: "2026-01-01T00:00:00.000Z",
        },
      ],
      meta: { cursor: "17", nextMutationId: 4 },
    });
    await store.commit({
      deleteOutbox: [3],
      putOutbox: [entry(2, { value: "changed", sent: true, dependsOn: 1 })],
    });
    const { fresh, snapshot } = await s.open().load(() => meta("nope"));
    expect(fresh).toBe(false);
    expect(snapshot.meta).toMatchObject({ cursor: "17", nextMutationId: 4, clientId: "client-abcdef" });
    expect(snapshot.cells.sort((a, b) => a.cell.localeCompare(b.cell))).toEqual([
      { sheet: "Blad1", cell: "A1", value: "x", version: 3 },
      { sheet: "Blad 2", cell: "B7", value: 1.5, version: 1 },
    ]);
    expect(snapshot.outbox.map((e) => [e.mutationId, e.value, e.author])).toEqual([
      [1, 1, "anna"],
      [2, "changed", "anna"],
    ]);
    expect(snapshot.outbox[1].dependsOn).toBe(1);
    expect(snapshot.conflicts).toHaveLength(1);
    await s.cleanup();
  });

  it("clearCells replaces the whole cache atomically with putCells", async () => {
    const s = make();
    const store = s.open();
    await store.load(() => meta());
    await store.commit({ putCells: [{ sheet: "Blad1", cell: "A1", value: 1, version: 1 }] });
    await store.commit({
      clearCells: true,
      putCells: [{ sheet: "Blad1", cell: "B1", value: 2, version: 5 }],
    });
    const { snapshot } = await s.open().load(() => meta());
    expect(snapshot.cells).toEqual([{ sheet: "Blad1", cell: "B1", value: 2, version: 5 }]);
    await s.cleanup();
  });

  it("after the browser cleared the data: commit fails with StoreClearedError, load starts fresh", async () => {
    const s = make();
    const store = s.open();
    await store.load(() => meta());
    await store.commit({ putOutbox: [entry(1)], meta: { cursor: "5" } });
    await s.clear(store);
    await expect(store.commit({ putOutbox: [entry(2)] })).rejects.toBeInstanceOf(StoreClearedError);
    const again = await s.open().load(() => meta("client-new1"));
    expect(again.fresh).toBe(true);
    expect(again.snapshot.meta.clientId).toBe("client-new1");
    expect(again.snapshot.outbox).toEqual([]);
    await s.cleanup();
  });
});

describe("DexieSyncStore specifics", () => {
  it("is one database per user and workbook", async () => {
    const a = new DexieSyncStore("anna", "wb-x");
    const b = new DexieSyncStore("bertil", "wb-x");
    await a.load(() => meta("client-anna1"));
    await b.load(() => ({ ...meta("client-bertil"), userId: "bertil" }));
    await a.commit({ putOutbox: [entry(1)] });
    const { snapshot } = await b.load(() => meta());
    expect(snapshot.outbox).toEqual([]);
    expect(a.name).not.toBe(b.name);
    await a.destroy();
    await b.destroy();
  });

  it("rolls back the whole commit when a part fails, and maps quota errors to StoreQuotaError", async () => {
    const store = new DexieSyncStore("anna", "wb-quota");
    await store.load(() => meta());
    await store.commit({ putOutbox: [entry(1)] });
    // make the conflicts write fail the way a full disk does
    const db = (store as unknown as { db: Dexie }).db;
    const full = () => {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
    db.table("conflicts").hook("creating", full);
    const err = await store
      .commit({
        deleteOutbox: [1],
        putCells: [{ sheet: "Blad1", cell: "A1", value: 1, version: 1 }],
        putConflicts: [
          {
            id: "x",
            kind: "conflict",
            sheet: "Blad1",
            cell: "A1",
            mutationId: 1,
            clientId: "c",
            base: null,
            baseVersion: 0,
            mine: 1,
            theirs: 2,
            theirsVersion: 1,
            state: "open",
            detectedAt: "",
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreQuotaError);
    db.table("conflicts").hook("creating").unsubscribe(full);
    const { snapshot } = await store.load(() => meta());
    expect(snapshot.outbox.map((e) => e.mutationId)).toEqual([1]); // not deleted: all or nothing
    expect(snapshot.cells).toEqual([]);
    await store.destroy();
  });
});
