/**
 * UPPF.KOSTNADSNYCKEL: batching (N cells in one recalculation → one request), live update
 * (shared polling), the connection error, and resolving shares from GET /api/cost-keys replies.
 * A local fake transport here; the real server in costKey.server.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { costKey } from "../../functions/functions";
import {
  CostKeyClient,
  HttpCostKeysTransport,
  KEY_CLIENT_CONFIG_GLOBAL,
  KEY_CLIENT_STORAGE_KEY,
  NO_CONNECTION,
  periodEnd,
  readKeyClientConfig,
  resolveShare,
  setSharedCostKeyClient,
  type AgreementReply,
  type KeyTransport,
  type ShareQuery,
} from "../../functions/keyClient";
import { notComputable, ok, type Computed } from "../../src/domain/result";

/** A fake store: shares by (agreement, party); counts requests and what they asked. */
class FakeTransport implements KeyTransport {
  shares = new Map<string, number>([
    ["inkop-04-19|04", 0.52],
    ["inkop-04-19|19", 0.48],
  ]);
  requests: ShareQuery[][] = [];
  offline = false;
  async fetchShares(queries: ShareQuery[]): Promise<Array<Computed<number>>> {
    this.requests.push(queries);
    if (this.offline) throw new Error("fetch failed");
    return queries.map((q) => {
      const s = this.shares.get(`${q.agreementId}|${q.party}`);
      return s === undefined ? notComputable("na", `okänd part ${q.party}`) : ok(s);
    });
  }
}

/** What Excel passes to a streaming function, recording every result it is given. */
function fakeInvocation() {
  const results: unknown[] = [];
  const inv = {
    setResult: (v: unknown) => results.push(v),
    onCanceled: undefined as undefined | (() => void),
  };
  return { inv: inv as unknown as CustomFunctions.StreamingInvocation<number>, results, raw: inv };
}

describe("KOSTNADSNYCKEL (fake transport)", () => {
  let transport: FakeTransport;
  let client: CostKeyClient;

  beforeEach(() => {
    vi.useFakeTimers();
    transport = new FakeTransport();
    client = new CostKeyClient({ transport, batchWindowMs: 25, pollIntervalMs: 30_000 });
    setSharedCostKeyClient(client);
  });
  afterEach(() => {
    setSharedCostKeyClient(undefined);
    vi.useRealTimers();
  });

  it("answers N cells of one recalculation with ONE request (duplicates asked once)", async () => {
    const cells = Array.from({ length: 40 }, (_, i) => {
      const c = fakeInvocation();
      costKey("inkop-04-19", i % 2 === 0 ? "04" : "19", i < 20 ? null : 2025, c.inv);
      return c;
    });
    expect(transport.requests).toHaveLength(0); // collected, not yet sent
    await vi.advanceTimersByTimeAsync(30);
    expect(transport.requests).toHaveLength(1);
    expect(transport.requests[0]).toHaveLength(4); // 2 parties × (now, 2025)
    expect(cells[0].results).toEqual([0.52]);
    expect(cells[1].results).toEqual([0.48]);
    expect(cells[39].results).toEqual([0.48]);
    // A cell added later for a known tuple is answered from the cache, without a request.
    const late = fakeInvocation();
    costKey("inkop-04-19", "04", null, late.inv);
    expect(late.results).toEqual([0.52]);
    await vi.advanceTimersByTimeAsync(30);
    expect(transport.requests).toHaveLength(1);
  });

  it("a cell asking while the request is in flight waits for it instead of sending another", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: KeyTransport = {
      fetchShares: async (qs) => {
        transport.requests.push(qs);
        await gate;
        return qs.map(() => ok(0.52));
      },
    };
    setSharedCostKeyClient(new CostKeyClient({ transport: slow, batchWindowMs: 25, pollIntervalMs: 30_000 }));
    const a = fakeInvocation();
    costKey("inkop-04-19", "04", null, a.inv);
    await vi.advanceTimersByTimeAsync(30); // sent, not answered
    const b = fakeInvocation();
    costKey("inkop-04-19", "04", null, b.inv);
    await vi.advanceTimersByTimeAsync(30);
    release();
    await vi.advanceTimersByTimeAsync(30);
    expect([a.results, b.results]).toEqual([[0.52], [0.52]]);
    expect(transport.requests).toHaveLength(1);
  });

  it("updates every cell live when the key changes, with one shared poll, and only changed cells", async () => {
    const a = fakeInvocation();
    const b = fakeInvocation();
    const c = fakeInvocation();
    costKey("inkop-04-19", "04", null, a.inv);
    costKey("inkop-04-19", "04", null, b.inv);
    costKey("inkop-04-19", "19", null, c.inv);
    await vi.advanceTimersByTimeAsync(30);
    expect([a.results, b.results, c.results]).toEqual([[0.52], [0.52], [0.48]]);

    // Nothing changed: the poll asks again (one request) but no cell is rewritten.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(transport.requests).toHaveLength(2);
    expect(a.results).toEqual([0.52]);

    // Both regions approve the population key: 51.8 / 48.2.
    transport.shares.set("inkop-04-19|04", 0.518);
    transport.shares.set("inkop-04-19|19", 0.482);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(transport.requests).toHaveLength(3);
    expect(transport.requests[2]).toHaveLength(2);
    expect(a.results).toEqual([0.52, 0.518]);
    expect(b.results).toEqual([0.52, 0.518]);
    expect(c.results).toEqual([0.48, 0.482]);
  });

  it("stops polling when the last cell is removed (onCanceled), and starts again for a new cell", async () => {
    const a = fakeInvocation();
    costKey("inkop-04-19", "04", null, a.inv);
    await vi.advanceTimersByTimeAsync(30);
    expect(client.size).toBe(1);
    a.raw.onCanceled?.();
    expect(client.size).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(transport.requests).toHaveLength(1);

    const b = fakeInvocation();
    costKey("inkop-04-19", "19", null, b.inv);
    await vi.advanceTimersByTimeAsync(30);
    expect(b.results).toEqual([0.48]);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(transport.requests).toHaveLength(3);
  });

  it("shows #N/A 'ingen anslutning till den delade lagringen' when the store cannot be reached, and recovers", async () => {
    transport.offline = true;
    const a = fakeInvocation();
    costKey("inkop-04-19", "04", null, a.inv);
    await vi.advanceTimersByTimeAsync(30);
    expect(a.results).toHaveLength(1);
    expect(a.results[0]).toMatchObject({ code: "#N/A" });
    expect((a.results[0] as { message: string }).message.toLowerCase()).toContain(NO_CONNECTION);
    transport.offline = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(a.results[1]).toBe(0.52);
  });

  it("answers missing or bad arguments at once (#N/A, #VALUE!), without a request", async () => {
    const a = fakeInvocation();
    costKey("", "04", null, a.inv);
    const b = fakeInvocation();
    costKey("inkop-04-19", "04", "förra året", b.inv);
    const c = fakeInvocation();
    costKey("inkop-04-19", true, null, c.inv);
    expect(a.results[0]).toMatchObject({ code: "#N/A", message: "Avtal saknas." });
    expect(b.results[0]).toMatchObject({ code: "#VALUE!" });
    expect((b.results[0] as { message: string }).message).toMatch(/Perioden "förra året"/);
    expect(c.results[0]).toMatchObject({ code: "#VALUE!" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.requests).toHaveLength(0);
  });

  it("passes periods as text: a year, an Excel date serial, a month", async () => {
    const cells = [2025, 45747, "2025-03"].map((p) => {
      const c = fakeInvocation();
      costKey("inkop-04-19", "04", p, c.inv);
      return c;
    });
    await vi.advanceTimersByTimeAsync(30);
    expect(transport.requests[0].map((q) => q.period)).toEqual(["2025", "2025-03-31", "2025-03"]);
    expect(cells.every((c) => c.results[0] === 0.52)).toBe(true);
  });
});

describe("the connection config from the task pane's sign-in", () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>)[KEY_CLIENT_CONFIG_GLOBAL];
    delete (globalThis as Record<string, unknown>).localStorage;
  });

  it("reads the shared-runtime global first, then localStorage; nothing → not signed in", () => {
    expect(readKeyClientConfig()).toBeNull();
    const store = new Map<string, string>();
    (globalThis as Record<string, unknown>).localStorage = { getItem: (k: string) => store.get(k) ?? null };
    store.set(KEY_CLIENT_STORAGE_KEY, JSON.stringify({ baseUrl: "https://uppf.example.se/", token: "t1" }));
    expect(readKeyClientConfig()).toMatchObject({ baseUrl: "https://uppf.example.se", token: "t1" });
    (globalThis as Record<string, unknown>)[KEY_CLIENT_CONFIG_GLOBAL] = {
      baseUrl: "https://a.example",
      token: "t2",
    };
    expect(readKeyClientConfig()).toMatchObject({ baseUrl: "https://a.example", token: "t2" });
    (globalThis as Record<string, unknown>)[KEY_CLIENT_CONFIG_GLOBAL] = {
      baseUrl: "https://a.example",
      token: "",
    };
    expect(readKeyClientConfig()?.token).toBe("t1");
    store.set(KEY_CLIENT_STORAGE_KEY, "{inte json");
    expect(readKeyClientConfig()).toBeNull();
  });

  it("without sign-in the HTTP transport makes no request and says why", async () => {
    const fetchSpy = vi.fn();
    const t = new HttpCostKeysTransport(() => null, fetchSpy as unknown as typeof fetch);
    await expect(t.fetchShares([{ agreementId: "a", party: "04", period: null }])).rejects.toThrow(
      /Ingen anslutning till den delade lagringen: logga in/,
    );
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("sends one GET /api/cost-keys with the bearer token for a whole batch, and maps 401/403", async () => {
    const calls: Array<{ url: string; auth: string | null }> = [];
    let status = 200;
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, auth: new Headers(init.headers).get("authorization") });
      return new Response(JSON.stringify(status === 200 ? [agreement()] : { code: "x", message: "y" }), {
        status,
      });
    }) as unknown as typeof fetch;
    const t = new HttpCostKeysTransport(() => ({ baseUrl: "https://s.example", token: "tok" }), fakeFetch);
    const answers = await t.fetchShares([
      { agreementId: "inkop-04-19", party: "04", period: null },
      { agreementId: "inkop-04-19", party: "Region Västmanland", period: null },
    ]);
    expect(calls).toEqual([{ url: "https://s.example/api/cost-keys", auth: "Bearer tok" }]);
    expect(answers).toEqual([ok(0.52), ok(0.48)]);
    status = 401;
    await expect(t.fetchShares([{ agreementId: "a", party: "04", period: null }])).rejects.toThrow(
      /logga in igen/,
    );
    status = 403;
    await expect(t.fetchShares([{ agreementId: "a", party: "04", period: null }])).rejects.toThrow(
      /Behörighet saknas/,
    );
  });
});

function agreement(): AgreementReply {
  return {
    id: "inkop-04-19",
    name: "Gemensam inköpsfunktion",
    parties: [
      { orgId: "04", name: "Region Sörmland" },
      { orgId: "19", name: "Region Västmanland" },
    ],
    keys: [
      {
        id: "inkop-04-19-kostnader",
        name: "Fördelningsnyckel",
        versions: [
          {
            versionNo: 1,
            status: "superseded",
            weights: [
              { orgId: "04", share: 0.5 },
              { orgId: "19", share: 0.5 },
            ],
            activatedAt: "2023-01-10T10:00:00.000Z",
            supersededAt: "2024-03-15T09:00:00.000Z",
          },
          {
            versionNo: 2,
            status: "active",
            weights: [
              { orgId: "04", share: 0.52 },
              { orgId: "19", share: 0.48 },
            ],
            activatedAt: "2024-03-15T09:00:00.000Z",
            supersededAt: null,
          },
          {
            versionNo: 3,
            status: "draft",
            weights: [
              { orgId: "04", share: 301944 / 582757 },
              { orgId: "19", share: 280813 / 582757 },
            ],
            activatedAt: null,
            supersededAt: null,
          },
        ],
      },
    ],
  };
}

describe("resolving a share from the store's agreements", () => {
  const now = new Date("2026-11-22T08:00:00Z");
  const q = (agreementId: string, party: string, period: string | null = null): ShareQuery => ({
    agreementId,
    party,
    period,
  });

  it("takes the version in force at the end of the period (drafts never count)", () => {
    const a = [agreement()];
    expect(resolveShare(a, q("inkop-04-19", "04"), now)).toEqual(ok(0.52));
    expect(resolveShare(a, q("inkop-04-19", "04", "2023"), now)).toEqual(ok(0.5));
    expect(resolveShare(a, q("inkop-04-19", "04", "2024-02"), now)).toEqual(ok(0.5));
    expect(resolveShare(a, q("inkop-04-19", "04", "2024-03"), now)).toEqual(ok(0.52));
    expect(resolveShare(a, q("inkop-04-19", "04", "2024-03-14"), now)).toEqual(ok(0.5));
    expect(resolveShare(a, q("inkop-04-19", "04", "2024"), now)).toEqual(ok(0.52));
    const before = resolveShare(a, q("inkop-04-19", "04", "2022"), now);
    expect(before).toMatchObject({ ok: false, kind: "na" });
    expect(!before.ok && before.reason).toMatch(/Ingen godkänd version .* 2022/);
  });

  it("finds the party by code, by a code that lost its leading zero, or by name", () => {
    const a = [agreement()];
    expect(resolveShare(a, q("inkop-04-19", "4"), now)).toEqual(ok(0.52));
    expect(resolveShare(a, q("inkop-04-19", "region västmanland"), now)).toEqual(ok(0.48));
    expect(resolveShare(a, q("inkop-04-19-kostnader", "19"), now)).toEqual(ok(0.48));
    const other = resolveShare(a, q("inkop-04-19", "25"), now);
    expect(other).toMatchObject({ ok: false, kind: "na" });
    expect(!other.ok && other.reason).toMatch(
      /"25" är inte part .*04 Region Sörmland, 19 Region Västmanland/,
    );
  });

  it("explains unknown agreements, ambiguous keys and bad periods", () => {
    const a = [agreement()];
    const unknown = resolveShare(a, q("finns-inte", "04"), now);
    expect(!unknown.ok && unknown.reason).toMatch(/finns inte .*tillgängliga: inkop-04-19/);
    const two = agreement();
    two.keys.push({ ...two.keys[0], id: "inkop-04-19-lokaler" });
    const amb = resolveShare([two], q("inkop-04-19", "04"), now);
    expect(!amb.ok && amb.reason).toMatch(/flera nycklar.*inkop-04-19-kostnader, inkop-04-19-lokaler/);
    expect(resolveShare(a, q("inkop-04-19", "04", "2025-13"), now)).toMatchObject({
      ok: false,
      kind: "value",
    });
  });

  it("computes period ends as the first instant after the period", () => {
    expect(periodEnd("2025", now)?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(periodEnd("2025-12", now)?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(periodEnd("2024-02-29", now)?.toISOString()).toBe("2024-03-01T00:00:00.000Z");
    expect(periodEnd("2025-02-29", now)).toBeNull();
    expect(periodEnd(null, now)).toBe(now);
  });
});
