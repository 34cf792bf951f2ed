/**
 * Push of 10 000 mutations (new cells of one workbook, one transaction, set-based SQL: cells,
 * change log, audit log, client id) against the floor: one multi-row INSERT of the same 10 000
 * rows into a table shaped like `cells`. Target: within 2×. On PGlite always, on PostgreSQL
 * when DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Principal } from "../../src/server/auth";
import type { Db } from "../../src/server/db";
import { openStore } from "../../src/server/index";
import { applyPush } from "../../src/server/sync";
import { DEV_PROVIDER_ORG } from "../../src/server/seed";
import type { Mutation } from "../../src/sync/protocol";
import { compare, type Figure } from "../harness";

const N = 10_000;

async function measure(db: Db, store: "pglite" | "postgres"): Promise<Figure> {
  const [u] = await db.query<{ id: string; name: string }>(
    `SELECT id::text, name FROM users WHERE role = 'utforare' AND org_id = $1 LIMIT 1`,
    [DEV_PROVIDER_ORG.id],
  );
  const p: Principal = { userId: u.id, name: u.name, role: "utforare", orgId: DEV_PROVIDER_ORG.id };
  await db.exec(
    `CREATE TABLE IF NOT EXISTS bench_cells (LIKE cells INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
  );
  let round = 0;
  const authoredAt = new Date().toISOString();
  const newWorkbook = async () => {
    const id = `wb-bench-${randomBytes(6).toString("hex")}`;
    await db.query(
      `INSERT INTO workbooks (id, title, provider_org_id, purchaser_org_id, template_id, template_version, created_by)
       VALUES ($1, 'bench', $2, '04', 'uppfoljning', '1', $3)`,
      [id, DEV_PROVIDER_ORG.id, p.userId],
    );
    return id;
  };
  const cellName = (i: number) => `${String.fromCharCode(65 + (i % 26))}${Math.floor(i / 26) + 1}`;

  const r = await compare(
    async () => {
      const wb = await newWorkbook();
      const clientId = `bench-client-${round++}-${randomBytes(4).toString("hex")}`;
      const mutations: Mutation[] = Array.from({ length: N }, (_, i) => ({
        clientId,
        mutationId: i + 1,
        workbookId: wb,
        sheet: "Volymer",
        cell: cellName(i),
        baseVersion: 0,
        value: i * 1.25,
        authoredAt,
      }));
      const out = await applyPush(db, p, clientId, mutations);
      if (out.outcomes.length !== N || out.outcomes.some((o) => o.status !== "applied"))
        throw new Error("push tillämpades inte");
    },
    async () => {
      const wb = await newWorkbook();
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (let i = 0; i < N; i++) {
        const b = params.length;
        params.push(wb, cellName(i), JSON.stringify(i * 1.25), i + 1);
        tuples.push(`($${b + 1}, 'Volymer', $${b + 2}, $${b + 3}::jsonb, 1, $${b + 4})`);
      }
      await db.query(
        `INSERT INTO bench_cells (workbook_id, sheet, cell, value, version, last_seq) VALUES ${tuples.join(",")}`,
        params,
      );
    },
    store === "pglite" ? 5 : 7,
    1,
  );
  return {
    id: `push-10k-${store}`,
    title: "Push av 10 000 ändringar i en transaktion",
    baseline: "en INSERT med 10 000 rader i en cell-tabell",
    target: "≤ 2×",
    kind: "ratio",
    value: r.ratio,
    unit: "×",
    pass: r.ratio <= 2,
    subject: r.subject,
    base: r.base,
    store,
  };
}

export async function pushFigures(): Promise<Figure[]> {
  const out: Figure[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), "uppf-bench-push-"));
  const lite = await openStore({ dataDir: dir, seedDevUsers: true });
  try {
    out.push(await measure(lite, "pglite"));
  } finally {
    await lite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (process.env.DATABASE_URL) {
    const schema = `bench_${randomBytes(4).toString("hex")}`;
    const pgdb = await openStore({
      dataDir: dir,
      databaseUrl: process.env.DATABASE_URL,
      databaseSchema: schema,
      seedDevUsers: true,
    });
    try {
      out.push(await measure(pgdb, "postgres"));
    } finally {
      await pgdb.exec(`DROP SCHEMA ${schema} CASCADE`);
      await pgdb.close();
    }
  }
  return out;
}
