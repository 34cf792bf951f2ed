/**
 * The simulated world (server + network + panes), its commands for fast-check's model-based
 * testing, quiescence and the properties checked afterwards.
 */
import fc from "fast-check";
import type { CellValue } from "../../../src/sync/protocol";
import { MemorySyncServer } from "../../../src/sync/memoryServer";
import { MemorySyncStore } from "../../../taskpane/store/memoryStore";
import { StoreClearedError, cellId, type SyncStore } from "../../../taskpane/store/types";
import { SimNetwork, SimPane, Scheduler, WORKBOOK_ID, mulberry32, settle } from "./harness";

export const CELLS: ReadonlyArray<[string, string]> = [
  ["Blad1", "A1"],
  ["Blad1", "A2"],
  ["Blad1", "B1"],
  ["Volym", "C3"],
];
export const VALUES: readonly CellValue[] = [null, 1, 2, 3.5, "a", "b", true];

export interface SimOptions {
  panes: number;
  seed: number;
  /** The store does real asynchronous work (IndexedDB): settle by counting its operations. */
  tracked?: InflightCounter;
  makeStore?: (userId: string) => SyncStore;
  /** Whether a pane's store can be wiped (simulating Office clearing IndexedDB). */
  wipe?: (pane: SimPane) => Promise<void> | void;
}

export interface InflightCounter {
  inflight: number;
}

/** Wrap a store so the simulation knows when its (real) asynchronous operations are done. */
export function trackStore(store: SyncStore, counter: InflightCounter): SyncStore {
  const track = async <T>(p: () => Promise<T>): Promise<T> => {
    counter.inflight++;
    try {
      return await p();
    } finally {
      counter.inflight--;
    }
  };
  return {
    userId: store.userId,
    workbookId: store.workbookId,
    load: (init) => track(() => store.load(init)),
    commit: (w) => track(() => store.commit(w)),
    close: () => track(() => store.close()),
  };
}

class DebugTrace extends Array<string> {
  override push(...items: string[]): number {
    for (const i of items) process.stderr.write(`${i}\n`);
    return super.push(...items);
  }
}

/** The conflict dialog shows the server's value: a "keep mine" or "edit" decision is made having seen it. */
function showTheirs(p: SimPane, conflict: { sheet: string; cell: string; theirs: CellValue }): void {
  const id = cellId(conflict.sheet, conflict.cell);
  p.workbook.noteShown(id, conflict.theirs);
  const cached = p.client?.cachedCell(conflict.sheet, conflict.cell);
  if (cached) p.workbook.noteShown(id, cached.value);
}

/** Resolving fails when the store was cleared under the pane; the pane reloads and the conflict comes back. */
async function tolerateCleared(p: Promise<void>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (err) {
    if (err instanceof StoreClearedError) return false;
    throw err;
  }
}

export class World {
  readonly sched = new Scheduler();
  readonly server = new MemorySyncServer();
  readonly rnd: () => number;
  readonly net: SimNetwork;
  readonly panes: SimPane[];
  private readonly wipeImpl: (pane: SimPane) => Promise<void> | void;
  private readonly tracked: InflightCounter | undefined;
  readonly trace: string[] = process.env.SIM_DEBUG ? new DebugTrace() : [];

  constructor(opts: SimOptions) {
    this.rnd = mulberry32(opts.seed);
    this.net = new SimNetwork(this.sched, this.server, this.rnd, {
      dropRate: 0.15,
      duplicateRate: 0.1,
      maxDelayMs: 400,
      timeoutMs: 2_000,
    });
    const makeStore = opts.makeStore ?? ((u: string) => new MemorySyncStore(u, WORKBOOK_ID));
    this.panes = Array.from(
      { length: opts.panes },
      (_, i) => new SimPane(i, `user${i}`, this.net, this.sched, this.rnd, makeStore),
    );
    this.wipeImpl = opts.wipe ?? ((p) => p.wipeStore());
    this.tracked = opts.tracked;
  }

  async init(): Promise<void> {
    for (const p of this.panes) await this.run(p.openPane());
    this.noteIds();
  }

  noteIds(): void {
    for (const p of this.panes) {
      const id = p.client?.clientId;
      if (id && !p.clientIds.includes(id)) p.clientIds.push(id);
    }
  }

  /** Let all pending work settle: microtasks, and for a real store (IndexedDB) its own tasks. */
  async settle(): Promise<void> {
    await settle();
    if (this.tracked) {
      for (let i = 0; i < 100_000 && this.tracked.inflight > 0; i++)
        await new Promise((r) => setImmediate(r));
      await settle();
    }
  }

  /** Run virtual time until `promise` settles (events in order, everything settled in between). */
  async run<T>(promise: Promise<T>, maxSteps = 20_000): Promise<T> {
    let done = false;
    const p = promise.finally(() => {
      done = true;
    });
    p.catch(() => undefined);
    await this.settle();
    let steps = 0;
    while (!done) {
      if (!this.sched.step()) {
        await this.settle();
        if (!done)
          throw new Error("simulation deadlock: nothing scheduled but the operation is still pending");
        break;
      }
      await this.settle();
      if (++steps > maxSteps) throw new Error(`simulation did not finish within ${maxSteps} events`);
    }
    return p;
  }

  /** Let `ms` of virtual time pass. */
  async advance(ms: number): Promise<void> {
    const until = this.sched.now + ms;
    await this.settle();
    for (;;) {
      const next = this.sched.nextTime();
      if (next === undefined || next > until) break;
      this.sched.step();
      await this.settle();
      this.noteIds();
    }
    this.sched.now = until;
  }

  async wipe(pane: SimPane): Promise<void> {
    for (const id of pane.clientIds) pane.wipedClientIds.add(id);
    if (pane.client) pane.wipedClientIds.add(pane.client.clientId);
    await this.wipeImpl(pane);
  }

  /** Bring everything back and let it settle: reliable network, everyone online, conflicts resolved. */
  async quiesce(): Promise<void> {
    this.net.reliable = true;
    this.net.serverDownUntil = -1;
    for (const p of this.panes) {
      p.online = true;
      if (!p.open) await this.run(p.openPane());
    }
    this.noteIds();
    for (let round = 0; round < 30; round++) {
      for (const p of this.panes) await this.run(p.client!.syncNow());
      let busy = false;
      for (const p of this.panes) {
        const c = p.client!;
        for (const conflict of c.listConflicts()) {
          busy = true;
          showTheirs(p, conflict);
          const r = this.rnd();
          const id = cellId(conflict.sheet, conflict.cell);
          if (r < 0.4) {
            this.trace.push(`${p.userId} keeps mine on ${id}`);
            await this.run(tolerateCleared(c.resolveConflict(conflict.id, "mine")));
          } else if (r < 0.8) {
            this.trace.push(`${p.userId} takes theirs on ${id}`);
            if (await this.run(tolerateCleared(c.resolveConflict(conflict.id, "theirs"))))
              p.lastTyped.delete(id); // the user chose to drop their value
          } else {
            const v = `edit${round}`;
            this.trace.push(`${p.userId} edits ${id} to ${v}`);
            if (await this.run(tolerateCleared(c.resolveConflict(conflict.id, "edit", v))))
              p.lastTyped.set(id, v);
          }
        }
        await this.run(c.syncNow());
      }
      for (const p of this.panes) await this.run(p.client!.syncNow());
      for (const p of this.panes) {
        const st = p.client!.getStatus();
        if (st.pending > 0 || st.conflicts > 0 || st.state !== "synced") busy = true;
      }
      this.noteIds();
      if (!busy) break;
    }
    // everyone pulls the final state
    for (const p of this.panes) await this.run(p.client!.syncNow());
    for (const p of this.panes) await this.run(p.client!.syncNow());
    this.noteIds();
  }

  /** The properties after quiescence; throws with a description of the first violation. */
  check(): void {
    const fail = (msg: string): never => {
      throw new Error(`${msg}\n--- trace ---\n${this.trace.slice(-60).join("\n")}`);
    };
    const server = this.server;
    const serverCells = server.cells(WORKBOOK_ID);

    // No mutation applied twice; versions of a cell go 1, 2, 3, ...
    const seen = new Set<string>();
    const versions = new Map<string, number>();
    for (const c of server.log) {
      if (c.clientId !== null) {
        const k = `${c.clientId}:${c.mutationId}`;
        if (seen.has(k)) fail(`mutation ${k} applied twice`);
        seen.add(k);
      }
      const id = cellId(c.sheet, c.cell);
      const v = (versions.get(id) ?? 0) + 1;
      if (c.version !== v) fail(`cell ${id}: version ${c.version} after ${v - 1}`);
      versions.set(id, v);
    }
    const noops = new Set(server.noops.map((n) => `${n.clientId}:${n.mutationId}`));
    const serverConflicts = new Set(server.conflicts.map((c) => `${c.clientId}:${c.mutationId}`));

    // Every acknowledged mutation is in the server state (log or no-op) or a recorded conflict.
    for (const a of this.net.acks) {
      const k = `${a.clientId}:${a.mutationId}`;
      if (a.status === "applied" && !seen.has(k) && !noops.has(k))
        fail(`acknowledged mutation ${k} is not on the server`);
      if (a.status === "conflict" && !serverConflicts.has(k))
        fail(`conflict ${k} not recorded by the server`);
    }

    // No silent overwrite: a change replaced a value its author's workbook had shown (or its own
    // earlier value); otherwise the user overwrote something they never saw.
    const paneOf = new Map<string, SimPane>();
    for (const p of this.panes) for (const id of p.clientIds) paneOf.set(id, p);
    const history = new Map<string, CellValue[]>(); // value by version, index 0 = empty
    for (const ch of server.log) {
      const id = cellId(ch.sheet, ch.cell);
      const h = history.get(id) ?? [null];
      const base = server.baseVersionOf(ch.seq)!;
      const author = ch.clientId ? paneOf.get(ch.clientId) : undefined;
      if (author && base === ch.version - 1) {
        const overwritten = h[base];
        if (!(author.workbook.shown.get(id) ?? new Set([null])).has(overwritten)) {
          fail(
            `${author.userId} overwrote ${id} = ${JSON.stringify(overwritten)} (version ${base}) without ever seeing it`,
          );
        }
      }
      h[ch.version] = ch.value;
      history.set(id, h);
    }

    for (const p of this.panes) {
      const c = p.client!;
      const status = c.getStatus();
      if (status.pending !== 0 || status.conflicts !== 0 || status.state !== "synced") {
        fail(
          `${p.userId} not quiescent: ${JSON.stringify(status)} outbox=${JSON.stringify(c.pendingEdits())} conflicts=${JSON.stringify(c.allConflicts())}`,
        );
      }
      // converge: the workbook and the cache equal the server
      const ids = new Set<string>([...serverCells.keys(), ...p.workbook.cells.keys()]);
      for (const id of ids) {
        const i = id.lastIndexOf("!");
        const [sheet, cell] = [id.slice(0, i), id.slice(i + 1)];
        const want = serverCells.get(id)?.value ?? null;
        const got = p.workbook.get(sheet, cell);
        if (got !== want)
          fail(`${p.userId}: workbook ${id} = ${JSON.stringify(got)}, server = ${JSON.stringify(want)}`);
        const cached = c.cachedCell(sheet, cell);
        const sv = serverCells.get(id);
        if (
          (cached?.version ?? 0) !== (sv?.version ?? 0) ||
          (cached?.value ?? null) !== (sv?.value ?? null)
        ) {
          fail(`${p.userId}: cache ${id} = ${JSON.stringify(cached)}, server = ${JSON.stringify(sv)}`);
        }
      }
      // no conflict lost: every conflict the server recorded for this pane's clients is known to it
      const records = new Set(c.allConflicts().map((r) => r.id));
      for (const sc of server.conflicts) {
        if (!p.clientIds.includes(sc.clientId) || p.wipedClientIds.has(sc.clientId)) continue;
        const k = `${sc.clientId}:${sc.mutationId}`;
        if (!records.has(k))
          fail(`${p.userId}: server conflict ${k} on ${sc.sheet}!${sc.cell} missing in the client`);
      }
      // never drop a value silently: the last value the user typed reached the server's history
      for (const [id, value] of p.lastTyped) {
        if (value === null) continue; // "empty" is every cell's initial state
        const i = id.lastIndexOf("!");
        const history = server.log
          .filter((ch) => ch.sheet === id.slice(0, i) && ch.cell === id.slice(i + 1))
          .map((ch) => ch.value);
        if (!history.includes(value))
          fail(
            `${p.userId}: typed ${JSON.stringify(value)} in ${id}, never reached the server (history ${JSON.stringify(history)})`,
          );
      }
    }
  }
}

// ------------------------------------------------------------------ fast-check commands

export interface Model {
  panes: number;
}

type Cmd = fc.AsyncCommand<Model, World>;

class EditCmd implements Cmd {
  constructor(
    readonly pane: number,
    readonly cell: number,
    readonly value: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    return this.pane < m.panes;
  }
  async run(_m: Model, w: World): Promise<void> {
    const [sheet, cell] = CELLS[this.cell];
    w.trace.push(
      `t=${w.sched.now} user${this.pane} types ${JSON.stringify(VALUES[this.value])} in ${sheet}!${cell}`,
    );
    w.panes[this.pane].edit(sheet, cell, VALUES[this.value]);
    await w.settle();
  }
  toString(): string {
    return `edit(${this.pane}, ${CELLS[this.cell].join("!")}, ${JSON.stringify(VALUES[this.value])})`;
  }
}

class AdvanceCmd implements Cmd {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, w: World): Promise<void> {
    await w.advance(this.ms);
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

class OnlineCmd implements Cmd {
  constructor(
    readonly pane: number,
    readonly online: boolean,
  ) {}
  check(m: Readonly<Model>): boolean {
    return this.pane < m.panes;
  }
  async run(_m: Model, w: World): Promise<void> {
    const p = w.panes[this.pane];
    w.trace.push(`t=${w.sched.now} user${this.pane} ${this.online ? "online" : "offline"}`);
    p.online = this.online;
    if (this.online) p.client?.onFocus();
    await w.settle();
  }
  toString(): string {
    return `${this.online ? "online" : "offline"}(${this.pane})`;
  }
}

class FocusCmd implements Cmd {
  constructor(readonly pane: number) {}
  check(m: Readonly<Model>): boolean {
    return this.pane < m.panes;
  }
  async run(_m: Model, w: World): Promise<void> {
    w.panes[this.pane].client?.onFocus();
    await w.settle();
  }
  toString(): string {
    return `focus(${this.pane})`;
  }
}

class RestartServerCmd implements Cmd {
  constructor(readonly downMs: number) {}
  check(): boolean {
    return true;
  }
  async run(_m: Model, w: World): Promise<void> {
    w.trace.push(`t=${w.sched.now} server restart (down ${this.downMs} ms)`);
    w.net.restartServer(this.downMs);
    await w.settle();
  }
  toString(): string {
    return `restartServer(${this.downMs})`;
  }
}

class PaneCmd implements Cmd {
  constructor(
    readonly pane: number,
    readonly action: "close" | "open" | "wipe",
  ) {}
  check(m: Readonly<Model>): boolean {
    return this.pane < m.panes;
  }
  async run(_m: Model, w: World): Promise<void> {
    const p = w.panes[this.pane];
    w.trace.push(`t=${w.sched.now} user${this.pane} ${this.action} pane`);
    if (this.action === "close") await p.closePane();
    else if (this.action === "open") await w.run(p.openPane());
    else await w.wipe(p);
    w.noteIds();
  }
  toString(): string {
    return `${this.action}Pane(${this.pane})`;
  }
}

class DocumentCmd implements Cmd {
  constructor(
    readonly pane: number,
    readonly action: "save" | "revert",
  ) {}
  check(m: Readonly<Model>): boolean {
    return this.pane < m.panes;
  }
  async run(_m: Model, w: World): Promise<void> {
    const p = w.panes[this.pane];
    w.trace.push(
      `t=${w.sched.now} user${this.pane} ${this.action === "save" ? "saves the workbook" : "closes without saving and reopens"}`,
    );
    if (this.action === "save") p.save();
    else {
      await p.revertUnsaved();
      await w.run(p.openPane());
    }
    w.noteIds();
  }
  toString(): string {
    return `${this.action}(${this.pane})`;
  }
}

class ResolveCmd implements Cmd {
  constructor(
    readonly pane: number,
    readonly choice: "mine" | "theirs" | "edit",
    readonly value: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    return this.pane < m.panes;
  }
  async run(_m: Model, w: World): Promise<void> {
    const p = w.panes[this.pane];
    const c = p.client;
    const conflict = c?.listConflicts()[0];
    if (!c || !conflict) return;
    const id = cellId(conflict.sheet, conflict.cell);
    showTheirs(p, conflict);
    w.trace.push(`t=${w.sched.now} user${this.pane} resolves ${id} with ${this.choice}`);
    const v = VALUES[this.value];
    if (!(await w.run(tolerateCleared(c.resolveConflict(conflict.id, this.choice, v))))) return;
    if (this.choice === "theirs") p.lastTyped.delete(id);
    if (this.choice === "edit") p.lastTyped.set(id, v);
  }
  toString(): string {
    return `resolve(${this.pane}, ${this.choice}, ${JSON.stringify(VALUES[this.value])})`;
  }
}

export function commandArbitraries(maxPanes: number, withWipe: boolean): Array<fc.Arbitrary<Cmd>> {
  const pane = fc.integer({ min: 0, max: maxPanes - 1 });
  const edit = fc
    .tuple(
      pane,
      fc.integer({ min: 0, max: CELLS.length - 1 }),
      fc.integer({ min: 0, max: VALUES.length - 1 }),
    )
    .map(([p, c, v]) => new EditCmd(p, c, v));
  const arbs: Array<fc.Arbitrary<Cmd>> = [
    edit,
    edit,
    edit,
    edit,
    edit,
    fc.integer({ min: 0, max: 4_000 }).map((ms) => new AdvanceCmd(ms)),
    fc.integer({ min: 0, max: 400 }).map((ms) => new AdvanceCmd(ms)),
    fc.tuple(pane, fc.boolean()).map(([p, on]) => new OnlineCmd(p, on)),
    pane.map((p) => new FocusCmd(p)),
    fc.integer({ min: 0, max: 3_000 }).map((ms) => new RestartServerCmd(ms)),
    fc.tuple(pane, fc.constantFrom<"close" | "open">("close", "open")).map(([p, a]) => new PaneCmd(p, a)),
    fc
      .tuple(
        pane,
        fc.constantFrom<"mine" | "theirs" | "edit">("mine", "theirs", "edit"),
        fc.integer({ min: 0, max: VALUES.length - 1 }),
      )
      .map(([p, ch, v]) => new ResolveCmd(p, ch, v)),
  ];
  if (withWipe) arbs.push(pane.map((p) => new PaneCmd(p, "wipe")));
  arbs.push(pane.map((p) => new DocumentCmd(p, "save")));
  arbs.push(pane.map((p) => new DocumentCmd(p, "revert")));
  return arbs;
}

export interface ScenarioOptions {
  tracked?: InflightCounter;
  /** fast-check's replayPath of the commands (printed with a counterexample). */
  replayPath?: string;
  maxPanes?: number;
  maxCommands?: number;
  withWipe?: boolean;
  makeStore?: (userId: string) => SyncStore;
  wipe?: (pane: SimPane) => Promise<void> | void;
}

/** Totals over all runs (to see that the scenarios exercise what they should). */
export const simStats = {
  runs: 0,
  changes: 0,
  serverConflicts: 0,
  noops: 0,
  acks: { applied: 0, conflict: 0, duplicate: 0, rejected: 0 },
  clientConflicts: 0,
  autoResolved: 0,
  wipes: 0,
  messages: 0,
  events: 0,
};

function collect(world: World): void {
  simStats.runs++;
  simStats.changes += world.server.log.length;
  simStats.serverConflicts += world.server.conflicts.length;
  simStats.noops += world.server.noops.length;
  for (const a of world.net.acks) simStats.acks[a.status]++;
  for (const p of world.panes) {
    const all = p.client?.allConflicts() ?? [];
    simStats.clientConflicts += all.length;
    simStats.autoResolved += all.filter((c) => c.resolution === "auto").length;
    if (p.wipedClientIds.size) simStats.wipes++;
  }
  simStats.messages += world.net.messages;
  simStats.events += world.sched.steps;
}

/** The property: any scenario, after quiescence, satisfies World.check(). */
export function simulationProperty(o: ScenarioOptions = {}) {
  const maxPanes = o.maxPanes ?? 3;
  return fc.asyncProperty(
    fc.integer({ min: 2, max: maxPanes }),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    fc.commands(commandArbitraries(maxPanes, o.withWipe ?? true), {
      maxCommands: o.maxCommands ?? 40,
      size: "large",
      replayPath: o.replayPath,
    }),
    async (panes, seed, cmds) => {
      const world = new World({ panes, seed, makeStore: o.makeStore, wipe: o.wipe, tracked: o.tracked });
      await world.init();
      await fc.asyncModelRun(() => ({ model: { panes }, real: world }), cmds);
      await world.quiesce();
      world.check();
      collect(world);
      for (const p of world.panes) await p.closePane();
    },
  );
}
