/**
 * Deterministic simulation of several task panes syncing through one in-memory server over a
 * bad network. Everything runs on virtual time: the scheduler owns all timers (the clients' and
 * the network's) and runs one event at a time, letting all promise work settle in between.
 *
 * The clients are the REAL SyncClient over a SyncStore (MemorySyncStore by default — durable
 * across pane restarts, wiped to simulate a cleared IndexedDB — or the Dexie store).
 */
import type { CellValue, PullResponse, PushRequest, PushResponse } from "../../../src/sync/protocol";
import { type MemorySyncServer } from "../../../src/sync/memoryServer";
import { SyncTransportError, type PullParams, type SyncTransport } from "../../../src/sync/transport";
import { SyncClient } from "../../../taskpane/sync/client";
import type { CellEntry, CellRef, SyncClock, SyncWorkbook } from "../../../taskpane/sync/types";
import { type MemorySyncStore } from "../../../taskpane/store/memoryStore";
import { cellId, type SyncStore } from "../../../taskpane/store/types";

export { mulberry32 } from "../../support/random";

interface Timer {
  time: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

/** Virtual time: a priority queue of timers, run one at a time. */
export class Scheduler {
  now = 0;
  private order = 0;
  private heap: Timer[] = [];
  steps = 0;

  at(delay: number, fn: () => void): Timer {
    const t: Timer = { time: this.now + Math.max(0, delay), order: this.order++, fn, cancelled: false };
    this.heap.push(t);
    this.up(this.heap.length - 1);
    return t;
  }

  clock(): SyncClock {
    return {
      now: () => this.now,
      setTimeout: (fn, ms) => this.at(ms, fn),
      clearTimeout: (h) => {
        if (h) (h as Timer).cancelled = true;
      },
    };
  }

  private less(a: Timer, b: Timer): boolean {
    return a.time < b.time || (a.time === b.time && a.order < b.order);
  }
  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
  private pop(): Timer | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      this.down(0);
    }
    return top;
  }
  nextTime(): number | undefined {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
    return this.heap[0]?.time;
  }
  /** Run the next live timer; false when there is none. */
  step(): boolean {
    for (;;) {
      const t = this.pop();
      if (!t) return false;
      if (t.cancelled) continue;
      this.now = Math.max(this.now, t.time);
      this.steps++;
      t.fn();
      return true;
    }
  }
}

/**
 * Let every pending promise reaction run. The simulated world uses no real timers or I/O, so
 * draining the microtask queue is enough: a nextTick callback runs only once the microtask queue
 * (including reactions queued meanwhile) is empty. SIM_SETTLE=immediate uses a macrotask instead.
 */
export function settle(): Promise<void> {
  if (process.env.SIM_SETTLE === "immediate") return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => process.nextTick(resolve));
}

export class SimWorkbook implements SyncWorkbook {
  cells = new Map<string, CellValue>();
  settings = new Map<string, string>();
  /** Called for writes made by the add-in (Office raises change events for them too). */
  onWrite: ((refs: CellRef[]) => void) | undefined;

  /** Every value each cell has shown (empty at first), for the "no silent overwrite" check. */
  readonly shown = new Map<string, Set<CellValue>>();

  noteShown(id: string, value: CellValue): void {
    let set = this.shown.get(id);
    if (!set) this.shown.set(id, (set = new Set([null])));
    set.add(value);
  }

  set(sheet: string, cell: string, value: CellValue): void {
    this.noteShown(cellId(sheet, cell), value);
    if (value === null) this.cells.delete(cellId(sheet, cell));
    else this.cells.set(cellId(sheet, cell), value);
  }
  get(sheet: string, cell: string): CellValue {
    return this.cells.get(cellId(sheet, cell)) ?? null;
  }
  async readAll(): Promise<CellEntry[]> {
    return [...this.cells].map(([id, value]) => {
      const i = id.lastIndexOf("!");
      return { sheet: id.slice(0, i), cell: id.slice(i + 1), value };
    });
  }
  async readCells(refs: CellRef[]): Promise<CellValue[]> {
    return refs.map((r) => this.get(r.sheet, r.cell));
  }
  async writeCells(cells: CellEntry[]): Promise<void> {
    for (const c of cells) this.set(c.sheet, c.cell, c.value);
    this.onWrite?.(cells.map(({ sheet, cell }) => ({ sheet, cell })));
  }
  async getSetting(key: string): Promise<string | undefined> {
    return this.settings.get(key);
  }
  async setSetting(key: string, value: string): Promise<void> {
    this.settings.set(key, value);
  }
}

export interface NetworkOptions {
  dropRate: number;
  duplicateRate: number;
  maxDelayMs: number;
  timeoutMs: number;
}

export interface AckRecord {
  clientId: string;
  mutationId: number;
  status: "applied" | "conflict" | "duplicate" | "rejected";
  value: CellValue;
  sheet: string;
  cell: string;
}

/** The network between the panes and the server. */
export class SimNetwork {
  reliable = false;
  serverEpoch = 0;
  serverDownUntil = -1;
  /** Outcomes delivered to clients (what they were told). */
  readonly acks: AckRecord[] = [];
  messages = 0;

  constructor(
    private readonly sched: Scheduler,
    readonly server: MemorySyncServer,
    private readonly rnd: () => number,
    readonly opts: NetworkOptions,
  ) {}

  restartServer(downMs: number): void {
    // Durable state stays; requests and replies in flight are lost with the connections.
    this.serverEpoch++;
    this.serverDownUntil = this.sched.now + downMs;
  }

  private delay(): number {
    return 1 + Math.floor(this.rnd() * this.opts.maxDelayMs);
  }
  private drops(): boolean {
    return !this.reliable && this.rnd() < this.opts.dropRate;
  }

  transport(userId: string, isOnline: () => boolean): SyncTransport {
    const call = <T>(handle: () => T, onReply?: (t: T) => void): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (!isOnline()) {
          reject(new SyncTransportError("offline", "simulerat: ingen anslutning"));
          return;
        }
        this.messages++;
        let settled = false;
        const timeout = this.sched.at(this.opts.timeoutMs, () => {
          if (settled) return;
          settled = true;
          reject(new SyncTransportError("timeout", "simulerat: inget svar"));
        });
        const epoch = this.serverEpoch;
        const deliver = () => {
          if (epoch !== this.serverEpoch || this.sched.now < this.serverDownUntil) return; // lost
          let reply: { ok: true; value: T } | { ok: false; error: unknown };
          try {
            reply = { ok: true, value: structuredClone(handle()) };
          } catch (error) {
            reply = { ok: false, error };
          }
          if (process.env.SIM_DEBUG)
            process.stderr.write(
              `  t=${this.sched.now} server<-${userId}: ${JSON.stringify(reply).slice(0, 400)}\n`,
            );
          if (this.drops()) return; // reply lost
          const replyEpoch = this.serverEpoch;
          this.sched.at(this.delay(), () => {
            if (replyEpoch !== this.serverEpoch || !isOnline()) return;
            if (settled) return;
            settled = true;
            timeout.cancelled = true;
            if (reply.ok) {
              onReply?.(reply.value);
              resolve(reply.value);
            } else reject(reply.error);
          });
        };
        if (!this.drops()) this.sched.at(this.delay(), deliver);
        if (!this.reliable && this.rnd() < this.opts.duplicateRate) this.sched.at(this.delay(), deliver);
      });
    return {
      userId,
      push: (req: PushRequest) => {
        const body = structuredClone(req);
        if (process.env.SIM_DEBUG)
          process.stderr.write(
            `  t=${this.sched.now} ${userId} push ${JSON.stringify(body.mutations.map((m) => [m.mutationId, m.cell, m.baseVersion, m.value]))}\n`,
          );
        return call<PushResponse>(
          () => this.server.push(userId, body),
          (reply) => {
            for (const o of reply.outcomes) {
              const m = body.mutations.find((x) => x.mutationId === o.mutationId)!;
              this.acks.push({
                clientId: body.clientId,
                mutationId: o.mutationId,
                status: o.status,
                value: m.value,
                sheet: m.sheet,
                cell: m.cell,
              });
            }
          },
        );
      },
      pull: (params: PullParams) => call<PullResponse>(() => this.server.pull(userId, { ...params })),
    };
  }
}

export const WORKBOOK_ID = "wb-sim";

/** One user's task pane over its own copy of the workbook. */
export class SimPane {
  readonly workbook = new SimWorkbook();
  store: SyncStore;
  client: SyncClient | undefined;
  online = true;
  /** Client ids this pane has used (a cleared store gets a new one). */
  readonly clientIds: string[] = [];
  /** Client ids whose local records were wiped. */
  readonly wipedClientIds = new Set<string>();
  /** The last value the user typed per cell (dropped when the user takes the server's value). */
  readonly lastTyped = new Map<string, CellValue>();
  private ids = 0;

  constructor(
    readonly index: number,
    readonly userId: string,
    private readonly net: SimNetwork,
    private readonly sched: Scheduler,
    private readonly rnd: () => number,
    makeStore: (userId: string) => SyncStore,
  ) {
    this.store = makeStore(userId);
    this.workbook.onWrite = (refs) => {
      // Office raises change events for the add-in's own writes as well: the client must ignore them.
      const c = this.client;
      if (!c) return;
      queueMicrotask(
        () => void c.noteLocalEdits(refs.map((r) => ({ ...r, value: this.workbook.get(r.sheet, r.cell) }))),
      );
    };
  }

  get open(): boolean {
    return this.client !== undefined;
  }

  async openPane(): Promise<void> {
    if (this.client) return;
    const client = new SyncClient({
      userId: this.userId,
      workbookId: WORKBOOK_ID,
      store: this.store,
      transport: this.net.transport(this.userId, () => this.online),
      workbook: this.workbook,
      clock: this.sched.clock(),
      random: this.rnd,
      newClientId: () => `sim-${this.userId}-${++this.ids}`,
      pullIntervalMs: 5_000,
      retryInitialMs: 300,
      retryMaxMs: 5_000,
      pushBatchSize: 3,
      pullLimit: 4,
    });
    this.client = client;
    await client.start();
    if (!this.clientIds.includes(client.clientId)) this.clientIds.push(client.clientId);
  }

  async closePane(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.stop();
  }

  /** The user types a value (the change event reaches the client only when the pane is open). */
  edit(sheet: string, cell: string, value: CellValue): void {
    this.workbook.set(sheet, cell, value);
    this.lastTyped.set(cellId(sheet, cell), value);
    this.typedSinceSave.add(cellId(sheet, cell));
    const c = this.client;
    if (c) void c.noteLocalEdits([{ sheet, cell, value }]);
  }

  /** The document as last saved (cells and settings), for "closed without saving". */
  saved: { cells: Map<string, CellValue>; settings: Map<string, string> } | undefined;

  save(): void {
    this.saved = { cells: new Map(this.workbook.cells), settings: new Map(this.workbook.settings) };
    this.typedSinceSave.clear();
  }

  /** Cells typed since the last save: their values may be discarded by closing without saving. */
  readonly typedSinceSave = new Set<string>();

  /** Close without saving and reopen: the document goes back to the saved state; the store does not. */
  async revertUnsaved(): Promise<void> {
    await this.closePane();
    const saved = this.saved ?? { cells: new Map<string, CellValue>(), settings: new Map<string, string>() };
    this.workbook.cells = new Map(saved.cells);
    this.workbook.settings = new Map(saved.settings);
    // the user threw these values away (unless the pane had already queued them: then they still sync)
    for (const id of this.typedSinceSave) this.lastTyped.delete(id);
    this.typedSinceSave.clear();
  }

  wipeStore(): void {
    for (const id of this.clientIds) this.wipedClientIds.add(id);
    (this.store as MemorySyncStore).wipe();
  }
}
