/**
 * Validating many files: in this thread for one job, else in a pool of worker threads. Results
 * come back in input order; a worker that dies (e.g. out of memory on a hostile file) only
 * costs its current file, which is reported as OLÄSBAR, and is replaced.
 */
import { existsSync, readdirSync, renameSync, statSync } from "node:fs";
import path from "node:path";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
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

/**
 * The worker as one plain JavaScript file, bundled from ./worker.ts with esbuild and cached in
 * node_modules/.cache (rebuilt when a source file is newer). Loading the TypeScript sources in
 * each worker through tsx's loader hooks cost ~3 s of CPU per worker — more than a worker
 * saved on a batch of 100 files — while the bundle loads in a fraction of that.
 */
async function workerBundle(): Promise<string> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, "../../..");
  const out = path.join(root, "node_modules/.cache/uppf/validate-worker.mjs");
  const newestSource = (dir: string): number => {
    let t = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      t = Math.max(t, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
    }
    return t;
  };
  if (existsSync(out) && statSync(out).mtimeMs >= newestSource(path.join(root, "src"))) return out;
  const { build } = await import("esbuild");
  const tmp = `${out}.${process.pid}.tmp`;
  await build({
    entryPoints: [path.join(here, "worker.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: tmp,
    packages: "external",
    logLevel: "silent",
  });
  renameSync(tmp, out); // atomic: a concurrent run never loads a half-written bundle
  return out;
}

/** Start a worker from the bundled ./worker.ts (see {@link workerBundle}). */
function startWorker(bundle: string): Worker {
  return new Worker(pathToFileURL(bundle), { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
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
  const bundle = await workerBundle();
  let next = 0;
  const runOne = (): Promise<void> =>
    new Promise((resolve) => {
      let worker = startWorker(bundle);
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
          worker = startWorker(bundle);
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
