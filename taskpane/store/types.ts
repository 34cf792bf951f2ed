/**
 * The sync client's local store: one per user and workbook. Implemented over Dexie/IndexedDB
 * (dexieStore.ts) and in memory (memoryStore.ts, same behaviour; used by the simulation).
 * The store is deliberately dumb: it holds rows and applies a batch of writes atomically; all
 * sync logic lives in the SyncClient.
 */
import type { CellValue } from "../../src/sync/protocol";

/** The server's value and version of a cell as last seen (the base of local edits). */
export interface CachedCell {
  sheet: string;
  cell: string;
  value: CellValue;
  /** Server version; 0 = the cell does not exist on the server. */
  version: number;
}

/** A local edit waiting to be pushed. */
export interface OutboxEntry {
  mutationId: number;
  sheet: string;
  cell: string;
  value: CellValue;
  /** The server version the edit is based on. */
  baseVersion: number;
  /** The value at baseVersion (shown as "base" if the edit conflicts). */
  baseValue: CellValue;
  /** The user who made the edit (pushed only under that user's token). */
  author: string;
  /** ISO time of the (latest) edit. */
  authoredAt: string;
  /** Sent at least once: the server may have processed it, so it is never changed again. */
  sent: boolean;
  /** An earlier entry for the same cell that must be acknowledged first (its version becomes this base). */
  dependsOn?: number;
  /** The server answered "duplicate": the outcome is confirmed by the next complete pull. */
  awaitingConfirmation?: boolean;
}

export type ConflictKind = "conflict" | "rejected";
export type Resolution = "mine" | "theirs" | "edit" | "auto";

/** A local edit the server did not apply: shown by cell with base, mine and theirs until resolved. */
export interface ConflictRecord {
  /** Unique: `${clientId}:${mutationId}` or a local id for locally detected problems. */
  id: string;
  kind: ConflictKind;
  sheet: string;
  cell: string;
  /** The mutation that conflicted (0 when detected locally, e.g. an invalid value). */
  mutationId: number;
  clientId: string;
  base: CellValue;
  baseVersion: number;
  mine: CellValue;
  theirs: CellValue;
  theirsVersion: number;
  /** Rejected: the server's (or the client's) reason, in Swedish. */
  reason?: string;
  state: "open" | "resolved";
  resolution?: Resolution;
  detectedAt: string;
  resolvedAt?: string;
}

export interface StoreMeta {
  /** Also the marker row: its absence means the database is new or was cleared. */
  clientId: string;
  userId: string;
  workbookId: string;
  createdAt: string;
  /** The next mutation id to hand out. */
  nextMutationId: number;
  /** Pull cursor. */
  cursor: string;
}

/** A batch of writes applied atomically (all or nothing). */
export interface StoreWrite {
  /** Remove every cached cell before putCells (rebuild from the server's log). */
  clearCells?: boolean;
  putCells?: CachedCell[];
  putOutbox?: OutboxEntry[];
  deleteOutbox?: number[];
  putConflicts?: ConflictRecord[];
  meta?: Partial<Omit<StoreMeta, "clientId" | "userId" | "workbookId" | "createdAt">>;
}

export interface StoreSnapshot {
  meta: StoreMeta;
  cells: CachedCell[];
  /** In mutation id order. */
  outbox: OutboxEntry[];
  conflicts: ConflictRecord[];
}

export interface SyncStore {
  readonly userId: string;
  readonly workbookId: string;
  /**
   * Open the store and read everything. When the marker row is missing (new database, or the
   * browser cleared it) `init` creates it and `fresh` is true.
   */
  load(init: () => StoreMeta): Promise<{ fresh: boolean; snapshot: StoreSnapshot }>;
  commit(write: StoreWrite): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by a store when the browser refuses to store more (quota). */
export class StoreQuotaError extends Error {
  override readonly name = "StoreQuotaError";
  constructor(override readonly cause?: unknown) {
    super("Lagringsutrymmet i webbläsaren är fullt");
  }
}

/** Thrown by commit when the marker row vanished: the browser cleared the database while open. */
export class StoreClearedError extends Error {
  override readonly name = "StoreClearedError";
  constructor() {
    super("Den lokala lagringen har rensats av webbläsaren");
  }
}

/** Thrown by a store for other storage failures (database blocked, closed, corrupt…). */
export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export function cellId(sheet: string, cell: string): string {
  return `${sheet}!${cell}`;
}
