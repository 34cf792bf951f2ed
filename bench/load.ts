/**
 * Loopback load test of the shared store (a benchmark script, not a test):
 * 50 concurrent clients for a bounded time against a server in its own process, first polling
 * pull (the task pane's timer), then pushing small batches (typing in the workbook).
 * Prints throughput and p99 latency per scenario; exit code 1 if any request failed.
 *
 *   npx tsx bench/load.ts [--duration 10] [--connections 50]
 *   DATABASE_URL=postgres://… npx tsx bench/load.ts     (PostgreSQL instead of PGlite)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, "..", "test", "server", "fixtures", "serve-child.ts");
const WORKBOOK = "wb-demo-exempelvarden";
const TOKEN = "uppf-dev-utforare";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const duration = Math.min(arg("duration", 10), 120);
const connections = arg("connections", 50);

interface Scenario {
  name: string;
  opts: autocannon.Options;
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "uppf-load-"));
  const schema = process.env.DATABASE_URL ? `load_${randomBytes(4).toString("hex")}` : "";
  const child = spawn(
    process.execPath,
    ["--import", "tsx", CHILD, dataDir, process.env.DATABASE_URL ?? "", schema],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) => {
      const msg = JSON.parse(line) as { url?: string; error?: string };
      if (msg.url) resolve(msg.url);
      else reject(new Error(msg.error));
    });
    child.once("exit", (code) => reject(new Error(`servern avslutades (${code})`)));
  });
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  let n = 0;
  const scenarios: Scenario[] = [
    {
      name: "pull (GET /api/sync/pull)",
      opts: { url: `${url}/api/sync/pull?since=0&workbookId=${WORKBOOK}&limit=100`, headers },
    },
    {
      name: "push (POST /api/sync/push, 5 ändringar)",
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
  let failed = false;
  try {
    for (const s of scenarios) {
      const r = await autocannon({ ...s.opts, connections, duration });
      const errors = r.errors + r.timeouts + r.non2xx;
      if (errors > 0) failed = true;
      console.log(
        `${s.name}: ${r.requests.average.toLocaleString("sv-SE", { maximumFractionDigits: 0 })} förfrågningar/s, ` +
          `p99 ${r.latency.p99} ms, medel ${r.latency.average.toLocaleString("sv-SE", { maximumFractionDigits: 1 })} ms, ` +
          `${r.requests.total} förfrågningar, ${errors} fel (${connections} klienter, ${duration} s, ` +
          `${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"})`,
      );
    }
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    if (process.env.DATABASE_URL && schema) {
      const pg = (await import("pg")).default;
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (failed) {
    console.error("Belastningstestet hade fel.");
    process.exitCode = 1;
  }
}

await main();
