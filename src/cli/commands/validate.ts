/**
 * `uppf validate <fil-eller-mapp>...`: validate providers' submissions in a batch.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseAvtal, type Avtal } from "../../domain/contract";
import type { Command } from "commander";
import cliProgress from "cli-progress";
import { CliError, UsageError } from "../errors";
import { collectFiles } from "../validate/files";
import { availableParallelism } from "node:os";
import type { FileTask } from "../validate/pool";
import { fileText, summarise, summaryText, type ValidateJson } from "../validate/output";
import type { FileResult } from "../validate/check";

interface ValidateOptions {
  avtal?: string;
  datum?: string;
  json?: boolean;
  annotate?: string;
  jobs?: string;
}

/** Parse --jobs. */
export function parseJobs(value: string | undefined): number {
  if (value === undefined) return Math.max(1, availableParallelism());
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 64) {
    throw new UsageError(`--jobs: ange ett heltal 1–64, inte "${value}"`);
  }
  return Number(value);
}

/** Unique annotated-copy names when two files in different folders share a base name. */
export function annotateNames(files: string[]): string[] {
  const used = new Map<string, number>();
  return files.map((f) => {
    const base = path.basename(f);
    const n = (used.get(base.toLowerCase()) ?? 0) + 1;
    used.set(base.toLowerCase(), n);
    if (n === 1) return base;
    const ext = path.extname(base);
    return `${base.slice(0, base.length - ext.length)} (${n})${ext}`;
  });
}

/** Read --avtal: one avtal or an array of them (JSON), validated by the domain's schema. */
export function readAvtalFile(file: string): Avtal[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(
      `--avtal: kan inte läsa ${file} (${(e as NodeJS.ErrnoException).code ?? "okänt fel"})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--avtal: ${file} är inte giltig JSON (${(e as Error).message})`);
  }
  const list = Array.isArray(json) ? json : [json];
  return list.map((item, i) => {
    const r = parseAvtal(item);
    if (!r.ok)
      throw new UsageError(
        `--avtal: ${file}${list.length > 1 ? ` (avtal ${i + 1})` : ""}: ${r.errors.slice(0, 3).join("; ")}`,
      );
    return r.avtal;
  });
}

/** Validate files with a progress bar on a terminal. Shared with `uppf compile`. */
export async function runValidation(
  args: string[],
  opts: { jobs?: string; annotate?: string; quiet?: boolean; avtal?: Avtal[]; today?: string },
): Promise<FileResult[]> {
  const jobs = parseJobs(opts.jobs);
  const files = collectFiles(args);
  const names = annotateNames(files);
  const tasks: FileTask[] = files.map((file, i) => ({
    file,
    label: file,
    options: {
      ...(opts.annotate ? { annotateDir: path.resolve(opts.annotate), annotateName: names[i] } : {}),
      ...(opts.avtal ? { avtal: opts.avtal, today: opts.today } : {}),
    },
  }));
  const showBar = Boolean(process.stdout.isTTY) && !opts.quiet && tasks.length > 1;
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          format: "Granskar {bar} {value}/{total} filer",
          hideCursor: true,
          clearOnComplete: true,
          stream: process.stdout,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(tasks.length, 0);
  try {
    // The validation stack (ExcelJS, worker pool) is loaded only when files are validated.
    const { validateAll } = await import("../validate/pool");
    return await validateAll(tasks, jobs, () => bar?.increment());
  } finally {
    bar?.stop();
  }
}

export function registerValidateCommand(program: Command): void {
  program
    .command("validate")
    .description("granska inlämnade mallar (.xlsx): fel, varningar och nyckeltal per fil")
    .argument("<fil-eller-mapp...>", "filer eller mappar med inlämnade mallar")
    .option("--avtal <fil>", "avtal (JSON, ett eller en lista) att jämföra mot; se examples/avtal/")
    .option("--datum <ÅÅÅÅ-MM-DD>", "dagens datum för kontrollen av rapporteringsfristen (standard: i dag)")
    .option("--json", "skriv resultatet som ett JSON-dokument (schema i README)")
    .option(
      "--annotate <mapp>",
      "skriv en granskningskopia av varje fil med markerade celler och bladet Granskning",
    )
    .option("--jobs <antal>", "antal filer som granskas parallellt (standard: antal kärnor)")
    .action(async (paths: string[], opts: ValidateOptions) => {
      if (opts.datum !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.datum)) {
        throw new UsageError(`--datum: skriv datumet som ÅÅÅÅ-MM-DD, inte "${opts.datum}"`);
      }
      const avtal = opts.avtal !== undefined ? readAvtalFile(opts.avtal) : undefined;
      const results = await runValidation(paths, {
        jobs: opts.jobs,
        annotate: opts.annotate,
        quiet: opts.json,
        avtal,
        today: opts.datum,
      });
      const annotateFailed = results.some((r) => r.annotateError);
      const summary = summarise(results, annotateFailed);
      if (opts.json) {
        const doc: ValidateJson = { schemaVersion: 1, files: results, summary };
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      } else {
        for (const r of results) console.log(fileText(r));
        console.log(summaryText(summary));
      }
      process.exitCode = summary.exitCode;
    });
}
