/**
 * `npm run bench`: measures every figure of BENCHMARKS.md in one run on this machine, each as a
 * ratio against a baseline measured in the same run (or as a count/size), and writes
 * bench/results.json and the table in BENCHMARKS.md.
 * Usage: npm run bench [-- --only id1,id2]
 * With --only, the other runners' figures are kept from the previous bench/results.json.
 * PostgreSQL is measured too when DATABASE_URL is set:
 *   export DATABASE_URL="$(/work/shared/tools/start-postgres)"; npm run bench
 */
import { writeFileSync, readFileSync } from "node:fs";
import os from "node:os";
import v8 from "node:v8";
import vm from "node:vm";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, machine, type Figure } from "./harness";
import { validationFigure } from "./figures/validation";
import { bundleFigure } from "./figures/bundle";
import { pushFigures } from "./figures/push";
import { pullFigures } from "./figures/pull";
import { validateFileFigure } from "./figures/validateFile";
import { batchFigure } from "./figures/batch";
import { syncCallFigures } from "./figures/syncCalls";
import { costKeyFigures } from "./figures/costKey";
import { loadFigures } from "./figures/load";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

type Runner = { id: string; run: () => Promise<Figure | Figure[]> };

/** Seconds per load scenario (pull, then push), 50 clients. */
const LOAD_SECONDS = 30;

/** The load figures on PGlite, then on PostgreSQL when DATABASE_URL is set (runLoad reads the env). */
async function loadOnEveryStore(): Promise<Figure[]> {
  const url = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  let out: Figure[];
  try {
    out = await loadFigures(LOAD_SECONDS);
  } finally {
    if (url) process.env.DATABASE_URL = url;
  }
  if (url) out.push(...(await loadFigures(LOAD_SECONDS)));
  return out;
}

/** A full garbage collection (the bench exposes V8's gc() to itself; tests never do this). */
function fullGc(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}

async function runners(): Promise<Runner[]> {
  const { ensureBuilt } = await import("../test/support/build");
  return [
    { id: "validate-file", run: validateFileFigure },
    { id: "validation-vs-loop", run: validationFigure },
    { id: "batch-300-jobs", run: batchFigure },
    { id: "pull-1m", run: pullFigures },
    { id: "push-10k", run: pushFigures },
    { id: "sync-calls", run: syncCallFigures },
    { id: "taskpane-initial-js", run: async () => bundleFigure(await ensureBuilt()) },
    { id: "costkey-requests", run: costKeyFigures },
    { id: "load", run: loadOnEveryStore },
  ];
}

function row(f: Figure): string {
  const value =
    f.kind === "ratio"
      ? `${fmt(f.value)} ${f.unit}`
      : f.kind === "size"
        ? `${fmt(f.value, 1)} ${f.unit}`
        : `${fmt(f.value, f.kind === "count" ? 0 : 1)} ${f.unit}`;
  const timing =
    f.subject && f.base
      ? `${fmt(f.subject.median * 1000, 1)} ms mot ${fmt(f.base.median * 1000, 1)} ms (spridning ${fmt(f.subject.spread * 100, 0)} % / ${fmt(f.base.spread * 100, 0)} %, ${f.subject.runs} körningar)`
      : "";
  const detail = [timing, f.note ?? ""].filter(Boolean).join("; ");
  const store = f.store ? ` (${f.store})` : "";
  return `| ${f.title}${store} | ${f.baseline} | ${f.target} | **${value}** | ${f.pass ? "uppfyllt" : "**ej uppfyllt**"} | ${detail} |`;
}

async function main() {
  const args = process.argv.slice(2);
  const onlyIdx = args.indexOf("--only");
  const only = onlyIdx >= 0 ? new Set(args[onlyIdx + 1].split(",")) : null;
  const figures: Figure[] = [];
  const started = Date.now();
  const loadBefore = os.loadavg()[0];
  const seconds: Record<string, number> = {};
  for (const r of await runners()) {
    if (only && !only.has(r.id)) continue;
    process.stderr.write(`mäter ${r.id} …\n`);
    // Each figure starts on a clean heap: the garbage of the figure before it (e.g. 25 ExcelJS
    // workbooks) is collected now, not during the next figure's timed runs, where incremental
    // marking would be charged to whichever side happens to allocate.
    fullGc();
    const t0 = Date.now();
    try {
      const out = await r.run();
      figures.push(...(Array.isArray(out) ? out : [out]));
    } catch (e) {
      process.stderr.write(`  misslyckades: ${e instanceof Error ? e.stack : String(e)}\n`);
      figures.push({
        id: r.id,
        title: r.id,
        baseline: "—",
        target: "—",
        kind: "count",
        value: NaN,
        unit: "",
        pass: false,
        note: `mätningen misslyckades: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
    seconds[r.id] = Math.round((Date.now() - t0) / 1000);
    process.stderr.write(`  ${seconds[r.id]} s\n`);
  }
  if (only) {
    // Keep the figures of the runners not measured now (figure ids start with their runner's id).
    try {
      const previous = JSON.parse(readFileSync(path.join(here, "results.json"), "utf8")) as {
        figures: Figure[];
      };
      const kept = previous.figures.filter((f) => ![...only].some((id) => f.id.startsWith(id)));
      const order = (await runners()).map((r) => r.id);
      const rank = (f: Figure) => order.findIndex((id) => f.id.startsWith(id));
      figures.splice(0, figures.length, ...[...kept, ...figures].sort((a, b) => rank(a) - rank(b)));
    } catch {
      // no previous results: only this run's figures
    }
  }
  const totalSeconds = Math.round((Date.now() - started) / 1000);
  const loadAverage = [loadBefore, os.loadavg()[0]];
  const postgres = Boolean(process.env.DATABASE_URL);
  const result = {
    machine: machine(),
    date: new Date().toISOString(),
    totalSeconds,
    seconds,
    loadAverage,
    postgres,
    figures,
  };
  writeFileSync(path.join(here, "results.json"), JSON.stringify(result, null, 2) + "\n");
  const table = [
    `Mätt ${result.date.slice(0, 16).replace("T", " ")} UTC på ${result.machine}; hela körningen tog ${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s. ` +
      `Belastning (load average, 1 min) ${fmt(loadAverage[0], 1)} vid start och ${fmt(loadAverage[1], 1)} vid slut på ${os.cpus().length} kärnor. ` +
      (postgres
        ? "Lagringen: PGlite och PostgreSQL (DATABASE_URL)."
        : "Lagringen: endast PGlite (DATABASE_URL saknades, PostgreSQL mättes inte)."),
    "",
    "| mått | jämfört med (samma körning) | mål | värde | status | detaljer |",
    "|---|---|---|---|---|---|",
    ...figures.map(row),
  ].join("\n");
  const mdPath = path.join(root, "BENCHMARKS.md");
  const md = readFileSync(mdPath, "utf8");
  const start = md.indexOf("<!-- results:start -->");
  const end = md.indexOf("<!-- results:end -->");
  if (start < 0 || end < 0) throw new Error("BENCHMARKS.md saknar markeringarna <!-- results:start/end -->");
  writeFileSync(mdPath, md.slice(0, start) + "<!-- results:start -->\n" + table + "\n" + md.slice(end));
  console.log(table);
  const failed = figures.filter((f) => !f.pass);
  if (failed.length)
    console.log(`\n${failed.length} mål uppfylls inte: ${failed.map((f) => f.id).join(", ")}`);
}

await main();
