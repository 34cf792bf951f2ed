import fc from "fast-check";
import { simulationProperty, simStats } from "./simulation";
const runs = Number(process.env.RUNS ?? 5);
const t0 = Date.now();
const out = await fc.check(simulationProperty() as any, { numRuns: runs, endOnFailure: true, seed: process.env.SEED ? Number(process.env.SEED) : undefined, path: process.env.SPATH });
console.log("ms", Date.now() - t0, "failed", out.failed);
if (out.failed) console.log(fc.defaultReportMessage(out).slice(0, 6000));
console.log(JSON.stringify(simStats));
