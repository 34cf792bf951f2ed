/**
 * Deterministic model-based simulation of the sync protocol: several panes (real SyncClient),
 * one in-memory server, a network that drops, duplicates, reorders and delays messages, panes
 * going offline, closing, reopening and losing their local store, server restarts.
 *
 * Replay a failure (the failing run prints this line):
 *   SYNC_SEED=<seed> SYNC_PATH=<path> SYNC_REPLAY=<replayPath> npx vitest run test/sync/simulation.test.ts
 * More runs:         SYNC_RUNS=20000 npx vitest run test/sync/simulation.test.ts
 *                    (SYNC_RUNS applies to both suites; SYNC_DEXIE_RUNS only to the Dexie one)
 * Outside vitest:    RUNS=5000 SEED=42 npx tsx test/sync/sim/run.mts   (prints coverage totals)
 */
import "fake-indexeddb/auto";
import Dexie from "dexie";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DexieSyncStore } from "../../taskpane/store/dexieStore";
import { WORKBOOK_ID } from "./sim/harness";
import { simulationProperty, trackStore } from "./sim/simulation";

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

describe("sync simulation (Dexie store over fake-indexeddb)", () => {
  it("holds the same properties with the real Dexie store (fewer runs: IndexedDB is slower)", async () => {
    const counter = { inflight: 0 };
    let run = 0;
    const names = new Map<string, string>();
    const property = simulationProperty({
      tracked: counter,
      maxCommands: 25,
      replayPath: process.env.SYNC_REPLAY,
      makeStore: (user) => {
        const name = `sim-${++run}-${user}`;
        names.set(user, name);
        return trackStore(new DexieSyncStore(user, WORKBOOK_ID, { databaseName: name }), counter);
      },
      wipe: async (pane) => {
        // what clearing site data leaves: the database with empty object stores
        counter.inflight++;
        try {
          const raw = new Dexie(names.get(pane.userId)!);
          await raw.open();
          await Promise.all(raw.tables.map((t) => t.clear()));
          raw.close();
        } finally {
          counter.inflight--;
        }
      },
    });
    await assertWithReplay(
      property as fc.IAsyncProperty<unknown>,
      params(Number(process.env.SYNC_DEXIE_RUNS ?? 25)),
    );
  }, 120_000);
});
