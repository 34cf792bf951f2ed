/**
 * `uppf compile <mapp> --out sammanstallning.xlsx`: the yearly compilation per unit.
 */
import type { Command } from "commander";
import { LATEST_TEMPLATE } from "../../domain/template/registry";
import { writeOutputFile } from "../output-file";

import { readAvtalFile, runValidation } from "./validate";

interface CompileOptions {
  out: string;
  jobs?: string;
  avtal?: string;
  title?: string;
}

export function registerCompileCommand(program: Command): void {
  program
    .command("compile")
    .description("sammanställ inlämnade mallar: en rad per inlämning och ett blad per verksamhetsområde")
    .argument("<mapp...>", "mappar eller filer med inlämnade mallar")
    .option("--out <fil>", "filen att skriva", "sammanstallning.xlsx")
    .option("--avtal <fil>", "avtal (JSON) att räkna avtalsavvikelser mot")
    .option("--title <text>", "rubrik, t.ex. ”Sammanställning 2025”")
    .option("--jobs <antal>", "antal filer som granskas parallellt (standard: antal kärnor)")
    .action(async (paths: string[], opts: CompileOptions) => {
      const avtal = opts.avtal !== undefined ? readAvtalFile(opts.avtal) : undefined;
      const results = await runValidation(paths, { jobs: opts.jobs, avtal });
      // ExcelJS is loaded only when a command needs it: `uppf --help` stays fast.
      const { writeCompilation } = await import("../../xlsx/compile");
      const bytes = await writeCompilation(LATEST_TEMPLATE, results, { title: opts.title });
      writeOutputFile(opts.out, bytes);
      const unreadable = results.filter((r) => r.verdict === "OLÄSBAR");
      for (const r of unreadable) console.error(`${r.file}: OLÄSBAR – ${r.reason}`);
      const areas = new Set(results.map((r) => r.submission?.area).filter(Boolean)).size;
      console.log(
        `Skrev ${opts.out}: ${results.length} inlämningar, ${areas} verksamhetsområden${unreadable.length ? `, ${unreadable.length} oläsbara (listade i sammanställningen)` : ""}.`,
      );
      process.exitCode = unreadable.length > 0 ? 2 : 0;
    });
}
