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
import type { FileResult, ValidateFileOptions } from "./check";
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

/** For tests of the pool itself: another worker, and whether this thread takes files too. */
export interface PoolInternals {
  startWorker?: () => Worker;
  mainThreadValidates?: boolean;
}

/** Files a worker has been sent and not yet answered: the first is the one it is working on. */
const IN_FLIGHT = 2;

/**
 * Validate the tasks with up to `jobs` threads (this one and `jobs − 1` workers); `onResult` is
 * called as each file finishes (for a progress bar). Returns results in input order.
 */
export async function validateAll(
  tasks: FileTask[],
  jobs: number,
  onResult?: (r: FileResult, index: number) => void,
  internals: PoolInternals = {},
): Promise<FileResult[]> {
  const results: FileResult[] = new Array(tasks.length);
  const n = Math.max(1, Math.min(jobs, tasks.length));
  if (n === 1) {
    const { validateFile } = await import("./check");
    for (let i = 0; i < tasks.length; i++) {
      results[i] = await validateFile(tasks[i].file, tasks[i].label, tasks[i].options);
      onResult?.(results[i], i);
    }
    return results;
  }
  // Start the workers first: each loads the validation stack (ExcelJS, ~0,5 s) on its own core
  // while this thread loads it too, instead of after it.
  const spawnWorker = internals.startWorker ?? startWorker.bind(null, await workerBundle());
  const mainThread = internals.mainThreadValidates ?? true;
  let next = 0;
  /** Tasks a dead worker had been sent but had not started; handed out again first. */
  const retry: number[] = [];
  const take = (): number | undefined =>
    retry.length > 0 ? retry.shift() : next < tasks.length ? next++ : undefined;
  const check = import("./check");
  const runOne = (): Promise<void> =>
    new Promise((resolve) => {
      let worker: Worker;
      const sent: number[] = [];
      let finished = false;
      const give = () => {
        while (sent.length < IN_FLIGHT) {
          const i = take();
          if (i === undefined) break;
          sent.push(i);
          const t = tasks[i];
          const msg: WorkerTask = { id: i, file: t.file, label: t.label, options: t.options };
          worker.postMessage(msg);
        }
        if (sent.length === 0 && !finished) {
          finished = true;
          void worker.terminate().then(() => resolve());
        }
      };
      const attach = (w: Worker) => {
        w.on("message", (m: { id: number; result: FileResult }) => {
          const at = sent.indexOf(m.id);
          if (at >= 0) sent.splice(at, 1);
          results[m.id] = m.result;
          onResult?.(m.result, m.id);
          give();
        });
        w.on("error", (err: Error) => {
          void check.then(({ unreadableResult }) => {
            // The worker handles its files in order: the first one sent is the one that killed it.
            const failed = sent.shift();
            if (failed !== undefined) {
              const t = tasks[failed];
              const oom = /memory|heap/i.test(err.message);
              results[failed] = unreadableResult(
                t.label,
                oom
                  ? "filen kräver för mycket minne för att granskas"
                  : `granskningen av filen avbröts (${err.message.split("\n")[0].slice(0, 120)})`,
                oom ? "TOO_LARGE" : "READ_FAILED",
              );
              onResult?.(results[failed], failed);
            }
            retry.push(...sent.splice(0));
            // Replace the dead worker and carry on.
            worker = spawnWorker();
            attach(worker);
            give();
          });
        });
      };
      worker = spawnWorker();
      attach(worker);
      give();
    });
  const workers = Array.from({ length: mainThread ? n - 1 : n }, runOne);
  // This thread takes files from the same queue as the n-th job.
  const { validateFile } = await check;
  const here = (async () => {
    if (!mainThread) return;
    for (let i = take(); i !== undefined; i = take()) {
      results[i] = await validateFile(tasks[i].file, tasks[i].label, tasks[i].options);
      onResult?.(results[i], i);
    }
  })();
  await Promise.all([...workers, here]);
  return results;
}
