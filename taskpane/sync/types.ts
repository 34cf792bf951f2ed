/** Interfaces the sync client needs from its surroundings (Office adapter, timers). */
import type { CellValue } from "../../src/sync/protocol";

export interface CellRef {
  sheet: string;
  /** A1 address of a single cell. */
  cell: string;
}

export interface CellEntry extends CellRef {
  /** Empty cell = null. */
  value: CellValue;
}

/**
 * What the sync client needs from the workbook. The task pane's Office adapter implements it
 * (batched: one Excel.run per call); tests use an in-memory one.
 */
export interface SyncWorkbook {
  /** Every non-empty cell of the synced sheets (the full diff when the pane opens). */
  readAll(): Promise<CellEntry[]>;
  /** The current values of these cells, in the same order (empty = null). */
  readCells(refs: CellRef[]): Promise<CellValue[]>;
  /** Write these values in one batch. */
  writeCells(cells: CellEntry[]): Promise<void>;
  /** A document setting (Office.context.document.settings), saved with the workbook. */
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
}

/** Time and timers (injected so tests and the simulation are deterministic). */
export interface SyncClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: SyncClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

export type SyncState = "synced" | "pending" | "offline" | "error";

/** What the task pane shows at all times. */
export interface SyncStatus {
  state: SyncState;
  /** Local edits not yet acknowledged by the server. */
  pending: number;
  /** Open conflicts (and rejected edits) waiting for the user. */
  conflicts: number;
  /** ISO time of the first failed attempt in the current offline period. */
  offlineSince?: string;
  /** ISO time of the last complete push + pull. */
  lastSyncAt?: string;
  /** The last error, in plain Swedish. */
  lastError?: string;
  /** A lasting notice, e.g. that the browser cleared the local store. */
  notice?: string;
}
