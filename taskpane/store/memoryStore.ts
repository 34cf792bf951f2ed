/**
 * In-memory SyncStore with the same behaviour as the Dexie store (atomic commits, marker row).
 * `wipe()` simulates the browser clearing IndexedDB; `failNextCommits` simulates quota errors.
 */
import {
  StoreClearedError,
  StoreQuotaError,
  cellId,
  type CachedCell,
  type ConflictRecord,
  type OutboxEntry,
  type StoreMeta,
  type StoreSnapshot,
  type StoreWrite,
  type SyncStore,
} from "./types";

export class MemorySyncStore implements SyncStore {
  private meta: StoreMeta | undefined;
  private cells = new Map<string, CachedCell>();
  private outbox = new Map<number, OutboxEntry>();
  private conflicts = new Map<string, ConflictRecord>();
  /** Number of coming commits that fail with a quota error (tests). */
  failNextCommits = 0;

  constructor(
    readonly userId: string,
    readonly workbookId: string,
  ) {}

  async load(init: () => StoreMeta): Promise<{ fresh: boolean; snapshot: StoreSnapshot }> {
    let fresh = false;
    if (!this.meta) {
      this.meta = { ...init() };
      this.cells.clear();
      this.outbox.clear();
      this.conflicts.clear();
      fresh = true;
    }
    return { fresh, snapshot: this.snapshot() };
  }

  snapshot(): StoreSnapshot {
    if (!this.meta) throw new Error("store not loaded");
    return structuredClone({
      meta: this.meta,
      cells: [...this.cells.values()],
      outbox: [...this.outbox.values()].sort((a, b) => a.mutationId - b.mutationId),
      conflicts: [...this.conflicts.values()],
    });
  }

  async commit(write: StoreWrite): Promise<void> {
    if (!this.meta) throw new StoreClearedError();
    if (this.failNextCommits > 0) {
      this.failNextCommits -= 1;
      throw new StoreQuotaError(new DOMException("quota", "QuotaExceededError"));
    }
    const w = structuredClone(write);
    if (w.clearCells) this.cells.clear();
    for (const c of w.putCells ?? []) this.cells.set(cellId(c.sheet, c.cell), c);
    for (const id of w.deleteOutbox ?? []) this.outbox.delete(id);
    for (const e of w.putOutbox ?? []) this.outbox.set(e.mutationId, e);
    for (const c of w.putConflicts ?? []) this.conflicts.set(c.id, c);
    if (w.meta) this.meta = { ...this.meta, ...w.meta };
  }

  async close(): Promise<void> {}

  /** Simulate the browser clearing the database. */
  wipe(): void {
    this.meta = undefined;
    this.cells.clear();
    this.outbox.clear();
    this.conflicts.clear();
  }
}
