/**
 * The worker pool of `uppf validate --jobs N`: results in input order, one per file, and a
 * worker that dies costs only the file it was working on (the file queued behind it is handed
 * out again), with a fresh worker taking over.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { validateAll, type FileTask } from "../../src/cli/validate/pool";

const crashy = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/crashy-worker.mjs");

function tasks(names: string[]): FileTask[] {
  return names.map((n) => ({ file: `/finns-inte/${n}.xlsx`, label: n, options: {} }));
}

describe("validateAll with worker threads", () => {
  it("returns one result per file in input order, and survives workers that die", async () => {
    const names = Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? `krasch-${i}` : `fil-${i}`));
    let started = 0;
    const seen: number[] = [];
    const results = await validateAll(tasks(names), 3, (_, i) => seen.push(i), {
      mainThreadValidates: false,
      startWorker: () => {
        started++;
        return new Worker(crashy);
      },
    });
    expect(results.map((r) => r.file)).toEqual(names);
    expect([...seen].sort((a, b) => a - b)).toEqual(names.map((_, i) => i));
    names.forEach((n, i) => {
      if (n.startsWith("krasch")) {
        expect(results[i].verdict).toBe("OLÄSBAR");
        expect(results[i].reasonCode).toBe("READ_FAILED");
        expect(results[i].reason).toBe(
          `granskningen av filen avbröts (krasch i testet (/finns-inte/${n}.xlsx))`,
        );
      } else {
        expect(results[i].verdict).toBe("GODKÄND");
      }
    });
    const crashes = names.filter((n) => n.startsWith("krasch")).length;
    // Three workers at the start, one more for each file that killed one.
    expect(started).toBe(3 + crashes);
  });

  it("with this thread taking files too, every file is still answered once", async () => {
    const names = Array.from({ length: 20 }, (_, i) => `fil-${i}`);
    // A slow stand-in (100 ms a file) leaves files for this thread once it has loaded ExcelJS.
    const results = await validateAll(tasks(names), 2, undefined, {
      startWorker: () => new Worker(crashy, { workerData: { delay: 100 } }),
    });
    expect(results.map((r) => r.file)).toEqual(names);
    // This thread really validates (the files do not exist: OLÄSBAR); the stand-in worker says GODKÄND.
    for (const r of results) expect(["GODKÄND", "OLÄSBAR"]).toContain(r.verdict);
    expect(results.some((r) => r.verdict === "OLÄSBAR")).toBe(true);
  });
});
