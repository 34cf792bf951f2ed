/**
 * Loopback load on the shared store: `connections` concurrent clients for a bounded time
 * against a server in its own process, polling pull and pushing small batches. Reports
 * throughput and p99 latency; the figure passes when no request failed (throughput depends on
 * the machine, so it is reported, not targeted).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import { fmt, type Figure } from "../harness";
import { spawnServerChild } from "../../test/support/serverChild";

const WORKBOOK = "wb-demo-exempelvarden";
const TOKEN = "uppf-dev-utforare";

export interface LoadResult {
  scenario: "pull" | "push";
  title: string;
  requestsPerSecond: number;
  p99Ms: number;
  averageMs: number;
  total: number;
  errors: number;
  /** What the errors were, e.g. "3 tidsgränser (10 s), 2 × HTTP 503" ("" when none). */
  errorDetail: string;
}

export async function runLoad(opts: { connections?: number; duration?: number } = {}): Promise<{
  store: "pglite" | "postgres";
  connections: number;
  duration: number;
  results: LoadResult[];
}> {
  const connections = opts.connections ?? 50;
  const duration = Math.min(opts.duration ?? 10, 120);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "uppf-load-"));
  const schema = process.env.DATABASE_URL ? `load_${randomBytes(4).toString("hex")}` : "";
  const server = await spawnServerChild({ dataDir, databaseUrl: process.env.DATABASE_URL, schema });
  const child = server.proc;
  const results: LoadResult[] = [];
  try {
    if (!server.url) throw new Error(`servern startade inte: ${server.error}`);
    const url = server.url;
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    let n = 0;
    const scenarios: Array<{ scenario: LoadResult["scenario"]; title: string; opts: autocannon.Options }> = [
      {
        scenario: "pull",
        title: "pull (GET /api/sync/pull)",
        opts: { url: `${url}/api/sync/pull?since=0&workbookId=${WORKBOOK}&limit=100`, headers },
      },
      {
        scenario: "push",
        title: "push (POST /api/sync/push, 5 ändringar)",
        opts: {
          url: `${url}/api/sync/push`,
          method: "POST",
          headers,
          requests: [
            {
              setupRequest: (req: autocannon.Request) => {
                const k = n++;
                const clientId = `load-${process.pid}-${k}`;
                const mutations = Array.from({ length: 5 }, (_, i) => ({
                  clientId,
                  mutationId: i + 1,
                  workbookId: WORKBOOK,
                  sheet: "Belastning",
                  cell: `A${k * 5 + i + 1}`,
                  baseVersion: 0,
                  value: k + i,
                  authoredAt: new Date().toISOString(),
                }));
                return { ...req, body: JSON.stringify({ clientId, mutations }) };
              },
            },
          ],
        },
      },
    ];
    for (const s of scenarios) {
      const r = await autocannon({ ...s.opts, connections, duration });
      results.push({
        scenario: s.scenario,
        title: s.title,
        requestsPerSecond: r.requests.average,
        p99Ms: r.latency.p99,
        averageMs: r.latency.average,
        total: r.requests.total,
        // autocannon counts a timeout in `errors` too (and in `timeouts`): count it once.
        errors: r.errors + r.non2xx,
        errorDetail: [
          r.timeouts ? `${r.timeouts} tidsgränser (10 s)` : "",
          r.errors - r.timeouts > 0 ? `${r.errors - r.timeouts} anslutningsfel` : "",
          ...Object.entries(r.statusCodeStats ?? {})
            .filter(([code]) => !code.startsWith("2"))
            .map(([code, s]) => `${s.count} × HTTP ${code}`),
        ]
          .filter(Boolean)
          .join(", "),
      });
    }
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    if (process.env.DATABASE_URL && schema) {
      const pg = (await import("pg")).default;
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { store: process.env.DATABASE_URL ? "postgres" : "pglite", connections, duration, results };
}

/** For `npm run bench`: one figure per scenario (kind "load": requests per second). */
export async function loadFigures(duration = 10): Promise<Figure[]> {
  const run = await runLoad({ duration });
  return run.results.map((r) => ({
    id: `load-${r.scenario}-${run.store}`,
    title: `Belastning över loopback: ${r.title}, ${run.connections} klienter i ${run.duration} s`,
    baseline: "—",
    target: "0 fel",
    kind: "load" as const,
    value: r.requestsPerSecond,
    unit: "förfrågningar/s",
    pass: r.errors === 0,
    store: run.store,
    note: `p99 ${fmt(r.p99Ms, 0)} ms, medel ${fmt(r.averageMs, 1)} ms, ${r.total.toLocaleString("sv-SE")} förfrågningar, ${r.errors} fel${r.errorDetail ? ` (${r.errorDetail})` : ""}`,
  }));
}
