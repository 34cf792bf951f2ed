/**
 * Loopback load test of the shared store (a benchmark script, not a test): 50 concurrent
 * clients for a bounded time against a server in its own process, first polling pull (the task
 * pane's timer), then pushing small batches (typing in the workbook). Prints throughput and p99
 * latency per scenario; exit code 1 if any request failed.
 *
 *   npx tsx bench/load.ts [--duration 10] [--connections 50]
 *   DATABASE_URL=postgres://… npx tsx bench/load.ts     (PostgreSQL instead of PGlite)
 */
import { runLoad } from "./figures/load";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const run = await runLoad({ duration: arg("duration", 10), connections: arg("connections", 50) });
let failed = false;
for (const r of run.results) {
  if (r.errors > 0) failed = true;
  console.log(
    `${r.title}: ${r.requestsPerSecond.toLocaleString("sv-SE", { maximumFractionDigits: 0 })} förfrågningar/s, ` +
      `p99 ${r.p99Ms} ms, medel ${r.averageMs.toLocaleString("sv-SE", { maximumFractionDigits: 1 })} ms, ` +
      `${r.total} förfrågningar, ${r.errors} fel (${run.connections} klienter, ${run.duration} s, ` +
      `${run.store === "postgres" ? "PostgreSQL" : "PGlite"})`,
  );
}
if (failed) {
  console.error("Belastningstestet hade fel.");
  process.exitCode = 1;
}
