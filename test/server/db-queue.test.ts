/**
 * PGlite's store operations run one at a time, first come first served, each on its own turn of
 * the event loop (src/server/db.ts, TurnQueue): between two operations the server gets to read
 * sockets and accept connections, so no request waits behind a whole burst of queued work.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, TurnQueue, type Db } from "../../src/server/db";

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

describe("TurnQueue", () => {
  it("runs operations one at a time in arrival order, whatever each one waits for", async () => {
    const q = new TurnQueue();
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    const jobs = Array.from({ length: 8 }, (_, i) =>
      q.run(async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        log.push(`start ${i}`);
        // Earlier operations wait longer: run concurrently, later ones would finish first.
        for (let k = 0; k < 8 - i; k++) await tick();
        log.push(`end ${i}`);
        active--;
        return i;
      }),
    );
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(maxActive).toBe(1);
    expect(log).toEqual(Array.from({ length: 8 }, (_, i) => [`start ${i}`, `end ${i}`]).flat());
  });

  it("lets the event loop take a turn between two operations", async () => {
    const q = new TurnQueue();
    const log: string[] = [];
    const a = q.run(async () => {
      log.push("a");
      // I/O and immediates queued while an operation runs are served before the next one starts.
      setImmediate(() => log.push("turn"));
    });
    const b = q.run(async () => {
      log.push("b");
    });
    await Promise.all([a, b]);
    expect(log).toEqual(["a", "turn", "b"]);
  });

  it("passes on a failure to its caller and goes on with the next operation", async () => {
    const q = new TurnQueue();
    const failing = q.run(async () => {
      throw new Error("fel i operationen");
    });
    const thrown = q.run(() => {
      throw new Error("synkront fel");
    });
    const next = q.run(async () => "nästa");
    await expect(failing).rejects.toThrow("fel i operationen");
    await expect(thrown).rejects.toThrow("synkront fel");
    expect(await next).toBe("nästa");
  });
});

describe("PGlite-lagringen köar i ankomstordning", () => {
  let dir: string;
  let db: Db;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "uppf-db-queue-"));
    db = await openDb({ dataDir: dir });
    await db.exec("CREATE TABLE arrivals (id serial PRIMARY KEY, who integer NOT NULL)");
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("commits concurrent statements and transactions in the order they were asked for; a failed one rolls back", async () => {
    const calls: Array<Promise<unknown>> = [];
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 0) {
        calls.push(db.query("INSERT INTO arrivals (who) VALUES ($1)", [i]));
      } else {
        calls.push(
          db
            .transaction(async (tx) => {
              await tx.query("INSERT INTO arrivals (who) VALUES ($1)", [i]);
              // Application work inside the transaction (another request must not slip in).
              await tick();
              await tx.query("INSERT INTO arrivals (who) VALUES ($1)", [i]);
              if (i % 5 === 1) throw new Error("avbruten");
            })
            .catch((err: Error) => err.message),
        );
      }
    }
    const results = await Promise.all(calls);
    expect(results.filter((r) => r === "avbruten")).toHaveLength(4);
    const rows = await db.query<{ who: number }>("SELECT who FROM arrivals ORDER BY id");
    const expected = Array.from({ length: 30 }, (_, i) => i)
      .filter((i) => i % 3 === 0 || i % 5 !== 1)
      .flatMap((i) => (i % 3 === 0 ? [i] : [i, i]));
    expect(rows.map((r) => r.who)).toEqual(expected);
  });

  it("closes after the operations already queued", async () => {
    const q = db.query<{ n: number }>("SELECT count(*)::int AS n FROM arrivals");
    const closing = db.close();
    expect((await q)[0].n).toBe(42);
    await closing;
    // Closed and the data directory's lock released: it opens again, with the data.
    db = await openDb({ dataDir: dir });
    expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM arrivals"))[0].n).toBe(42);
  });
});
