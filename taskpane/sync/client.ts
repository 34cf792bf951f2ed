/**
 * The task pane's sync client: offline-first, never losing an edit.
 *
 * - Local edits (change events, plus a full diff against the cached base when the pane opens)
 *   become outbox entries in the local store, recording their author, and are pushed eagerly.
 * - Failures are retried with exponential backoff and jitter; pulls run on a timer and on focus.
 * - Pulled changes are written to the workbook in one batch per page and never overwrite a cell
 *   with an unsynced local edit (the server then reports the conflict) or an open conflict.
 * - Conflicts keep base, mine and theirs until the user resolves them (keep mine / take theirs /
 *   edit); keeping mine or editing is a new mutation based on the server's version.
 * - The pull cursor is mirrored in the workbook's settings: when the local store is missing or
 *   out of step with the workbook (cleared IndexedDB, workbook closed without saving), the client
 *   rebuilds the cache from the server's log and diffs the workbook against the server state the
 *   workbook last saw, so unsynced edits in the workbook are still pushed and nothing is overwritten.
 */
import {
  CellAddressSchema,
  CellValueSchema,
  MAX_PUSH_BATCH,
  SheetNameSchema,
  type CellValue,
  type Mutation,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from "../../src/sync/protocol";
import { SyncTransportError, type SyncTransport } from "../../src/sync/transport";
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
} from "../store/types";
import { syncText } from "./messages";
import {
  systemClock,
  type CellEntry,
  type CellRef,
  type SyncClock,
  type SyncStatus,
  type SyncWorkbook,
} from "./types";

export const SETTINGS_KEY = "uppf.sync";

export interface SyncClientOptions {
  /** The signed-in user; must equal the store's and the transport's user. */
  userId: string;
  workbookId: string;
  store: SyncStore;
  transport: SyncTransport;
  workbook: SyncWorkbook;
  clock?: SyncClock;
  /** Random numbers in [0, 1) for the backoff jitter. */
  random?: () => number;
  /** New client id when the store is new (default crypto.randomUUID()). */
  newClientId?: () => string;
  /** Pull interval while things go well (default 30 s). */
  pullIntervalMs?: number;
  /** Backoff after a failure: first delay and cap (default 1 s and 60 s), doubled per attempt, equal jitter. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Mutations per push (default 200, at most MAX_PUSH_BATCH). */
  pushBatchSize?: number;
  /** Changes per pull page (default 1000). */
  pullLimit?: number;
}

type ResolveChoice = "mine" | "theirs" | "edit";

/**
 * Mirrored in the workbook's document settings (saved with the workbook): the server state its
 * cells show. `held`: cells the workbook shows a local value in (unsynced edit or open conflict)
 * with the server version that value was based on — they do not show the state at `cursor`.
 */
interface WorkbookSetting {
  workbookId: string;
  cursor: string;
  clientId: string;
  held?: Record<string, number>;
}

const ZERO: { value: CellValue; version: number } = { value: null, version: 0 };

function seqGreater(a: string, b: string): boolean {
  return BigInt(a) > BigInt(b);
}

/** The in-memory mirror of the store (the store is the durable copy), with per-cell indexes. */
class Mirror {
  meta!: StoreMeta;
  cells = new Map<string, CachedCell>();
  outbox = new Map<number, OutboxEntry>();
  conflicts = new Map<string, ConflictRecord>();
  outboxByCell = new Map<string, Set<number>>();
  openConflictByCell = new Map<string, string>();

  reset(s: StoreSnapshot): void {
    this.meta = s.meta;
    this.cells = new Map(s.cells.map((c) => [cellId(c.sheet, c.cell), c]));
    this.outbox = new Map();
    this.outboxByCell = new Map();
    this.conflicts = new Map();
    this.openConflictByCell = new Map();
    for (const e of [...s.outbox].sort((a, b) => a.mutationId - b.mutationId)) this.putEntry(e);
    for (const c of s.conflicts) this.putConflict(c);
  }

  private putEntry(e: OutboxEntry): void {
    const old = this.outbox.get(e.mutationId);
    if (old) this.outboxByCell.get(cellId(old.sheet, old.cell))?.delete(e.mutationId);
    this.outbox.set(e.mutationId, e);
    const id = cellId(e.sheet, e.cell);
    let set = this.outboxByCell.get(id);
    if (!set) this.outboxByCell.set(id, (set = new Set()));
    set.add(e.mutationId);
  }

  private deleteEntry(mutationId: number): void {
    const old = this.outbox.get(mutationId);
    if (!old) return;
    this.outbox.delete(mutationId);
    const id = cellId(old.sheet, old.cell);
    const set = this.outboxByCell.get(id);
    set?.delete(mutationId);
    if (set && set.size === 0) this.outboxByCell.delete(id);
  }

  private putConflict(c: ConflictRecord): void {
    const id = cellId(c.sheet, c.cell);
    this.conflicts.set(c.id, c);
    if (c.state === "open") this.openConflictByCell.set(id, c.id);
    else if (this.openConflictByCell.get(id) === c.id) this.openConflictByCell.delete(id);
  }

  entriesForCell(id: string): OutboxEntry[] {
    const set = this.outboxByCell.get(id);
    if (!set) return [];
    return [...set].map((n) => this.outbox.get(n)!);
  }

  apply(w: StoreWrite): void {
    if (w.clearCells) this.cells.clear();
    for (const c of w.putCells ?? []) this.cells.set(cellId(c.sheet, c.cell), c);
    for (const id of w.deleteOutbox ?? []) this.deleteEntry(id);
    if (w.putOutbox?.length) {
      const maxOld = Math.max(0, ...this.outbox.keys());
      for (const e of w.putOutbox) this.putEntry(e);
      // keep mutation id order (Map iteration order): re-sort only when an id went in out of order
      if (w.putOutbox.some((e) => e.mutationId < maxOld)) {
        this.outbox = new Map([...this.outbox.entries()].sort((a, b) => a[0] - b[0]));
      }
    }
    for (const c of w.putConflicts ?? []) this.putConflict(c);
    if (w.meta) this.meta = { ...this.meta, ...w.meta };
  }
}

/** A set of planned writes over the mirror; read-through so planning sees its own changes. */
class Draft {
  private cells = new Map<string, CachedCell>();
  private outbox = new Map<number, OutboxEntry | null>();
  private overlayByCell = new Map<string, Set<number>>();
  private conflicts = new Map<string, ConflictRecord>();
  private meta: StoreWrite["meta"] = {};
  private clear = false;

  constructor(private readonly m: Mirror) {}

  get clientId(): string {
    return this.m.meta.clientId;
  }
  setCursor(cursor: string): void {
    this.meta = { ...this.meta, cursor };
  }
  nextMutationId(): number {
    const id = this.meta?.nextMutationId ?? this.m.meta.nextMutationId;
    this.meta = { ...this.meta, nextMutationId: id + 1 };
    return id;
  }
  clearCells(): void {
    this.clear = true;
    this.cells.clear();
  }
  cell(id: string): CachedCell | undefined {
    return this.cells.get(id) ?? (this.clear ? undefined : this.m.cells.get(id));
  }
  putCell(c: CachedCell): void {
    this.cells.set(cellId(c.sheet, c.cell), c);
  }
  entry(mutationId: number): OutboxEntry | undefined {
    const o = this.outbox.get(mutationId);
    if (o === null) return undefined;
    return o ?? this.m.outbox.get(mutationId);
  }
  /** Every outbox entry (after this draft), in mutation id order. */
  entries(): OutboxEntry[] {
    const all = new Map(this.m.outbox);
    for (const [id, e] of this.outbox) {
      if (e === null) all.delete(id);
      else all.set(id, e);
    }
    return [...all.values()].sort((a, b) => a.mutationId - b.mutationId);
  }
  /** The outbox entries of one cell (after this draft), in mutation id order. */
  entriesForCell(id: string): OutboxEntry[] {
    const ids = new Set<number>();
    for (const e of this.m.entriesForCell(id)) ids.add(e.mutationId);
    for (const n of this.overlayByCell.get(id) ?? []) ids.add(n);
    const out: OutboxEntry[] = [];
    for (const n of [...ids].sort((a, b) => a - b)) {
      const e = this.entry(n);
      if (e && cellId(e.sheet, e.cell) === id) out.push(e);
    }
    return out;
  }
  putEntry(e: OutboxEntry): void {
    this.outbox.set(e.mutationId, e);
    const id = cellId(e.sheet, e.cell);
    let set = this.overlayByCell.get(id);
    if (!set) this.overlayByCell.set(id, (set = new Set()));
    set.add(e.mutationId);
  }
  deleteEntry(mutationId: number): void {
    this.outbox.set(mutationId, null);
  }
  conflict(id: string): ConflictRecord | undefined {
    return this.conflicts.get(id) ?? this.m.conflicts.get(id);
  }
  openConflictFor(id: string): ConflictRecord | undefined {
    for (const c of this.conflicts.values())
      if (c.state === "open" && cellId(c.sheet, c.cell) === id) return c;
    const mid = this.m.openConflictByCell.get(id);
    if (mid === undefined) return undefined;
    const c = this.conflict(mid);
    return c && c.state === "open" ? c : undefined;
  }
  /** Cells with an open conflict (after this draft). */
  openConflictCells(): string[] {
    const ids = new Set<string>();
    for (const id of this.m.openConflictByCell.keys()) if (this.openConflictFor(id)) ids.add(id);
    for (const c of this.conflicts.values()) if (c.state === "open") ids.add(cellId(c.sheet, c.cell));
    return [...ids];
  }
  putConflict(c: ConflictRecord): void {
    this.conflicts.set(c.id, c);
  }
  get empty(): boolean {
    return (
      !this.clear &&
      this.cells.size === 0 &&
      this.outbox.size === 0 &&
      this.conflicts.size === 0 &&
      Object.keys(this.meta ?? {}).length === 0
    );
  }
  toWrite(): StoreWrite {
    const w: StoreWrite = {};
    if (this.clear) w.clearCells = true;
    if (this.cells.size) w.putCells = [...this.cells.values()];
    const put: OutboxEntry[] = [];
    const del: number[] = [];
    for (const [id, e] of this.outbox) {
      if (e === null) del.push(id);
      else put.push(e);
    }
    if (del.length) w.deleteOutbox = del;
    if (put.length) w.putOutbox = put;
    if (this.conflicts.size) w.putConflicts = [...this.conflicts.values()];
    if (this.meta && Object.keys(this.meta).length) w.meta = this.meta;
    return w;
  }
}

function splitId(id: string): CellRef {
  const i = id.lastIndexOf("!");
  return { sheet: id.slice(0, i), cell: id.slice(i + 1) };
}

export class SyncClient {
  readonly userId: string;
  readonly workbookId: string;
  private readonly store: SyncStore;
  private readonly transport: SyncTransport;
  private readonly workbook: SyncWorkbook;
  private readonly clock: SyncClock;
  private readonly random: () => number;
  private readonly newClientId: () => string;
  private readonly pullIntervalMs: number;
  /** onFocus() was called while a round was running (see round()'s retry after a failure). */
  private wokenDuringRound = false;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly pushBatchSize: number;
  private readonly pullLimit: number;

  private readonly mirror = new Mirror();
  private queue: Promise<unknown> = Promise.resolve();
  private started = false;
  private stopped = false;
  /** Edits seen before the workbook was reconciled with the store (replayed afterwards). */
  private deferred: CellEntry[] = [];
  /** Edits that could not be stored (quota): retried each round; they are still in the workbook. */
  private unsaved = new Map<string, CellEntry>();
  /** The workbook's cursor when it differs from the store's: rebuild from the server's log first. */
  private reconcileFrom: string | undefined;
  private reloadStore = false;
  /** The cursor the workbook's setting holds (the server state its cells show). */
  private wbCursor = "0";
  private wbHeld: Record<string, number> = {};
  private wbSettingJson: string | undefined;

  private running = false;
  private again = false;
  private timer: unknown;
  private attempt = 0;
  private roundPromise: Promise<void> = Promise.resolve();

  private errorKind: "offline" | "error" | undefined;
  private lastError: string | undefined;
  private storeProblem: string | undefined;
  private offlineSince: number | undefined;
  private lastSyncAt: number | undefined;
  private notice: string | undefined;
  private status: SyncStatus = { state: "synced", pending: 0, conflicts: 0 };
  private readonly listeners = new Set<(s: SyncStatus) => void>();

  constructor(options: SyncClientOptions) {
    this.userId = options.userId;
    this.workbookId = options.workbookId;
    this.store = options.store;
    this.transport = options.transport;
    this.workbook = options.workbook;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.newClientId = options.newClientId ?? (() => crypto.randomUUID());
    this.pullIntervalMs = options.pullIntervalMs ?? 30_000;
    this.retryInitialMs = options.retryInitialMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.pushBatchSize = Math.min(options.pushBatchSize ?? 200, MAX_PUSH_BATCH);
    this.pullLimit = options.pullLimit ?? 1000;
    if (this.store.userId !== this.userId || this.transport.userId !== this.userId) {
      throw new Error(
        `SyncClient: the store (${this.store.userId}), the transport (${this.transport.userId}) and the user (${this.userId}) must be the same user`,
      );
    }
    if (this.store.workbookId !== this.workbookId) {
      throw new Error(
        `SyncClient: the store belongs to workbook ${this.store.workbookId}, not ${this.workbookId}`,
      );
    }
  }

  // ---------------------------------------------------------------- public API

  /** Open the store, diff the workbook against it (or schedule a rebuild) and start syncing. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.exclusive(() => this.loadStore());
    this.started = true;
    // edits reported while the store was loading
    if (this.deferred.length > 0 && this.reconcileFrom === undefined && !this.reloadStore) {
      await this.exclusive(() => this.replayDeferred());
    }
    this.emit();
    this.requestSync(true);
  }

  /**
   * Stop: no more timers, and no more store writes once the running step is over (replies still
   * on their way are ignored). Edits noted from now on stay in the workbook; the next start's
   * diff finds them.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.queue;
  }

  /** Cell edits reported by the workbook's change events. */
  async noteLocalEdits(edits: CellEntry[]): Promise<void> {
    if (this.stopped || edits.length === 0) return;
    if (!this.started || this.reconcileFrom !== undefined || this.reloadStore) {
      this.deferred.push(...edits);
      return;
    }
    await this.exclusive(() => this.enqueueEdits(edits));
    // Eager push, unless we are backing off after a failure (the retry timer will push).
    if (this.attempt === 0) this.requestSync(false);
  }

  /** The task pane got focus (or the browser came back online): sync now. */
  onFocus(): void {
    if (this.running) this.wokenDuringRound = true;
    this.requestSync(true);
  }

  /** Push and pull now; resolves when the round is over (successful or not). */
  async syncNow(): Promise<void> {
    this.requestSync(true);
    // a round may restart itself (again); wait until none is running
    while (this.running) await this.roundPromise;
  }

  getStatus(): SyncStatus {
    return this.status;
  }

  /** Subscribe to status changes (useSyncExternalStore-compatible: not called at once). */
  subscribe(listener: (s: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Open conflicts and rejected edits, oldest first. */
  listConflicts(): ConflictRecord[] {
    return [...this.mirror.conflicts.values()]
      .filter((c) => c.state === "open")
      .sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
  }

  /** Every conflict record, resolved ones too (history). */
  allConflicts(): ConflictRecord[] {
    return [...this.mirror.conflicts.values()];
  }

  /** Local edits waiting for the server, in order. */
  pendingEdits(): OutboxEntry[] {
    return [...this.mirror.outbox.values()];
  }

  /** The server value and version of a cell as last seen. */
  cachedCell(sheet: string, cell: string): CachedCell | undefined {
    return this.mirror.cells.get(cellId(sheet, cell));
  }

  get clientId(): string {
    return this.mirror.meta.clientId;
  }
  get cursor(): string {
    return this.mirror.meta.cursor;
  }

  /**
   * Resolve a conflict: keep mine (push my value again, based on the server's version), take
   * theirs (write the server's value to the workbook; nothing to push) or edit (push `value`).
   */
  async resolveConflict(conflictId: string, choice: ResolveChoice, value?: CellValue): Promise<void> {
    await this.exclusive(async () => {
      const draft = new Draft(this.mirror);
      const r = draft.conflict(conflictId);
      if (!r || r.state !== "open") throw new Error(syncText.conflictMissing);
      const id = cellId(r.sheet, r.cell);
      const cached = draft.cell(id) ?? { ...ZERO, sheet: r.sheet, cell: r.cell };
      const theirs =
        cached.version > r.theirsVersion
          ? { value: cached.value, version: cached.version }
          : { value: r.theirs, version: r.theirsVersion };
      const target: CellValue =
        choice === "theirs" ? theirs.value : choice === "mine" ? r.mine : (value ?? null);
      if (choice !== "theirs") {
        const problem = this.validate({ sheet: r.sheet, cell: r.cell, value: target });
        if (problem) throw new Error(syncText.invalidValue(problem));
      }
      draft.putConflict({ ...r, state: "resolved", resolution: choice, resolvedAt: this.isoNow() });
      if (choice !== "theirs" && target !== theirs.value) {
        draft.putEntry(this.newEntry(draft, r.sheet, r.cell, target, theirs.version, theirs.value));
      }
      // Record the decision first: if storing fails, the workbook still shows the user's value.
      await this.persist(draft);
      await this.writeWorkbook([{ sheet: r.sheet, cell: r.cell, value: target }], undefined);
    });
    this.requestSync(true);
  }

  // ---------------------------------------------------------------- internals: serialisation, status

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() =>
      this.stopped ? Promise.reject(new Error("SyncClient stopped")) : fn(),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private async persist(draft: Draft, after?: () => void): Promise<void> {
    if (draft.empty) {
      after?.();
      return;
    }
    const w = draft.toWrite();
    try {
      await this.store.commit(w);
    } catch (err) {
      if (err instanceof StoreClearedError) {
        // The browser cleared the database under us: reload and reconcile in the next round.
        this.reloadStore = true;
        this.notice = syncText.storageCleared;
        this.clock.setTimeout(() => this.requestSync(true), 0);
      }
      throw err;
    }
    this.mirror.apply(w);
    after?.();
    this.emit();
  }

  private emit(): void {
    const pending = this.mirror.outbox.size + this.unsaved.size + this.deferred.length;
    let conflicts = 0;
    for (const c of this.mirror.conflicts.values()) if (c.state === "open") conflicts++;
    const state: SyncStatus["state"] =
      this.errorKind === "offline"
        ? "offline"
        : this.errorKind === "error" || this.storeProblem
          ? "error"
          : pending > 0
            ? "pending"
            : "synced";
    const next: SyncStatus = { state, pending, conflicts };
    if (this.offlineSince !== undefined) next.offlineSince = new Date(this.offlineSince).toISOString();
    if (this.lastSyncAt !== undefined) next.lastSyncAt = new Date(this.lastSyncAt).toISOString();
    const err = this.storeProblem ?? this.lastError;
    if (err) next.lastError = err;
    if (this.notice) next.notice = this.notice;
    const prev = this.status;
    if (
      prev.state === next.state &&
      prev.pending === next.pending &&
      prev.conflicts === next.conflicts &&
      prev.offlineSince === next.offlineSince &&
      prev.lastSyncAt === next.lastSyncAt &&
      prev.lastError === next.lastError &&
      prev.notice === next.notice
    ) {
      return;
    }
    this.status = next;
    for (const l of this.listeners) l(next);
  }

  // ---------------------------------------------------------------- opening

  private async loadStore(): Promise<void> {
    const { fresh, snapshot } = await this.store.load(() => ({
      clientId: this.newClientId(),
      userId: this.userId,
      workbookId: this.workbookId,
      createdAt: this.isoNow(),
      nextMutationId: 1,
      cursor: "0",
    }));
    this.mirror.reset(snapshot);
    this.reloadStore = false;
    const setting = await this.readSetting();
    if (fresh && setting) this.notice = syncText.storageCleared;
    const wbCursor = setting?.cursor ?? "0";
    this.wbCursor = wbCursor;
    this.wbHeld = setting?.held ?? {};
    this.wbSettingJson = undefined;
    if (wbCursor !== this.mirror.meta.cursor) {
      // The workbook shows the server state at another cursor than the store's cache: rebuild
      // the cache from the server's log before trusting any diff (done in the next round).
      this.reconcileFrom = wbCursor;
    } else {
      this.reconcileFrom = undefined;
      const base = new Map<string, { value: CellValue; version: number }>();
      for (const [id, c] of this.mirror.cells) base.set(id, c);
      await this.diffWorkbook(new Draft(this.mirror), base, base, this.mirror.meta.cursor);
      await this.replayDeferred();
    }
  }

  private async readSetting(): Promise<WorkbookSetting | undefined> {
    const raw = await this.workbook.getSetting(SETTINGS_KEY);
    if (!raw) return undefined;
    try {
      const s = JSON.parse(raw) as Partial<WorkbookSetting>;
      if (s.workbookId !== this.workbookId || typeof s.cursor !== "string" || !/^[0-9]{1,19}$/.test(s.cursor))
        return undefined;
      const held: Record<string, number> = {};
      if (s.held && typeof s.held === "object") {
        for (const [k, v] of Object.entries(s.held)) if (Number.isInteger(v) && v >= 0) held[k] = v;
      }
      return { workbookId: s.workbookId, cursor: s.cursor, clientId: String(s.clientId ?? ""), held };
    } catch {
      return undefined;
    }
  }

  /** Write the setting for `cursor` and the cells currently held by local values (only when it changed). */
  private async writeSetting(cursor: string): Promise<void> {
    const held: Record<string, number> = {};
    for (const e of this.mirror.outbox.values()) {
      const id = cellId(e.sheet, e.cell);
      if (!(id in held)) held[id] = e.baseVersion; // the oldest entry: what the user's value was based on
    }
    for (const c of this.mirror.conflicts.values()) {
      if (c.state === "open") held[cellId(c.sheet, c.cell)] = c.baseVersion;
    }
    const s: WorkbookSetting = { workbookId: this.workbookId, cursor, clientId: this.mirror.meta.clientId };
    if (Object.keys(held).length > 0) s.held = held;
    const json = JSON.stringify(s);
    if (json === this.wbSettingJson) return;
    await this.workbook.setSetting(SETTINGS_KEY, json);
    this.wbSettingJson = json;
    this.wbCursor = cursor;
  }

  private async replayDeferred(): Promise<void> {
    if (this.deferred.length === 0) return;
    const edits = this.deferred;
    this.deferred = [];
    await this.enqueueEdits(edits);
  }

  /**
   * Compare the workbook with `atCursor` (the server state the workbook last saw): differences
   * are local edits based on that state. Cells the workbook has not seen newer server values of
   * (`latest`) are written. Outbox entries and open conflicts are respected.
   */
  private async diffWorkbook(
    draft: Draft,
    atCursor: Map<string, { value: CellValue; version: number }>,
    latest: Map<string, { value: CellValue; version: number }>,
    cursor: string,
  ): Promise<void> {
    const wb = new Map<string, CellValue>();
    for (const c of await this.workbook.readAll()) wb.set(cellId(c.sheet, c.cell), c.value);
    const ids = new Set<string>([...wb.keys(), ...atCursor.keys(), ...latest.keys()]);
    for (const e of draft.entries()) ids.add(cellId(e.sheet, e.cell));
    for (const id of draft.openConflictCells()) ids.add(id);
    const writes: CellEntry[] = [];
    const edits: Array<{ id: string; value: CellValue; base: { value: CellValue; version: number } }> = [];
    for (const id of [...ids].sort()) {
      const value = wb.get(id) ?? null;
      const base = atCursor.get(id) ?? ZERO;
      const server = latest.get(id) ?? ZERO;
      const conflict = draft.openConflictFor(id);
      if (conflict) {
        const upd = { ...conflict };
        let changed = false;
        if (conflict.mine !== value) {
          upd.mine = value;
          changed = true;
        }
        if (server.version > conflict.theirsVersion) {
          upd.theirs = server.value;
          upd.theirsVersion = server.version;
          changed = true;
        }
        if (changed) draft.putConflict(upd);
        continue;
      }
      const entries = draft.entriesForCell(id);
      if (entries.length > 0) {
        const last = entries[entries.length - 1];
        if (value === last.value) continue;
        if (value === base.value) {
          // The workbook lost the edit (closed without saving) but the outbox has it: show it again.
          writes.push({ ...splitId(id), value: last.value });
        } else {
          edits.push({ id, value, base });
        }
        continue;
      }
      if (value !== base.value) {
        if (value !== server.value) edits.push({ id, value, base });
        continue;
      }
      if (server.version !== base.version && value !== server.value)
        writes.push({ ...splitId(id), value: server.value });
    }
    for (const e of edits) this.planEdit(draft, { ...splitId(e.id), value: e.value }, e.base);
    draft.setCursor(cursor);
    await this.persist(draft);
    await this.writeWorkbook(writes, cursor);
  }

  /**
   * Once the store holds the new state: write the cells in one batch, then the cursor setting
   * (so the workbook's cursor never claims values it does not show). If Excel refuses, the next
   * round reconciles from the cursor the workbook still has.
   */
  private async writeWorkbook(writes: CellEntry[], cursor: string | undefined): Promise<void> {
    try {
      if (writes.length) await this.workbook.writeCells(writes);
      await this.writeSetting(cursor ?? this.wbCursor);
    } catch (err) {
      this.reconcileFrom = this.wbCursor;
      throw err;
    }
  }

  /** Rebuild the cache from the server's whole log, then diff the workbook (needs the network). */
  private async reconcileFromServer(wbCursor: string): Promise<void> {
    this.wbHeld = (await this.readSetting())?.held ?? {};
    const latest = new Map<string, { value: CellValue; version: number }>();
    const atCursor = new Map<string, { value: CellValue; version: number }>();
    const history = new Map<string, Map<number, CellValue>>();
    const own: Array<{ mutationId: number; id: string; version: number }> = [];
    const clientId = this.mirror.meta.clientId;
    const wb = BigInt(wbCursor);
    let since = "0";
    for (;;) {
      const page = await this.transport.pull({ since, workbookId: this.workbookId, limit: this.pullLimit });
      if (this.stopped) return;
      for (const c of page.changes) {
        if (c.workbookId !== this.workbookId) continue;
        const id = cellId(c.sheet, c.cell);
        const prev = latest.get(id);
        if (!prev || c.version > prev.version) latest.set(id, { value: c.value, version: c.version });
        if (id in this.wbHeld) {
          let h = history.get(id);
          if (!h) history.set(id, (h = new Map()));
          h.set(c.version, c.value);
        }
        if (BigInt(c.seq) <= wb) {
          const p = atCursor.get(id);
          if (!p || c.version > p.version) atCursor.set(id, { value: c.value, version: c.version });
        }
        if (c.clientId === clientId && c.mutationId !== null)
          own.push({ mutationId: c.mutationId, id, version: c.version });
      }
      if (!page.hasMore || page.cursor === since) {
        since = page.cursor;
        break;
      }
      since = page.cursor;
    }
    await this.exclusive(async () => {
      if (this.stopped) return;
      const draft = new Draft(this.mirror);
      draft.clearCells();
      for (const [id, c] of latest) draft.putCell({ ...splitId(id), value: c.value, version: c.version });
      for (const o of own) {
        const e = draft.entry(o.mutationId);
        if (e && cellId(e.sheet, e.cell) === o.id) this.ackApplied(draft, e, o.version);
      }
      const cursor = seqGreater(since, "0") ? since : "0";
      this.reconcileFrom = undefined;
      // Cells the workbook held a local value in show that value on top of their held base version.
      for (const [id, version] of Object.entries(this.wbHeld)) {
        const value = version === 0 ? null : history.get(id)?.get(version);
        if (value !== undefined) atCursor.set(id, { value, version });
      }
      await this.diffWorkbook(draft, atCursor, latest, cursor);
      await this.replayDeferred();
    });
  }

  // ---------------------------------------------------------------- local edits

  private async enqueueEdits(edits: CellEntry[]): Promise<void> {
    const draft = new Draft(this.mirror);
    for (const e of edits) this.planEdit(draft, e);
    try {
      await this.persist(draft, () => {
        for (const e of edits) this.unsaved.delete(cellId(e.sheet, e.cell));
        if (this.storeProblem === syncText.quota && this.unsaved.size === 0) this.storeProblem = undefined;
      });
    } catch (err) {
      if (err instanceof StoreQuotaError) {
        for (const e of edits) this.unsaved.set(cellId(e.sheet, e.cell), e);
        this.storeProblem = syncText.quota;
      } else if (err instanceof StoreClearedError) {
        this.deferred.push(...edits);
        this.reloadStore = true;
        this.notice = syncText.storageCleared;
      } else {
        for (const e of edits) this.unsaved.set(cellId(e.sheet, e.cell), e);
        this.storeProblem = syncText.storageFailed(err instanceof Error ? err.message : String(err));
      }
    } finally {
      this.emit();
    }
  }

  private newEntry(
    draft: Draft,
    sheet: string,
    cell: string,
    value: CellValue,
    baseVersion: number,
    baseValue: CellValue,
    dependsOn?: number,
  ): OutboxEntry {
    const e: OutboxEntry = {
      mutationId: draft.nextMutationId(),
      sheet,
      cell,
      value,
      baseVersion,
      baseValue,
      author: this.userId,
      authoredAt: this.isoNow(),
      sent: false,
    };
    if (dependsOn !== undefined) e.dependsOn = dependsOn;
    return e;
  }

  /** Plan one local edit. `base` overrides the cached base (an edit made on an older server state). */
  private planEdit(draft: Draft, edit: CellEntry, base?: { value: CellValue; version: number }): void {
    const { sheet, cell, value } = edit;
    const id = cellId(sheet, cell);
    const conflict = draft.openConflictFor(id);
    if (conflict) {
      // The cell waits for the user's decision: the latest edit becomes "mine".
      if (conflict.mine !== value) draft.putConflict({ ...conflict, mine: value });
      return;
    }
    const problem = this.validate(edit);
    if (problem) {
      const cached = draft.cell(id) ?? ZERO;
      draft.putConflict({
        id: `local:${draft.clientId}:${draft.nextMutationId()}`,
        kind: "rejected",
        sheet,
        cell,
        mutationId: 0,
        clientId: draft.clientId,
        base: cached.value,
        baseVersion: cached.version,
        mine: value,
        theirs: cached.value,
        theirsVersion: cached.version,
        reason: syncText.invalidValue(problem),
        state: "open",
        detectedAt: this.isoNow(),
      });
      return;
    }
    const entries = draft.entriesForCell(id);
    if (entries.length > 0) {
      const last = entries[entries.length - 1];
      if (last.value === value) return;
      if (!last.sent && !last.awaitingConfirmation) {
        // Never sent: replace its value (or drop it when the edit was undone and the server still
        // has that base; if the server moved on, the user's value must still be pushed).
        const cached = draft.cell(id) ?? ZERO;
        if (
          last.dependsOn === undefined &&
          value === last.baseValue &&
          last.baseVersion === cached.version &&
          value === cached.value
        ) {
          draft.deleteEntry(last.mutationId);
        } else draft.putEntry({ ...last, value, authoredAt: this.isoNow() });
        return;
      }
      // The earlier edit may be on its way: this one waits for its version.
      draft.putEntry(this.newEntry(draft, sheet, cell, value, last.baseVersion, last.value, last.mutationId));
      return;
    }
    const b = base ?? draft.cell(id) ?? ZERO;
    if (b.value === value) return;
    draft.putEntry(this.newEntry(draft, sheet, cell, value, b.version, b.value));
  }

  private validate(edit: CellEntry): string | undefined {
    const sheet = SheetNameSchema.safeParse(edit.sheet);
    if (!sheet.success) return `${edit.sheet}: ${sheet.error.issues[0]?.message}`;
    const addr = CellAddressSchema.safeParse(edit.cell);
    if (!addr.success) return `${edit.sheet}!${edit.cell}: ${addr.error.issues[0]?.message}`;
    const v = CellValueSchema.safeParse(edit.value);
    if (!v.success) {
      if (typeof edit.value === "string")
        return `${edit.sheet}!${edit.cell}: texten är längre än 32 767 tecken`;
      return `${edit.sheet}!${edit.cell}: ${v.error.issues[0]?.message}`;
    }
    if (typeof edit.value === "number" && !Number.isFinite(edit.value))
      return `${edit.sheet}!${edit.cell}: talet är inte ändligt`;
    return undefined;
  }

  // ---------------------------------------------------------------- outcomes

  /** The server applied `e` at `version`. */
  private ackApplied(draft: Draft, e: OutboxEntry, version: number): void {
    draft.deleteEntry(e.mutationId);
    const id = cellId(e.sheet, e.cell);
    const cached = draft.cell(id);
    if (!cached || version > cached.version)
      draft.putCell({ sheet: e.sheet, cell: e.cell, value: e.value, version });
    for (const dep of draft.entriesForCell(id)) {
      if (dep.dependsOn !== e.mutationId) continue;
      // Never sent: safe to renumber so it is pushed after whatever was pushed meanwhile.
      draft.deleteEntry(dep.mutationId);
      const { dependsOn: _d, ...rest } = dep;
      draft.putEntry({
        ...rest,
        mutationId: draft.nextMutationId(),
        baseVersion: version,
        baseValue: e.value,
      });
    }
  }

  /** The server did not apply `e` (conflict, rejected, or unconfirmed duplicate): record it with later edits of the cell folded in. */
  private ackNotApplied(
    draft: Draft,
    e: OutboxEntry,
    info: { kind: "conflict" | "rejected"; theirs: CellValue; theirsVersion: number; reason?: string },
  ): void {
    draft.deleteEntry(e.mutationId);
    const id = cellId(e.sheet, e.cell);
    let mine = e.value;
    for (const dep of draft.entriesForCell(id)) {
      if (dep.dependsOn !== e.mutationId) continue;
      mine = dep.value;
      draft.deleteEntry(dep.mutationId);
    }
    const cached = draft.cell(id);
    let theirs = info.theirs;
    let theirsVersion = info.theirsVersion;
    if (info.kind === "conflict" && (!cached || theirsVersion > cached.version)) {
      draft.putCell({ sheet: e.sheet, cell: e.cell, value: theirs, version: theirsVersion });
    } else if (cached && cached.version > theirsVersion) {
      theirs = cached.value;
      theirsVersion = cached.version;
    }
    const now = this.isoNow();
    const record: ConflictRecord = {
      id: `${draft.clientId}:${e.mutationId}`,
      kind: info.kind,
      sheet: e.sheet,
      cell: e.cell,
      mutationId: e.mutationId,
      clientId: draft.clientId,
      base: e.baseValue,
      baseVersion: e.baseVersion,
      mine,
      theirs,
      theirsVersion,
      state: "open",
      detectedAt: now,
    };
    if (info.reason) record.reason = info.reason;
    if (info.kind === "conflict" && mine === theirs) {
      record.state = "resolved";
      record.resolution = "auto";
      record.resolvedAt = now;
    }
    const open = draft.openConflictFor(id);
    if (open && record.state === "open") {
      // One open conflict per cell: fold this one into it (kept as history, not dropped).
      draft.putConflict({ ...open, mine, theirs, theirsVersion });
      record.state = "resolved";
      record.resolution = "auto";
      record.resolvedAt = now;
    }
    draft.putConflict(record);
  }

  // ---------------------------------------------------------------- the sync round

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.clearTimer();
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.requestSync(true);
    }, ms);
  }

  private requestSync(_userDriven: boolean): void {
    if (!this.started || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.clearTimer();
    this.running = true;
    this.roundPromise = this.round();
  }

  private async round(): Promise<void> {
    try {
      let reloads = 0;
      let extraRounds = 0;
      do {
        this.again = false;
        try {
          if (this.reloadStore) await this.exclusive(() => this.loadStore());
          if (this.reconcileFrom !== undefined) await this.reconcileFromServer(this.reconcileFrom);
          if (this.unsaved.size > 0)
            await this.exclusive(() => this.enqueueEdits([...this.unsaved.values()]));
          await this.pushAll();
          await this.pullAll();
          if (await this.exclusive(() => this.confirmDuplicates())) this.again = true;
          // entries that became pushable during the pull (rebased after an acknowledgement)
          if (this.hasPushable() && ++extraRounds <= 5) this.again = true;
        } catch (err) {
          // The browser cleared the store under us: reload and reconcile at once (not after a backoff).
          if (!(err instanceof StoreClearedError) || ++reloads > 2) throw err;
          this.reloadStore = true;
          this.again = true;
        }
      } while (this.again && !this.stopped);
      if (this.stopped) return;
      this.attempt = 0;
      this.errorKind = undefined;
      this.lastError = undefined;
      this.offlineSince = undefined;
      this.lastSyncAt = this.clock.now();
      this.schedule(this.pullIntervalMs);
    } catch (err) {
      if (this.stopped) return;
      this.noteFailure(err);
      this.attempt += 1;
      const cap = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** (this.attempt - 1));
      // The browser came back online (or the pane got focus) while this round was failing: try
      // again at once rather than after the backoff, or that signal would be lost.
      this.schedule(this.wokenDuringRound ? 0 : cap / 2 + this.random() * (cap / 2));
    } finally {
      this.running = false;
      this.wokenDuringRound = false;
      this.emit();
    }
  }

  private noteFailure(err: unknown): void {
    if (err instanceof SyncTransportError) {
      if (err.kind === "offline" || err.kind === "timeout") {
        this.errorKind = "offline";
        if (this.offlineSince === undefined) this.offlineSince = this.clock.now();
        this.lastError = err.kind === "offline" ? syncText.offline : syncText.timeout;
        return;
      }
      this.errorKind = "error";
      this.lastError =
        err.kind === "auth"
          ? syncText.auth
          : err.kind === "forbidden"
            ? syncText.forbidden
            : err.kind === "bad-request"
              ? syncText.badRequest(err.message)
              : err.kind === "server"
                ? syncText.server(err.status)
                : syncText.invalidReply;
      return;
    }
    if (err instanceof StoreClearedError) {
      this.reloadStore = true;
      this.notice = syncText.storageCleared;
      this.errorKind = "error";
      this.lastError = syncText.storageCleared;
      return;
    }
    this.errorKind = "error";
    if (err instanceof StoreQuotaError) this.lastError = syncText.quota;
    else this.lastError = syncText.unknown(err instanceof Error ? err.message : String(err));
  }

  private async pushAll(): Promise<void> {
    for (;;) {
      const batch = await this.exclusive(() => this.takeBatch());
      if (!batch) return;
      this.emit();
      const reply = await this.transport.push(batch);
      if (this.stopped) return;
      const progressed = await this.exclusive(() => this.handlePushReply(batch, reply));
      this.emit();
      if (!progressed) throw new Error(syncText.noOutcome);
    }
  }

  private hasPushable(): boolean {
    for (const e of this.mirror.outbox.values()) {
      if (e.awaitingConfirmation || e.author !== this.transport.userId) continue;
      if (e.dependsOn !== undefined && this.mirror.outbox.has(e.dependsOn)) continue;
      return true;
    }
    return false;
  }

  /** The next batch to push (marked sent first), or undefined when nothing can be pushed. */
  private async takeBatch(): Promise<PushRequest | undefined> {
    const draft = new Draft(this.mirror);
    const mutations: Mutation[] = [];
    let foreign = false;
    for (const e of this.mirror.outbox.values()) {
      if (mutations.length >= this.pushBatchSize) break;
      if (e.awaitingConfirmation) continue;
      if (e.dependsOn !== undefined && this.mirror.outbox.has(e.dependsOn)) continue;
      if (e.author !== this.transport.userId) {
        foreign = true;
        continue;
      }
      if (!e.sent) draft.putEntry({ ...e, sent: true });
      mutations.push({
        clientId: this.mirror.meta.clientId,
        mutationId: e.mutationId,
        workbookId: this.workbookId,
        sheet: e.sheet,
        cell: e.cell,
        baseVersion: e.baseVersion,
        value: e.value,
        authoredAt: e.authoredAt,
      });
    }
    this.storeProblem = foreign
      ? syncText.foreignAuthor
      : this.storeProblem === syncText.foreignAuthor
        ? undefined
        : this.storeProblem;
    if (mutations.length === 0) return undefined;
    await this.persist(draft);
    return { clientId: this.mirror.meta.clientId, mutations };
  }

  /** Apply a push reply; false when it settled nothing (the server skipped mutations). */
  private async handlePushReply(req: PushRequest, reply: PushResponse): Promise<boolean> {
    const draft = new Draft(this.mirror);
    const outcomes = new Map(reply.outcomes.map((o) => [o.mutationId, o]));
    let progressed = false;
    for (const m of req.mutations) {
      const e = draft.entry(m.mutationId);
      if (!e || !e.sent || e.awaitingConfirmation) {
        progressed = true; // settled meanwhile (by a pull)
        continue;
      }
      const o =
        outcomes.get(m.mutationId) ??
        (m.mutationId <= reply.lastMutationId
          ? ({ mutationId: m.mutationId, status: "duplicate" } as const)
          : undefined);
      if (!o) continue;
      progressed = true;
      const id = cellId(e.sheet, e.cell);
      switch (o.status) {
        case "applied":
          this.ackApplied(draft, e, o.version);
          break;
        case "conflict":
          this.ackNotApplied(draft, e, {
            kind: "conflict",
            theirs: o.serverValue,
            theirsVersion: o.serverVersion,
          });
          break;
        case "rejected": {
          const cached = draft.cell(id) ?? ZERO;
          this.ackNotApplied(draft, e, {
            kind: "rejected",
            theirs: cached.value,
            theirsVersion: cached.version,
            reason: o.reason,
          });
          break;
        }
        case "duplicate":
          // Processed before (our earlier reply was lost): its change, if applied, comes with the next pull.
          draft.putEntry({ ...e, awaitingConfirmation: true });
          break;
      }
    }
    await this.persist(draft);
    return progressed;
  }

  /** After a complete pull: duplicates whose change did not come back were not applied. */
  private async confirmDuplicates(): Promise<boolean> {
    const draft = new Draft(this.mirror);
    let any = false;
    for (const e of this.mirror.outbox.values()) {
      if (!e.awaitingConfirmation) continue;
      const current = draft.entry(e.mutationId);
      if (!current) continue;
      const cached = draft.cell(cellId(e.sheet, e.cell)) ?? ZERO;
      this.ackNotApplied(draft, current, {
        kind: "conflict",
        theirs: cached.value,
        theirsVersion: cached.version,
      });
      any = true;
    }
    await this.persist(draft);
    return any;
  }

  private async pullAll(): Promise<void> {
    for (;;) {
      const since = this.mirror.meta.cursor;
      const page = await this.transport.pull({ since, workbookId: this.workbookId, limit: this.pullLimit });
      if (this.stopped) return;
      await this.exclusive(() => this.applyPage(page));
      this.emit();
      if (!page.hasMore || page.cursor === since) return;
    }
  }

  private async applyPage(page: PullResponse): Promise<void> {
    const draft = new Draft(this.mirror);
    const clientId = this.mirror.meta.clientId;
    const candidates = new Map<string, { value: CellValue; prev: { value: CellValue; version: number } }>();
    for (const c of page.changes) {
      if (c.workbookId !== this.workbookId) continue;
      const id = cellId(c.sheet, c.cell);
      if (c.clientId === clientId && c.mutationId !== null) {
        const e = draft.entry(c.mutationId);
        if (e && cellId(e.sheet, e.cell) === id) this.ackApplied(draft, e, c.version);
      }
      const cached = draft.cell(id);
      if (cached && c.version <= cached.version) continue;
      const prev = candidates.get(id)?.prev ?? cached ?? ZERO;
      draft.putCell({ sheet: c.sheet, cell: c.cell, value: c.value, version: c.version });
      candidates.delete(id);
      if (draft.entriesForCell(id).length > 0) continue; // unsynced local edit: the server will report the conflict
      const conflict = draft.openConflictFor(id);
      if (conflict) {
        draft.putConflict({ ...conflict, theirs: c.value, theirsVersion: c.version });
        continue;
      }
      candidates.set(id, { value: c.value, prev });
    }
    const writes: CellEntry[] = [];
    if (candidates.size > 0) {
      // Guard against edits the change events have not reported yet: never overwrite them.
      const ids = [...candidates.keys()];
      const current = await this.workbook.readCells(ids.map(splitId));
      ids.forEach((id, i) => {
        const cand = candidates.get(id)!;
        const wbValue = current[i] ?? null;
        if (wbValue === cand.value) return;
        if (wbValue !== cand.prev.value) {
          this.planEdit(draft, { ...splitId(id), value: wbValue }, cand.prev);
          return;
        }
        writes.push({ ...splitId(id), value: cand.value });
      });
    }
    const advanced = seqGreater(page.cursor, this.mirror.meta.cursor);
    if (advanced) draft.setCursor(page.cursor);
    await this.persist(draft);
    await this.writeWorkbook(writes, advanced ? page.cursor : undefined);
  }
}
