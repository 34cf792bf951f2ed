/**
 * Versioned schema migrations, applied at start-up in one transaction each and tracked in
 * `schema_migrations`. Several API instances starting on one PostgreSQL serialise on an
 * advisory lock, so each migration runs exactly once. Never edit a released migration:
 * add a new one.
 */
import type { Db } from "../db";
import { MIGRATIONS } from "./index";

/** Advisory lock key for migrations (any constant; "uppf" in ASCII). */
const MIGRATION_LOCK_KEY = 0x75707066;

export async function migrate(db: Db, log?: (line: string) => void): Promise<number[]> {
  const applied: number[] = [];
  await db.transaction(async (tx) => {
    // Serialises concurrent start-ups; released at commit.
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await tx.query<{ version: number }>("SELECT version::int AS version FROM schema_migrations")).map(
        (r) => r.version,
      ),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      applied.push(m.version);
      log?.(`migrering ${m.version} (${m.name}) tillämpad`);
    }
  });
  return applied;
}

/**
 * Split a migration script into statements (so they run through the transaction's
 * single-statement query path). Understands `--` comments, quoted strings and $tag$ bodies.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let cur = "";
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
      continue;
    }
    if (ch === "'") {
      const end = sql.indexOf("'", i + 1);
      cur += sql.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (ch === "$") {
      const m = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (m) {
        const end = sql.indexOf(m[0], i + m[0].length);
        cur += sql.slice(i, end + m[0].length);
        i = end + m[0].length;
        continue;
      }
    }
    if (ch === ";") {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
      i++;
      continue;
    }
    cur += ch;
    i++;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
