/** Small fixtures for the sync client's unit tests. */
import { MemorySyncServer } from "../../src/sync/memoryServer";
import type { PullResponse, PushRequest, PushResponse } from "../../src/sync/protocol";
import { SyncTransportError, type PullParams, type SyncTransport } from "../../src/sync/transport";
import { SyncClient, type SyncClientOptions } from "../../taskpane/sync/client";
import { MemorySyncStore } from "../../taskpane/store/memoryStore";
import type { SyncStore } from "../../taskpane/store/types";
import { Scheduler, SimWorkbook } from "./sim/harness";

export const WB = "wb-test";

/** A transport that can be switched off, lose replies, and counts calls. */
export class ControlledTransport implements SyncTransport {
  online = true;
  /** Process the next N pushes on the server but lose the reply (timeout). */
  loseNextPushReplies = 0;
  /** Fail the next N requests with this error before reaching the server. */
  failNext: { count: number; error: SyncTransportError } | undefined;
  pushes: PushRequest[] = [];
  pulls: PullParams[] = [];

  constructor(
    readonly server: MemorySyncServer,
    readonly userId: string,
  ) {}

  private gate(): void {
    if (!this.online) throw new SyncTransportError("offline", "ingen anslutning (test)");
    if (this.failNext && this.failNext.count > 0) {
      this.failNext.count -= 1;
      throw this.failNext.error;
    }
  }

  async push(request: PushRequest): Promise<PushResponse> {
    this.gate();
    this.pushes.push(structuredClone(request));
    const reply = this.server.push(this.userId, structuredClone(request));
    if (this.loseNextPushReplies > 0) {
      this.loseNextPushReplies -= 1;
      throw new SyncTransportError("timeout", "svaret kom bort (test)");
    }
    return structuredClone(reply);
  }

  async pull(params: PullParams): Promise<PullResponse> {
    this.gate();
    this.pulls.push({ ...params });
    return structuredClone(this.server.pull(this.userId, { ...params }));
  }
}

export interface Pane {
  client: SyncClient;
  workbook: SimWorkbook;
  store: SyncStore;
  transport: ControlledTransport;
  writes: number;
}

export class Fixture {
  readonly server: MemorySyncServer;
  readonly sched = new Scheduler();
  private ids = 0;

  constructor(server?: MemorySyncServer) {
    this.server = server ?? new MemorySyncServer();
  }

  /** A pane for `user` (new store/workbook unless given). Not started. */
  pane(
    user: string,
    over: Partial<Pick<Pane, "workbook" | "store" | "transport">> & {
      options?: Partial<SyncClientOptions>;
    } = {},
  ): Pane {
    const workbook = over.workbook ?? new SimWorkbook();
    const store = over.store ?? new MemorySyncStore(user, WB);
    const transport = over.transport ?? new ControlledTransport(this.server, user);
    const pane: Pane = { client: undefined as unknown as SyncClient, workbook, store, transport, writes: 0 };
    const original = workbook.writeCells.bind(workbook);
    workbook.writeCells = async (cells) => {
      pane.writes += 1;
      await original(cells);
    };
    pane.client = new SyncClient({
      userId: user,
      workbookId: WB,
      store,
      transport,
      workbook,
      clock: this.sched.clock(),
      random: () => 0.5,
      newClientId: () => `client-${user}-${++this.ids}`,
      pullIntervalMs: 30_000,
      retryInitialMs: 1_000,
      retryMaxMs: 60_000,
      ...over.options,
    });
    return pane;
  }

  async started(user: string, over: Parameters<Fixture["pane"]>[1] = {}): Promise<Pane> {
    const p = this.pane(user, over);
    await p.client.start();
    await p.client.syncNow();
    return p;
  }
}

/** The user types in a cell: the workbook changes and the change event reaches the client. */
export async function type(
  p: Pane,
  sheet: string,
  cell: string,
  value: string | number | boolean | null,
): Promise<void> {
  p.workbook.set(sheet, cell, value);
  await p.client.noteLocalEdits([{ sheet, cell, value }]);
}
