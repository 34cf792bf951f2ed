/**
 * A small database interface over PGlite (embedded, one process per data directory) and
 * PostgreSQL (node-postgres pool). Both speak the same SQL dialect; the store code only
 * sees `Db` / `Queryable`.
 *
 * Type normalisation: node-postgres returns int8/numeric as strings and PGlite returns them as
 * numbers, so store SQL casts what it reads (`::int`, `::text`, `::float8`) to stay uniform.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { acquireDataDirLock, type DataDirLock } from "./lock";

export interface Queryable {
  /** Run one statement with $1.. parameters and return its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: "pglite" | "postgres";
  /** Run several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Run `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Checkpoint (PGlite) and close. */
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** PostgreSQL connection string; when absent PGlite in `dataDir` is used. */
  databaseUrl?: string;
  /** PGlite data directory (created if missing). */
  dataDir?: string;
  /** PostgreSQL only: use (and create) this schema instead of `public` (tests run in parallel). */
  schema?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.schema, opts.poolSize);
  if (!opts.dataDir) throw new Error("Ingen datakatalog angiven / no data directory given");
  return openPglite(opts.dataDir);
}

async function openPglite(dataDir: string): Promise<Db> {
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lock: DataDirLock = await acquireDataDirLock(dir);
  let pg;
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    pg = await PGlite.create(path.join(dir, "pgdata"));
  } catch (err) {
    await lock.release();
    throw err;
  }
  const db = pg;
  const queue = new TurnQueue();
  let closed: Promise<void> | undefined;
  return {
    kind: "pglite",
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const r = await queue.run(() => db.query<T>(sql, params as unknown[] | undefined));
      return r.rows;
    },
    async exec(sql: string): Promise<void> {
      await queue.run(() => db.exec(sql));
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return queue.run(() =>
        db.transaction(async (tx) =>
          fn({
            async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
              const r = await tx.query<R>(sql, params as unknown[] | undefined);
              return r.rows;
            },
          }),
        ),
      );
    },
    close(): Promise<void> {
      // After everything already queued.
      closed ??= queue.run(async () => {
        try {
          await db.exec("CHECKPOINT");
          await db.close();
        } finally {
          await lock.release();
        }
      });
      return closed;
    },
  };
}

/**
 * PGlite's work is synchronous WebAssembly chained by promises: once a burst of queued
 * statements starts, it runs to the end in one turn of the event loop, and so does every request
 * whose statements were queued behind it. The server reads sockets and accepts connections only
 * between such turns, and libuv (since 1.45, libuv/libuv#3696; Node 20 has 1.46) accepts one
 * new connection per turn. Measured under the load figure's 50 clients: turns of 0.5–1 s, the
 * last connections accepted 4–10 s after they were made, and their first requests timing out
 * (10 s), while no request ever waited more than ~15 ms for PGlite's own (first-come first-served)
 * lock.
 *
 * This queue runs the store's operations (a statement, or a whole transaction) one at a time in
 * arrival order (FIFO), each starting on a turn of its own (setImmediate), so sockets, timers and
 * new connections are served between any two operations.
 */
export class TurnQueue {
  private readonly jobs: Array<() => void> = [];
  private running = false;

  /** Runs `fn` after every operation queued before it, alone, starting on a new turn. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push(() => {
        let result: Promise<T>;
        try {
          result = fn();
        } catch (err) {
          result = Promise.reject(err as Error);
        }
        void result.then(resolve, reject).finally(() => setImmediate(() => this.next()));
      });
      if (!this.running) {
        this.running = true;
        setImmediate(() => this.next());
      }
    });
  }

  private next(): void {
    const job = this.jobs.shift();
    if (job) job();
    else this.running = false;
  }
}

async function openPostgres(url: string, schema?: string, poolSize = 10): Promise<Db> {
  if (schema !== undefined && !SCHEMA_RE.test(schema)) {
    throw new Error(`Ogiltigt schemanamn / invalid schema name: ${schema}`);
  }
  const pgmod = await import("pg");
  const Pool = pgmod.default.Pool;
  if (schema) {
    // Create the schema once with a throwaway connection, then bind every pooled connection to it.
    const c = new pgmod.default.Client({ connectionString: url });
    await c.connect();
    try {
      // Instances starting together race on CREATE SCHEMA IF NOT EXISTS; serialise them.
      await c.query("SELECT pg_advisory_lock(hashtext('uppf:create-schema'))");
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await c.end();
    }
  }
  const pool = new Pool({
    connectionString: url,
    max: poolSize,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process.
  pool.on("error", () => {});
  // Fail fast with a clear message when PostgreSQL is unreachable.
  const probe = await pool.connect().catch((err: Error) => {
    void pool.end();
    throw new Error(`Kan inte ansluta till PostgreSQL / cannot connect to PostgreSQL: ${err.message}`);
  });
  probe.release();
  let closed = false;
  return {
    kind: "postgres",
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const r = await pool.query(sql, params as unknown[] | undefined);
      return r.rows as T[];
    },
    async exec(sql: string): Promise<void> {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn({
          async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
            const r = await client.query(sql, params as unknown[] | undefined);
            return r.rows as R[];
          },
        });
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
