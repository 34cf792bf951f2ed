/**
 * The sync store over Dexie (IndexedDB): one database per user and workbook.
 * Tables: cells (server value + version per cell), outbox (local edits, author recorded),
 * conflicts, meta (one row: client id, cursor, next mutation id — also the marker whose absence
 * means the database is new or was cleared by the browser).
 */
import Dexie, { type Table } from "dexie";
import {
  StoreClearedError,
  StoreError,
  StoreQuotaError,
  type CachedCell,
  type ConflictRecord,
  type OutboxEntry,
  type StoreMeta,
  type StoreSnapshot,
  type StoreWrite,
  type SyncStore,
} from "./types";

interface MetaRow extends StoreMeta {
  key: "meta";
}

class SyncDatabase extends Dexie {
  cells!: Table<CachedCell, [string, string]>;
  outbox!: Table<OutboxEntry, number>;
  conflicts!: Table<ConflictRecord, string>;
  meta!: Table<MetaRow, string>;

  constructor(name: string, options?: DexieStoreOptions) {
    // Only pass what was injected: an explicit undefined would hide the global IndexedDB.
    super(name, {
      ...(options?.indexedDB ? { indexedDB: options.indexedDB } : {}),
      ...(options?.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
    });
    this.version(1).stores({
      cells: "[sheet+cell]",
      outbox: "mutationId",
      conflicts: "id, state",
      meta: "key",
    });
  }
}

export interface DexieStoreOptions {
  /** Database name (default syncDatabaseName(userId, workbookId)). */
  databaseName?: string;
  /** Injected IndexedDB (tests); default the global one. */
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
}

/** The database name for a user and workbook. */
export function syncDatabaseName(userId: string, workbookId: string): string {
  return `uppf-sync:${encodeURIComponent(userId)}:${encodeURIComponent(workbookId)}`;
}

function isQuotaError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const name = (e as { name?: unknown }).name;
    if (name === "QuotaExceededError" || name === Dexie.errnames.QuotaExceeded) return true;
    e = (e as { inner?: unknown }).inner;
  }
  return false;
}

function translate(err: unknown, what: string): Error {
  if (err instanceof StoreQuotaError || err instanceof StoreError || err instanceof StoreClearedError)
    return err;
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof StoreClearedError) return e;
    e = (e as { inner?: unknown }).inner;
  }
  if (isQuotaError(err)) return new StoreQuotaError(err);
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new StoreError(`Den lokala lagringen kunde inte ${what} (${detail})`, err);
}

export class DexieSyncStore implements SyncStore {
  private readonly db: SyncDatabase;

  constructor(
    readonly userId: string,
    readonly workbookId: string,
    options?: DexieStoreOptions,
  ) {
    this.db = new SyncDatabase(options?.databaseName ?? syncDatabaseName(userId, workbookId), options);
  }

  get name(): string {
    return this.db.name;
  }

  async load(init: () => StoreMeta): Promise<{ fresh: boolean; snapshot: StoreSnapshot }> {
    try {
      return await this.db.transaction(
        "rw",
        [this.db.cells, this.db.outbox, this.db.conflicts, this.db.meta],
        async () => {
          let meta: StoreMeta | undefined = await this.db.meta.get("meta");
          let fresh = false;
          if (!meta) {
            // No marker: new or cleared. Whatever rows survived a partial clear are not trusted.
            await Promise.all([this.db.cells.clear(), this.db.outbox.clear(), this.db.conflicts.clear()]);
            meta = init();
            await this.db.meta.put({ ...meta, key: "meta" });
            fresh = true;
          }
          const { key: _key, ...plainMeta } = meta as MetaRow;
          const [cells, outbox, conflicts] = await Promise.all([
            this.db.cells.toArray(),
            this.db.outbox.orderBy("mutationId").toArray(),
            this.db.conflicts.toArray(),
          ]);
          return { fresh, snapshot: { meta: plainMeta, cells, outbox, conflicts } };
        },
      );
    } catch (err) {
      throw translate(err, "öppnas");
    }
  }

  async commit(write: StoreWrite): Promise<void> {
    try {
      await this.db.transaction(
        "rw",
        [this.db.cells, this.db.outbox, this.db.conflicts, this.db.meta],
        async () => {
          if (!(await this.db.meta.get("meta"))) throw new StoreClearedError();
          if (write.clearCells) await this.db.cells.clear();
          if (write.putCells?.length) await this.db.cells.bulkPut(write.putCells);
          if (write.deleteOutbox?.length) await this.db.outbox.bulkDelete(write.deleteOutbox);
          if (write.putOutbox?.length) await this.db.outbox.bulkPut(write.putOutbox);
          if (write.putConflicts?.length) await this.db.conflicts.bulkPut(write.putConflicts);
          if (write.meta && Object.keys(write.meta).length > 0) {
            await this.db.meta.update("meta", write.meta);
          }
        },
      );
    } catch (err) {
      throw translate(err, "sparas");
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /** Delete the whole database (sign-out, tests). */
  async destroy(): Promise<void> {
    await this.db.delete();
  }
}
