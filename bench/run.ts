/**
 * `npm run bench`: measures every figure of BENCHMARKS.md in one run on this machine, each as a
 * ratio against a baseline measured in the same run (or as a count/size), and writes
 * bench/results.json and the table in BENCHMARKS.md.
 * Usage: npm run bench [-- --only id1,id2] [-- --quick]
 */
import { writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, machine, type Figure } from "./harness";
import { validationFigure } from "./figures/validation";
import { bundleFigure } from "./figures/bundle";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

type Runner = { id: string; run: () => Promise<Figure | Figure[]> };

async function runners(): Promise<Runner[]> {
  const { ensureBuilt } = await import("../test/support/build");
  return [
    { id: "validation-vs-loop", run: validationFigure },
    { id: "taskpane-initial-js", run: async () => bundleFigure(await ensureBuilt()) },
  ];
}

function row(f: Figure): string {
  const value =
    f.kind === "ratio"
      ? `${fmt(f.value)} ${f.unit}`
      : f.kind === "size"
        ? `${fmt(f.value, 1)} ${f.unit}`
        : `${fmt(f.value, f.kind === "count" ? 0 : 1)} ${f.unit}`;
  const detail =
    f.subject && f.base
      ? `${fmt(f.subject.median * 1000, 1)} ms mot ${fmt(f.base.median * 1000, 1)} ms (spridning ${fmt(f.subject.spread * 100, 0)} % / ${fmt(f.base.spread * 100, 0)} %, ${f.subject.runs} körningar)`
      : (f.note ?? "");
  const store = f.store ? ` (${f.store})` : "";
  return `| ${f.title}${store} | ${f.baseline} | ${f.target} | **${value}** | ${f.pass ? "uppfyllt" : "**ej uppfyllt**"} | ${detail} |`;
}

async function main() {
  const args = process.argv.slice(2);
  const onlyIdx = args.indexOf("--only");
  const only = onlyIdx >= 0 ? new Set(args[onlyIdx + 1].split(",")) : null;
  const figures: Figure[] = [];
  for (const r of await runners()) {
    if (only && !only.has(r.id)) continue;
    process.stderr.write(`mäter ${r.id} …\n`);
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
  }
  const result = { machine: machine(), date: new Date().toISOString(), figures };
  writeFileSync(path.join(here, "results.json"), JSON.stringify(result, null, 2) + "\n");
  const table = [
    `Mätt ${result.date.slice(0, 10)} på ${result.machine}.`,
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
