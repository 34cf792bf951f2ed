/**
 * Deterministic model-based simulation of the sync protocol: several panes (real SyncClient),
 * one in-memory server, a network that drops, duplicates, reorders and delays messages, panes
 * going offline, closing, reopening and losing their local store, server restarts.
 *
 * Replay a failure (the failing run prints this line):
 *   SYNC_SEED=<seed> SYNC_PATH=<path> SYNC_REPLAY=<replayPath> npx vitest run test/sync/simulation.test.ts
 * More runs:         SYNC_RUNS=20000 npx vitest run test/sync/simulation.test.ts
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simulationProperty } from "./sim/simulation";

function params(defaultRuns: number): fc.Parameters<unknown> {
  const p: fc.Parameters<unknown> = { numRuns: Number(process.env.SYNC_RUNS ?? defaultRuns) };
  if (process.env.SYNC_SEED) p.seed = Number(process.env.SYNC_SEED);
  if (process.env.SYNC_PATH) p.path = process.env.SYNC_PATH;
  return p;
}

async function assertWithReplay(
  property: fc.IAsyncProperty<unknown>,
  p: fc.Parameters<unknown>,
): Promise<void> {
  const out = await fc.check(property, p);
  if (out.failed) {
    const report = fc.defaultReportMessage(out);
    const replayPath = /replayPath="([^"]*)"/.exec(report)?.[1] ?? "";
    const replay = `SYNC_SEED=${out.seed} SYNC_PATH=${out.counterexamplePath ?? ""} SYNC_REPLAY='${replayPath}' npx vitest run test/sync/simulation.test.ts`;
    console.error(`Simulation failed. Replay with:\n  ${replay}`);
    const cause = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
    throw new Error(`${report}\n${cause}\nReplay: ${replay}`);
  }
  expect(out.numRuns).toBeGreaterThan(0);
}

describe("sync simulation (memory store)", () => {
  it("keeps every acknowledged edit, applies none twice, loses no conflict and converges", async () => {
    await assertWithReplay(
      simulationProperty({ replayPath: process.env.SYNC_REPLAY }) as fc.IAsyncProperty<unknown>,
      params(1000),
    );
  }, 120_000);
});
