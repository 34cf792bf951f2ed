/**
 * N `KOSTNADSNYCKEL` formulas in one recalculation → requests to the shared store. The real
 * custom function (functions/functions.ts `costKey`) is invoked for N cells in one burst, as
 * Excel does on recalculation, through the real batching client (functions/keyClient.ts) and
 * HTTP transport against a real server on loopback; a counting `fetch` counts the requests.
 * Every cell must get its answer. Target: 1 request. On PGlite always, on PostgreSQL when
 * DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { costKey } from "../../functions/functions";
import { CostKeyClient, HttpCostKeysTransport, setSharedCostKeyClient } from "../../functions/keyClient";
import { startServer } from "../../src/server/index";
import { SEED_AGREEMENT_ID, SEED_COST_KEY_ID } from "../../src/server/seed";
import type { Figure } from "../harness";

const N = 1000;
const FINANCE_TOKEN = "uppf-dev-finance-04";

async function measure(store: "pglite" | "postgres"): Promise<Figure> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "uppf-bench-costkey-"));
  const schema = store === "postgres" ? `bench_key_${randomBytes(4).toString("hex")}` : undefined;
  const server = await startServer({
    port: 0,
    host: "127.0.0.1",
    dataDir: dir,
    databaseUrl: store === "postgres" ? process.env.DATABASE_URL : undefined,
    databaseSchema: schema,
    seedDevUsers: true,
  });
  let requests = 0;
  const countingFetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    requests++;
    return fetch(input, init);
  }) as typeof fetch;
  const client = new CostKeyClient({
    transport: new HttpCostKeysTransport(
      () => ({ baseUrl: server.url, token: FINANCE_TOKEN }),
      countingFetch,
    ),
    pollIntervalMs: 3_600_000, // no live-update poll during the measurement
  });
  setSharedCostKeyClient(client);
  try {
    const parties: unknown[] = ["04", "19", "Region Sörmland", "Region Västmanland", 4, 19];
    const periods: unknown[] = [null, 2024, 2025, 2026, "2025-03", "2025-12", "2026-06-30"];
    const results: unknown[][] = Array.from({ length: N }, () => []);
    const cancels: (() => void)[] = [];
    // One recalculation: Excel invokes every cell's function in one go.
    for (let i = 0; i < N; i++) {
      const invocation = {
        setResult: (v: unknown) => results[i].push(v),
        onCanceled: undefined as undefined | (() => void),
      };
      costKey(
        Math.floor(i / 42) % 2 ? SEED_AGREEMENT_ID : SEED_COST_KEY_ID,
        parties[i % parties.length],
        periods[Math.floor(i / parties.length) % periods.length],
        invocation as unknown as CustomFunctions.StreamingInvocation<number>,
      );
      if (invocation.onCanceled) cancels.push(invocation.onCanceled);
    }
    const deadline = Date.now() + 30_000;
    while (results.some((r) => r.length === 0)) {
      if (Date.now() > deadline) throw new Error("alla celler fick inte svar inom 30 s");
      await new Promise((r) => setTimeout(r, 10));
    }
    // Let a late second request (if the batching failed) show up before counting.
    await new Promise((r) => setTimeout(r, 200));
    const numbers = results.filter((r) => typeof r[0] === "number").length;
    const errors = new Set(
      results.filter((r) => typeof r[0] !== "number").map((r) => (r[0] as { code?: string }).code ?? "?"),
    );
    if (numbers === 0) throw new Error(`inga celler fick en andel: ${JSON.stringify(results[0])}`);
    const distinct = client.size;
    for (const c of cancels) c();
    return {
      id: `costkey-requests-${store}`,
      title: `${N.toLocaleString("sv-SE")} formler med \`KOSTNADSNYCKEL\` i en omräkning`,
      baseline: "—",
      target: "1 förfrågan",
      kind: "count",
      value: requests,
      unit: requests === 1 ? "förfrågan" : "förfrågningar",
      pass: requests === 1,
      store,
      note: `${distinct} olika (avtal, part, period); alla ${N.toLocaleString("sv-SE")} celler fick svar, ${numbers.toLocaleString("sv-SE")} med en andel, övriga ${[...errors].join("/")} med skäl (t.ex. ingen godkänd version i slutet av perioden)`,
    };
  } finally {
    setSharedCostKeyClient(undefined);
    await server.close();
    if (schema) {
      const pg = (await import("pg")).default;
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function costKeyFigures(): Promise<Figure[]> {
  const out = [await measure("pglite")];
  if (process.env.DATABASE_URL) out.push(await measure("postgres"));
  return out;
}
