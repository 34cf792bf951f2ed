/**
 * UPPF.KOSTNADSNYCKEL against the real store (src/server on PGlite, and PostgreSQL when
 * DATABASE_URL is set): many cells → one HTTP request; when both regions approve the population
 * key the cells change from 52/48 to 51.8/48.2 on the next shared poll.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { costKey } from "../../functions/functions";
import { CostKeyClient, HttpCostKeysTransport, setSharedCostKeyClient } from "../../functions/keyClient";
import { SEED_AGREEMENT_ID, SEED_COST_KEY_ID } from "../../src/server/seed";
import { databaseTargets } from "../support/env";
import { client, startTestServer, TOKENS, type TestServer } from "../server/helpers";

let requests = 0;

/** A streaming invocation recording each result and how many requests had been sent by then. */
function fakeInvocation() {
  const results: unknown[] = [];
  const requestsAt: number[] = [];
  const inv = {
    setResult: (v: unknown) => {
      results.push(v);
      requestsAt.push(requests);
    },
    onCanceled: undefined as undefined | (() => void),
  };
  return {
    inv: inv as unknown as CustomFunctions.StreamingInvocation<number>,
    results,
    requestsAt,
    raw: inv,
  };
}

for (const target of databaseTargets()) {
  describe(`KOSTNADSNYCKEL mot den delade lagringen (${target.name})`, () => {
    let ts: TestServer;
    let token: string = TOKENS.finance04;
    let keyClient: CostKeyClient;

    beforeAll(async () => {
      ts = await startTestServer(target, "costkey-fn");
      const countingFetch = ((input: RequestInfo | URL, init?: RequestInit) => {
        requests++;
        return fetch(input, init);
      }) as typeof fetch;
      keyClient = new CostKeyClient({
        transport: new HttpCostKeysTransport(() => ({ baseUrl: ts.url, token }), countingFetch),
        batchWindowMs: 20,
        pollIntervalMs: 150,
      });
      setSharedCostKeyClient(keyClient);
    }, 120_000);
    afterAll(async () => {
      setSharedCostKeyClient(undefined);
      await ts?.cleanup();
    });

    it("answers 20 cells with one request, then follows the key when both regions approve a new version", async () => {
      requests = 0; // the counter is shared by the PGlite and PostgreSQL runs of this file
      const cells = Array.from({ length: 20 }, (_, i) => {
        const c = fakeInvocation();
        const party = i % 4 === 0 ? "04" : i % 4 === 1 ? "19" : i % 4 === 2 ? "Region Sörmland" : 19;
        costKey(i < 10 ? SEED_AGREEMENT_ID : SEED_COST_KEY_ID, party, null, c.inv);
        return c;
      });
      await vi.waitFor(() => expect(cells.every((c) => c.results.length === 1)).toBe(true), {
        timeout: 10_000,
      });
      // Every cell had its value when the first (and only) request had been answered; the shared
      // poll may have started since.
      expect(new Set(cells.map((c) => c.requestsAt[0]))).toEqual(new Set([1]));
      expect(cells[0].results).toEqual([0.52]);
      expect(cells[1].results).toEqual([0.48]);
      expect(cells[2].results).toEqual([0.52]);
      expect(cells[3].results).toEqual([0.48]);
      expect(cells[19].results).toEqual([0.48]);

      // Finance in both regions approve the population key (SCB 2023: 301 944 / 280 813).
      const api = client(ts.url);
      const list = await api.get("/api/cost-keys", TOKENS.finance04);
      const draft = list.body[0].keys[0].versions.find((v: { status: string }) => v.status === "draft");
      expect((await api.post(`/api/cost-key-versions/${draft.id}/propose`, TOKENS.finance04)).status).toBe(
        200,
      );
      expect((await api.post(`/api/cost-key-versions/${draft.id}/approve`, TOKENS.finance04)).status).toBe(
        200,
      );
      // One approval is not enough: the cells keep the agreed 52/48.
      const polled = requests;
      await vi.waitFor(() => expect(requests).toBeGreaterThan(polled + 1), { timeout: 10_000 });
      expect(cells[0].results).toEqual([0.52]);
      expect((await api.post(`/api/cost-key-versions/${draft.id}/approve`, TOKENS.finance19)).status).toBe(
        200,
      );

      await vi.waitFor(() => expect(cells[0].results).toHaveLength(2), { timeout: 10_000 });
      expect(cells[0].results[1]).toBeCloseTo(0.518, 3);
      expect(cells[1].results[1]).toBeCloseTo(0.482, 3);
      expect((cells[0].results[1] as number) + (cells[1].results[1] as number)).toBeCloseTo(1, 12);
      await vi.waitFor(() => expect(cells.every((c) => c.results.length === 2)).toBe(true), {
        timeout: 10_000,
      });

      for (const c of cells) c.raw.onCanceled?.();
      expect(keyClient.size).toBe(0);
    });

    it("shows #N/A with the reason for a user who may not read cost keys", async () => {
      token = TOKENS.controller04;
      const c = fakeInvocation();
      costKey(SEED_AGREEMENT_ID, "04", 2025, c.inv);
      await vi.waitFor(() => expect(c.results).toHaveLength(1), { timeout: 10_000 });
      expect(c.results[0]).toMatchObject({ code: "#N/A" });
      expect((c.results[0] as { message: string }).message).toMatch(/Behörighet saknas/);
      c.raw.onCanceled?.();
      token = TOKENS.finance04;
    });
  });
}
