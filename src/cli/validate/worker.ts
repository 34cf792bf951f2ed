/**
 * Worker thread for `uppf validate --jobs N`: validates the files it is sent, one at a time.
 * ./pool.ts bundles this file (with esbuild) and starts the bundle, so no TypeScript loader
 * runs in the worker.
 */
import { parentPort } from "node:worker_threads";
import { unreadableResult, validateFile, type ValidateFileOptions } from "./check";

/** A task sent to the worker. */
export interface WorkerTask {
  id: number;
  file: string;
  label: string;
  options: ValidateFileOptions;
}

// Tasks are handled one at a time, in order: the pool keeps a second task queued here so the
// worker never waits for the main thread (busy with a file of its own) to send the next one.
const queue: WorkerTask[] = [];
let busy = false;

async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
    const result = await validateFile(task.file, task.label, task.options).catch((e: unknown) =>
      unreadableResult(
        task.label,
        `filen kunde inte granskas (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`,
        "READ_FAILED",
      ),
    );
    parentPort?.postMessage({ id: task.id, result });
  }
  busy = false;
}

parentPort?.on("message", (task: WorkerTask) => {
  queue.push(task);
  void drain();
});
