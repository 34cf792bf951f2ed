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

parentPort?.on("message", (task: WorkerTask) => {
  void validateFile(task.file, task.label, task.options)
    .catch((e: unknown) =>
      unreadableResult(
        task.label,
        `filen kunde inte granskas (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`,
        "READ_FAILED",
      ),
    )
    .then((result) => parentPort?.postMessage({ id: task.id, result }));
});
