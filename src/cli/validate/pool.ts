/**
 * Validating many files: in this thread for one job, else in a pool of worker threads. Results
 * come back in input order; a worker that dies (e.g. out of memory on a hostile file) only
 * costs its current file, which is reported as OLÄSBAR, and is replaced.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { unreadableResult, validateFile, type FileResult, type ValidateFileOptions } from "./check";
import type { WorkerTask } from "./worker";

/** One file to validate. */
export interface FileTask {
  file: string;
  label: string;
  options: ValidateFileOptions;
}

/** Default --jobs: the number of cores. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** Memory cap per worker thread (MB): a hostile file kills its worker, not the run. */
const WORKER_HEAP_MB = 1024;

/** File URL of tsx's ESM API (`tsx/esm/api`, import condition), resolved from this package. */
function tsxApiUrl(): string {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgJson, "utf8")) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const rel = pkg.exports["./esm/api"]?.import?.default ?? "./dist/esm/api/index.mjs";
  return pathToFileURL(path.join(path.dirname(pkgJson), rel)).href;
}

/**
 * Start a worker that runs ./worker.ts. Node 20 does not apply `--import tsx` hooks to a
 * worker's own entry module, so the worker starts from a tiny ES module (a data: URL) that
 * registers tsx and then imports the TypeScript entry, exactly as bin/uppf.js does.
 */
export function startWorker(): Worker {
  const entry = new URL("./worker.ts", import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsxApiUrl())}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), {
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
}

/**
 * Validate the tasks with up to `jobs` threads (this one and `jobs − 1` workers); `onResult` is
 * called as each file finishes (for a progress bar). Returns results in input order.
 */
export async function validateAll(
  tasks: FileTask[],
  jobs: number,
  onResult?: (r: FileResult, index: number) => void,
): Promise<FileResult[]> {
  const results: FileResult[] = new Array(tasks.length);
  const n = Math.max(1, Math.min(jobs, tasks.length));
  if (n === 1) {
    for (let i = 0; i < tasks.length; i++) {
      results[i] = await validateFile(tasks[i].file, tasks[i].label, tasks[i].options);
      onResult?.(results[i], i);
    }
    return results;
  }
  let next = 0;
  const runOne = (): Promise<void> =>
    new Promise((resolve) => {
      let worker = startWorker();
      let current: number | undefined;
      const give = () => {
        if (next >= tasks.length) {
          current = undefined;
          void worker.terminate().then(() => resolve());
          return;
        }
        current = next++;
        const t = tasks[current];
        const msg: WorkerTask = { id: current, file: t.file, label: t.label, options: t.options };
        worker.postMessage(msg);
      };
      const attach = (w: Worker) => {
        w.on("message", (m: { id: number; result: FileResult }) => {
          results[m.id] = m.result;
          onResult?.(m.result, m.id);
          give();
        });
        w.on("error", (err: Error) => {
          if (current !== undefined) {
            const t = tasks[current];
            const oom = /memory|heap/i.test(err.message);
            results[current] = unreadableResult(
              t.label,
              oom
                ? "filen kräver för mycket minne för att granskas"
                : `granskningen av filen avbröts (${err.message.split("\n")[0].slice(0, 120)})`,
              oom ? "TOO_LARGE" : "READ_FAILED",
            );
            onResult?.(results[current], current);
          }
          // Replace the dead worker and carry on.
          worker = startWorker();
          attach(worker);
          give();
        });
      };
      attach(worker);
      give();
    });
  // This thread has the whole validation stack loaded already (the CLI imported it), while a
  // worker needs ~1–1,5 s of CPU to load it again through tsx: start n − 1 workers first, then
  // let this thread take files from the same queue as the n-th job.
  const workers = Array.from({ length: n - 1 }, runOne);
  const here = (async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await validateFile(tasks[i].file, tasks[i].label, tasks[i].options);
      onResult?.(results[i], i);
    }
  })();
  await Promise.all([...workers, here]);
  return results;
}
