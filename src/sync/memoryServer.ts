/**
 * In-memory reference implementation of the sync server's semantics. It is the oracle for the
 * deterministic simulation and a test double for the client; the SQL server (src/server) must
 * behave the same, which test/sync/conformance.ts checks against both.
 *
 * Semantics (issue 7, and as src/server/sync.ts implements them):
 * - Push applies a batch in order, atomically (here: synchronously). Per client the server keeps
 *   the last processed mutation id; a mutation id at or below it is skipped ("duplicate").
 * - Each new mutation is authorised ("rejected" with a Swedish reason otherwise).
 * - base version == the cell's version (0 = no cell) → applied: version + 1, one change appended
 *   to the log with the next seq (also when the value happens to be equal).
 * - base version < the cell's version, but every newer version was written by this same client
 *   (its own earlier edits, whose acknowledgement it has not seen yet) → applied the same way.
 * - otherwise, when the cell exists and its value equals the mutation's value → "applied" with
 *   the cell's current version and the seq of the change that produced it; nothing is written.
 * - otherwise → "conflict": not applied, recorded, answered with the server's value and version.
 * - Every processed mutation (applied, conflict or rejected) advances the client's last id.
 * - A client id belongs to the first user that pushed with it; another user's push with it is
 *   refused as a whole (403).
 * - Pull returns the readable changes with seq > since, in seq order, at most `limit`; hasMore
 *   tells whether more are waiting; the cursor is the seq of the last change returned when more
 *   are waiting, else the log's head (or `since` if that is larger). Every applied mutation
 *   appears in the log exactly once with its client id and mutation id (no compaction).
 */
import {
  PullQuerySchema,
  PushRequestSchema,
  type CellValue,
  type Change,
  type Mutation,
  type MutationOutcome,
  type PullResponse,
  type PushResponse,
} from "./protocol";
import { SyncTransportError, type PullParams, type SyncTransport } from "./transport";

export interface RecordedConflict {
  clientId: string;
  mutationId: number;
  userId: string;
  workbookId: string;
  sheet: string;
  cell: string;
  baseVersion: number;
  value: CellValue;
  serverValue: CellValue;
  serverVersion: number;
}

export interface NoopApplication {
  clientId: string;
  mutationId: number;
  workbookId: string;
  sheet: string;
  cell: string;
  value: CellValue;
  version: number;
}

export interface ServerCell {
  value: CellValue;
  version: number;
  lastSeq: number;
  /** authors[v - 1] = the client id that wrote version v. */
  authors: Array<string | null>;
}

export interface MemoryServerOptions {
  /** null when the user may write the mutation; otherwise the rejection. Default: allowed. */
  authorizeWrite?: (userId: string, mutation: Mutation) => { code: string; reason: string } | null;
  /** Whether the user may read the workbook's changes. Default: yes. */
  canRead?: (userId: string, workbookId: string) => boolean;
  /** Commit timestamp (ISO). Default: a fixed epoch-based counter, deterministic. */
  now?: () => string;
}

export function cellKey(workbookId: string, sheet: string, cell: string): string {
  return `${workbookId}\u0000${sheet}\u0000${cell}`;
}

export class MemorySyncServer {
  private readonly cellsByKey = new Map<string, ServerCell>();
  private readonly lastMutation = new Map<string, number>();
  private readonly clientOwner = new Map<string, string>();
  private readonly changeLog: Change[] = [];
  private readonly conflictLog: RecordedConflict[] = [];
  private readonly noopLog: NoopApplication[] = [];
  private readonly bases = new Map<string, number>();
  private seq = 0;
  private tick = 0;

  constructor(private readonly options: MemoryServerOptions = {}) {}

  /** The change log (durable state). */
  get log(): readonly Change[] {
    return this.changeLog;
  }
  get conflicts(): readonly RecordedConflict[] {
    return this.conflictLog;
  }
  /** Mutations accepted without a change because the value was already there. */
  get noops(): readonly NoopApplication[] {
    return this.noopLog;
  }
  /** The base version the mutation behind a logged change carried (for the simulation's checks). */
  baseVersionOf(seq: string): number | undefined {
    return this.bases.get(seq);
  }
  get headSeq(): string {
    return String(this.seq);
  }
  lastMutationId(clientId: string): number {
    return this.lastMutation.get(clientId) ?? 0;
  }
  cell(workbookId: string, sheet: string, cell: string): ServerCell | undefined {
    return this.cellsByKey.get(cellKey(workbookId, sheet, cell));
  }
  /** All cells of a workbook: "Sheet!A1" → cell. */
  cells(workbookId: string): Map<string, ServerCell> {
    const out = new Map<string, ServerCell>();
    const prefix = `${workbookId}\u0000`;
    for (const [key, c] of this.cellsByKey) {
      if (!key.startsWith(prefix)) continue;
      const [, sheet, cell] = key.split("\u0000");
      out.set(`${sheet}!${cell}`, c);
    }
    return out;
  }

  private now(): string {
    if (this.options.now) return this.options.now();
    this.tick += 1;
    return new Date(Date.UTC(2026, 0, 1) + this.tick).toISOString();
  }

  /** Process a push request (validated here, as the HTTP server does). Throws SyncTransportError on a bad request. */
  push(userId: string, body: unknown): PushResponse {
    const parsed = PushRequestSchema.safeParse(body);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new SyncTransportError(
        "bad-request",
        `Ogiltig sändning: ${first?.message ?? "fel format"} (${first?.path.join(".") ?? ""})`,
        400,
        "invalid_request",
      );
    }
    const req = parsed.data;
    const owner = this.clientOwner.get(req.clientId);
    if (owner !== undefined && owner !== userId) {
      throw new SyncTransportError(
        "forbidden",
        "Klient-id:t tillhör en annan användare",
        403,
        "client_owner",
      );
    }
    this.clientOwner.set(req.clientId, userId);

    let last = this.lastMutation.get(req.clientId) ?? 0;
    const outcomes: MutationOutcome[] = [];
    for (const m of req.mutations) {
      if (m.mutationId <= last) {
        outcomes.push({ mutationId: m.mutationId, status: "duplicate" });
        continue;
      }
      last = m.mutationId;
      const denied = this.options.authorizeWrite?.(userId, m) ?? null;
      if (denied) {
        outcomes.push({
          mutationId: m.mutationId,
          status: "rejected",
          code: denied.code,
          reason: denied.reason,
        });
        continue;
      }
      const key = cellKey(m.workbookId, m.sheet, m.cell);
      const current = this.cellsByKey.get(key);
      const curValue = current?.value ?? null;
      const curVersion = current?.version ?? 0;
      const ownChain =
        current !== undefined &&
        m.baseVersion < curVersion &&
        current.authors.slice(m.baseVersion).every((a) => a === m.clientId);
      if (m.baseVersion !== curVersion && !ownChain) {
        if (current && current.value === m.value) {
          this.noopLog.push({
            clientId: m.clientId,
            mutationId: m.mutationId,
            workbookId: m.workbookId,
            sheet: m.sheet,
            cell: m.cell,
            value: m.value,
            version: current.version,
          });
          outcomes.push({
            mutationId: m.mutationId,
            status: "applied",
            version: current.version,
            seq: String(current.lastSeq),
          });
          continue;
        }
        this.conflictLog.push({
          clientId: m.clientId,
          mutationId: m.mutationId,
          userId,
          workbookId: m.workbookId,
          sheet: m.sheet,
          cell: m.cell,
          baseVersion: m.baseVersion,
          value: m.value,
          serverValue: curValue,
          serverVersion: curVersion,
        });
        outcomes.push({
          mutationId: m.mutationId,
          status: "conflict",
          serverValue: curValue,
          serverVersion: curVersion,
        });
        continue;
      }
      this.seq += 1;
      const version = curVersion + 1;
      this.cellsByKey.set(key, {
        value: m.value,
        version,
        lastSeq: this.seq,
        authors: [...(current?.authors ?? []), m.clientId],
      });
      this.bases.set(String(this.seq), m.baseVersion);
      this.changeLog.push({
        seq: String(this.seq),
        workbookId: m.workbookId,
        sheet: m.sheet,
        cell: m.cell,
        value: m.value,
        version,
        clientId: m.clientId,
        mutationId: m.mutationId,
        authoredAt: m.authoredAt,
        committedAt: this.now(),
      });
      outcomes.push({ mutationId: m.mutationId, status: "applied", version, seq: String(this.seq) });
    }
    this.lastMutation.set(req.clientId, last);
    return { outcomes, lastMutationId: last };
  }

  /** Process a pull query (validated here). */
  pull(userId: string, query: unknown): PullResponse {
    const parsed = PullQuerySchema.safeParse(query);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new SyncTransportError(
        "bad-request",
        `Ogiltig hämtning: ${first?.message ?? "fel format"}`,
        400,
        "invalid_request",
      );
    }
    const { since, workbookId, limit } = parsed.data;
    const sinceN = Number(since);
    if (workbookId !== undefined && this.options.canRead && !this.options.canRead(userId, workbookId)) {
      throw new SyncTransportError(
        "forbidden",
        "Du har inte behörighet att läsa arbetsboken",
        403,
        "forbidden",
      );
    }
    // The log is sorted by seq: binary search for the first change after `since`.
    let lo = 0;
    let hi = this.changeLog.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Number(this.changeLog[mid].seq) <= sinceN) lo = mid + 1;
      else hi = mid;
    }
    const changes: Change[] = [];
    let hasMore = false;
    for (let i = lo; i < this.changeLog.length; i++) {
      const c = this.changeLog[i];
      if (workbookId !== undefined && c.workbookId !== workbookId) continue;
      if (this.options.canRead && !this.options.canRead(userId, c.workbookId)) continue;
      if (changes.length === limit) {
        hasMore = true;
        break;
      }
      changes.push({ ...c });
    }
    const cursor = hasMore ? changes[changes.length - 1].seq : this.seq > sinceN ? String(this.seq) : since;
    return { changes, cursor, hasMore };
  }

  /** An in-process transport for `userId` (no network: replies are immediate, copies of the data). */
  transport(userId: string): SyncTransport {
    return {
      userId,
      push: async (request) => structuredClone(this.push(userId, structuredClone(request))),
      pull: async (params: PullParams) => structuredClone(this.pull(userId, { ...params })),
    };
  }
}
