import fc from "fast-check";
import { simulationProperty, simStats } from "./simulation";
const runs = Number(process.env.RUNS ?? 5);
const t0 = Date.now();
const out = await fc.check(
  simulationProperty({ replayPath: process.env.SYNC_REPLAY }) as fc.IAsyncProperty<unknown>,
  {
    numRuns: runs,
    endOnFailure: !process.env.SHRINK,
    seed: process.env.SEED ? Number(process.env.SEED) : undefined,
    path: process.env.SPATH,
  },
);
console.log("ms", Date.now() - t0, "failed", out.failed);
if (out.failed)
  console.log(
    fc.defaultReportMessage(out).slice(0, 6000),
    "\n",
    out.errorInstance instanceof Error ? out.errorInstance.message : out.errorInstance,
  );
console.log(JSON.stringify(simStats));
