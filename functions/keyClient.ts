/**
 * The client behind UPPF.KOSTNADSNYCKEL: reads agreed cost-key shares from the shared store.
 *
 * - Batching: every cell asks the shared {@link CostKeyClient}; requests that arrive within a
 *   short window (default 25 ms, one recalculation) are answered by ONE request for all
 *   (agreement, party, period) tuples. Cells asking for a tuple already known get the cached
 *   answer at once and cause no request.
 * - Live update: while at least one cell listens, one timer (shared by all cells) re-reads all
 *   tuples in one request every `pollIntervalMs` (default 30 s); a cell gets a new result only
 *   when its answer changed. The task pane may call `globalThis.__uppfKeyClientRefresh()`
 *   after it changed a key or signed in, to update the cells at once.
 * - Connection: the base URL and token come from the task pane's sign-in, see
 *   {@link KeyClientConfig} and {@link readKeyClientConfig}. Without them, or when the store
 *   cannot be reached, every cell shows #N/A "ingen anslutning till den delade lagringen".
 */
import { notComputable, ok, type Computed } from "../src/domain/result";

/**
 * How KOSTNADSNYCKEL reaches the shared store. The task pane provides it after sign-in, in the
 * shared runtime, in one of two places (read on every request, so a renewed token is used):
 * 1. `globalThis.__uppfKeyClientConfig = { baseUrl, token }` (preferred: memory only), or
 * 2. `localStorage["uppf.keyClient.v1"] = JSON.stringify({ baseUrl, token })`.
 * On sign-out, remove both. `baseUrl` is the server's origin, e.g. "https://localhost:3000".
 */
export interface KeyClientConfig {
  /** Server origin (and optional path prefix), without a trailing "/api". */
  baseUrl: string;
  /** Bearer token of the signed-in user (role finance). */
  token: string;
  /** Re-read interval for live updates, ms (default 30 000, at least 1 000). */
  pollIntervalMs?: number;
}

export const KEY_CLIENT_CONFIG_GLOBAL = "__uppfKeyClientConfig";
export const KEY_CLIENT_REFRESH_GLOBAL = "__uppfKeyClientRefresh";
export const KEY_CLIENT_STORAGE_KEY = "uppf.keyClient.v1";

/** The message of the #N/A a cell shows without a connection (issue wording, kept exact). */
export const NO_CONNECTION = "ingen anslutning till den delade lagringen";

function validConfig(v: unknown): KeyClientConfig | null {
  if (!v || typeof v !== "object") return null;
  const c = v as Partial<KeyClientConfig>;
  if (typeof c.baseUrl !== "string" || c.baseUrl.trim() === "") return null;
  if (typeof c.token !== "string" || c.token.trim() === "") return null;
  return {
    baseUrl: c.baseUrl.trim().replace(/\/+$/, ""),
    token: c.token.trim(),
    pollIntervalMs:
      typeof c.pollIntervalMs === "number" && c.pollIntervalMs >= 1000 ? c.pollIntervalMs : undefined,
  };
}

/** The current config from the shared-runtime global or localStorage, or null (not signed in). */
export function readKeyClientConfig(): KeyClientConfig | null {
  const g = globalThis as Record<string, unknown>;
  const fromGlobal = validConfig(g[KEY_CLIENT_CONFIG_GLOBAL]);
  if (fromGlobal) return fromGlobal;
  try {
    const storage = (g.localStorage as Storage | undefined) ?? undefined;
    const raw = storage?.getItem(KEY_CLIENT_STORAGE_KEY);
    return raw ? validConfig(JSON.parse(raw)) : null;
  } catch {
    return null; // storage blocked or bad JSON: treated as not signed in
  }
}

/** One question a cell asks: the share of `party` in `agreementId`'s key for `period`. */
export interface ShareQuery {
  /** Agreement id, or the id of one key of the agreement. */
  agreementId: string;
  /** Party: org id ("04") or name ("Region Sörmland"). */
  party: string;
  /** "2025", "2025-03" or "2025-03-31"; null = the key in force now. */
  period: string | null;
}

export function queryKey(q: ShareQuery): string {
  return JSON.stringify([q.agreementId, q.party, q.period]);
}

/** Answers one batch of queries with one request; answers in the order of the queries. */
export interface KeyTransport {
  fetchShares(queries: ShareQuery[]): Promise<Array<Computed<number>>>;
}

// ------------------------------------------------------------------ resolving against GET /api/cost-keys

/** The subset of the server's AgreementSchema (src/server/schemas.ts) the resolver reads. */
export interface AgreementReply {
  id: string;
  name: string;
  parties: Array<{ orgId: string; name: string }>;
  keys: Array<{
    id: string;
    name: string;
    versions: Array<{
      versionNo: number;
      status: "draft" | "proposed" | "active" | "superseded";
      weights: Array<{ orgId: string; share: number }>;
      activatedAt: string | null;
      supersededAt: string | null;
    }>;
  }>;
}

/**
 * The instant a period ends (exclusive, UTC), for choosing the key version in force then.
 * null period: now. Invalid text gives null.
 */
export function periodEnd(period: string | null, now: Date): Date | null {
  if (period === null) return now;
  let m = /^(\d{4})$/.exec(period);
  if (m) return new Date(Date.UTC(Number(m[1]) + 1, 0, 1));
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]), 1));
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(period);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const day = new Date(Date.UTC(y, mo - 1, d));
    if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
    return new Date(Date.UTC(y, mo - 1, d + 1));
  }
  return null;
}

function sameParty(orgId: string, name: string, party: string): boolean {
  if (orgId === party) return true;
  if (name.localeCompare(party, "sv", { sensitivity: "base" }) === 0) return true;
  // A code typed as a number loses its leading zero: 4 for "04".
  return /^\d+$/.test(party) && /^\d+$/.test(orgId) && Number(party) === Number(orgId);
}

/**
 * Pick a party's share from the agreements the signed-in user may see: the version that was in
 * force (activated, not yet superseded) at the end of the period. The shares themselves are
 * computed by the store (weight / sum of weights); nothing is recomputed here.
 */
export function resolveShare(
  agreements: AgreementReply[],
  q: ShareQuery,
  now: Date = new Date(),
): Computed<number> {
  const end = periodEnd(q.period, now);
  if (!end)
    return notComputable(
      "value",
      `Perioden "${q.period}" ska vara ett år (2025), en månad (2025-03) eller ett datum.`,
    );
  let agreement = agreements.find((a) => a.id === q.agreementId);
  let key = agreement?.keys.length === 1 ? agreement.keys[0] : undefined;
  if (!agreement) {
    agreement = agreements.find((a) => a.keys.some((k) => k.id === q.agreementId));
    key = agreement?.keys.find((k) => k.id === q.agreementId);
  }
  if (!agreement) {
    return notComputable(
      "na",
      `Avtalet "${q.agreementId}" finns inte bland dina fördelningsnycklar` +
        (agreements.length ? ` (tillgängliga: ${agreements.map((a) => a.id).join(", ")})` : "") +
        ".",
    );
  }
  if (!key) {
    return notComputable(
      "na",
      agreement.keys.length === 0
        ? `Avtalet "${agreement.id}" har ingen fördelningsnyckel.`
        : `Avtalet "${agreement.id}" har flera nycklar; ange nyckelns id (${agreement.keys.map((k) => k.id).join(", ")}).`,
    );
  }
  const party = agreement.parties.find((p) => sameParty(p.orgId, p.name, q.party));
  if (!party) {
    return notComputable(
      "na",
      `"${q.party}" är inte part i avtalet "${agreement.id}" (parter: ${agreement.parties.map((p) => `${p.orgId} ${p.name}`).join(", ")}).`,
    );
  }
  const t = end.getTime();
  const inForce = key.versions.find(
    (v) =>
      (v.status === "active" || v.status === "superseded") &&
      v.activatedAt !== null &&
      Date.parse(v.activatedAt) < t &&
      (v.supersededAt === null || Date.parse(v.supersededAt) >= t),
  );
  if (!inForce) {
    return notComputable(
      "na",
      q.period === null
        ? `Nyckeln "${key.id}" har ingen version som alla parter godkänt.`
        : `Ingen godkänd version av nyckeln "${key.id}" gällde i slutet av perioden ${q.period}.`,
    );
  }
  const w = inForce.weights.find((x) => x.orgId === party.orgId);
  return ok(w ? w.share : 0);
}

/** Why a request failed, as the cell's #N/A message. */
export class KeyTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyTransportError";
  }
}

/**
 * Transport over the store's existing `GET /api/cost-keys` (role finance): one request returns
 * every agreement, key and version the user may see, and all queries are resolved from it.
 */
export class HttpCostKeysTransport implements KeyTransport {
  constructor(
    private readonly getConfig: () => KeyClientConfig | null = readKeyClientConfig,
    private readonly fetchImpl: typeof fetch = (input, init) => globalThis.fetch(input, init),
    private readonly timeoutMs = 20_000,
  ) {}

  async fetchShares(queries: ShareQuery[]): Promise<Array<Computed<number>>> {
    const config = this.getConfig();
    if (!config) throw new KeyTransportError(`${capitalise(NO_CONNECTION)}: logga in i åtgärdsfönstret.`);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let res: Response;
    try {
      res = await this.fetchImpl(`${config.baseUrl}/api/cost-keys`, {
        method: "GET",
        headers: { accept: "application/json", authorization: `Bearer ${config.token}` },
        signal: controller.signal,
      });
    } catch {
      throw new KeyTransportError(`${capitalise(NO_CONNECTION)} (servern svarar inte).`);
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 401) {
      throw new KeyTransportError(
        `${capitalise(NO_CONNECTION)}: inloggningen har gått ut, logga in igen i åtgärdsfönstret.`,
      );
    }
    if (res.status === 403) {
      throw new KeyTransportError(
        "Behörighet saknas: fördelningsnycklar kan läsas av ekonomi (rollen finance).",
      );
    }
    if (!res.ok)
      throw new KeyTransportError(`${capitalise(NO_CONNECTION)} (svar ${res.status} från servern).`);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new KeyTransportError("Oväntat svar från den delade lagringen (inte JSON).");
    }
    if (!Array.isArray(body)) throw new KeyTransportError("Oväntat svar från den delade lagringen.");
    const now = new Date();
    return queries.map((q) => resolveShare(body as AgreementReply[], q, now));
  }
}

// ------------------------------------------------------------------ the batching, polling client

export type ShareListener = (answer: Computed<number>) => void;

export interface CostKeyClientOptions {
  transport: KeyTransport;
  /** Collect requests for this long before sending one batch (default 25 ms). */
  batchWindowMs?: number;
  /** Re-read interval while cells listen (default: config's, else 30 000 ms). */
  pollIntervalMs?: number | (() => number);
}

interface Entry {
  query: ShareQuery;
  listeners: Set<ShareListener>;
  answer?: Computed<number>;
}

function sameAnswer(a: Computed<number> | undefined, b: Computed<number>): boolean {
  if (!a) return false;
  if (a.ok && b.ok) return Object.is(a.value, b.value);
  if (!a.ok && !b.ok) return a.kind === b.kind && a.reason === b.reason;
  return false;
}

export class CostKeyClient {
  private readonly entries = new Map<string, Entry>();
  private pending = new Set<string>();
  private batchTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;
  private inFlight: Promise<void> | undefined;
  private readonly batchWindowMs: number;
  /** Number of requests sent (for tests and diagnostics). */
  requestCount = 0;

  constructor(private readonly options: CostKeyClientOptions) {
    this.batchWindowMs = options.batchWindowMs ?? 25;
  }

  /** Listen to one tuple's answer; returns the unsubscribe function (for onCanceled). */
  subscribe(query: ShareQuery, listener: ShareListener): () => void {
    const k = queryKey(query);
    let entry = this.entries.get(k);
    if (!entry) {
      entry = { query, listeners: new Set() };
      this.entries.set(k, entry);
      this.enqueue(k);
    } else if (entry.answer) {
      // Known tuple: answer from the cache. (Without an answer it is already queued or in flight.)
      listener(entry.answer);
    }
    entry.listeners.add(listener);
    this.ensurePolling();
    return () => {
      const e = this.entries.get(k);
      if (!e) return;
      e.listeners.delete(listener);
      if (e.listeners.size === 0) {
        this.entries.delete(k);
        this.pending.delete(k);
      }
      if (this.entries.size === 0) this.stopPolling();
    };
  }

  /** Number of distinct tuples cells listen to. */
  get size(): number {
    return this.entries.size;
  }

  /** Re-read every tuple now (one request), e.g. after sign-in or after the task pane changed a key. */
  refresh(): Promise<void> {
    for (const k of this.entries.keys()) this.pending.add(k);
    return this.flush();
  }

  /** Stop timers and forget all listeners. */
  dispose(): void {
    this.entries.clear();
    this.pending.clear();
    if (this.batchTimer !== undefined) clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.stopPolling();
  }

  private enqueue(k: string): void {
    this.pending.add(k);
    if (this.batchTimer === undefined) {
      this.batchTimer = setTimeout(() => {
        this.batchTimer = undefined;
        void this.flush();
      }, this.batchWindowMs);
    }
  }

  private async flush(): Promise<void> {
    // One request at a time: tuples added meanwhile go in the next batch.
    while (this.inFlight) await this.inFlight;
    const keys = [...this.pending].filter((k) => this.entries.has(k));
    this.pending.clear();
    if (keys.length === 0) return;
    const run = this.fetchAndDeliver(keys);
    this.inFlight = run;
    try {
      await run;
    } finally {
      if (this.inFlight === run) this.inFlight = undefined;
    }
    if (this.pending.size > 0 && this.batchTimer === undefined) await this.flush();
  }

  private async fetchAndDeliver(keys: string[]): Promise<void> {
    const queries = keys.map((k) => this.entries.get(k)!.query);
    let answers: Array<Computed<number>>;
    this.requestCount++;
    try {
      answers = await this.options.transport.fetchShares(queries);
      if (answers.length !== queries.length)
        throw new KeyTransportError("Oväntat svar från den delade lagringen.");
    } catch (err) {
      const reason = err instanceof KeyTransportError ? err.message : `${capitalise(NO_CONNECTION)}.`;
      answers = queries.map(() => notComputable("na", reason));
    }
    keys.forEach((k, i) => {
      const entry = this.entries.get(k);
      if (!entry) return; // all its cells went away meanwhile
      const answer = answers[i];
      if (sameAnswer(entry.answer, answer)) return;
      entry.answer = answer;
      for (const l of [...entry.listeners]) {
        try {
          l(answer);
        } catch (err) {
          console.error("Uppföljning: KOSTNADSNYCKEL kunde inte uppdatera en cell", err);
        }
      }
    });
  }

  private interval(): number {
    const p = this.options.pollIntervalMs;
    const v = typeof p === "function" ? p() : p;
    return typeof v === "number" && v >= 1 ? v : 30_000;
  }

  private ensurePolling(): void {
    if (this.polling) return;
    this.polling = true;
    const tick = () => {
      this.pollTimer = setTimeout(() => {
        this.pollTimer = undefined;
        void this.refresh().finally(() => {
          if (this.polling && this.pollTimer === undefined) tick();
        });
      }, this.interval());
    };
    tick();
  }

  private stopPolling(): void {
    this.polling = false;
    if (this.pollTimer !== undefined) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }
}

// ------------------------------------------------------------------ the one client the cells share

let shared: CostKeyClient | undefined;

/** The client all KOSTNADSNYCKEL cells share (created on first use, over GET /api/cost-keys). */
export function sharedCostKeyClient(): CostKeyClient {
  if (!shared) {
    shared = new CostKeyClient({
      transport: new HttpCostKeysTransport(),
      pollIntervalMs: () => readKeyClientConfig()?.pollIntervalMs ?? 30_000,
    });
    const g = globalThis as Record<string, unknown>;
    // For the task pane (same runtime, separate bundle): refresh the cells after sign-in or a key change.
    g[KEY_CLIENT_REFRESH_GLOBAL] = () => shared?.refresh();
  }
  return shared;
}

/** Replace the shared client (tests; or a different transport). Disposes the previous one. */
export function setSharedCostKeyClient(client: CostKeyClient | undefined): void {
  shared?.dispose();
  shared = client;
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}
