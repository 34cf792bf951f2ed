/**
 * Sync pull of 1 change from a store holding 1 000 000 cells against the same pull from a store
 * holding 10 000 cells. Both stores are filled the same way with set-based SQL (generate_series):
 * workbooks of 10 000 cells each, every cell with its row in the change log (as a push leaves
 * it), then one real push of one mutation to the workbook being pulled. The pull is the server's
 * own `pull` (what GET /api/sync/pull runs) for that workbook from the cursor before the push.
 * Target: within 1,5×. On PGlite always, on PostgreSQL when DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Principal } from "../../src/server/auth";
import type { Db } from "../../src/server/db";
import { openStore } from "../../src/server/index";
import { applyPush, pull } from "../../src/server/sync";
import { DEV_PROVIDER_ORG } from "../../src/server/seed";
import { compare, type Figure } from "../harness";

const CELLS_PER_WORKBOOK = 10_000;
const SMALL = 10_000;
const LARGE = 1_000_000;

interface Filled {
  db: Db;
  principal: Principal;
  workbookId: string;
  since: string;
  close: () => Promise<void>;
}

export async function principal(db: Db): Promise<Principal> {
  const [u] = await db.query<{ id: string; name: string }>(
    `SELECT id::text, name FROM users WHERE role = 'utforare' AND org_id = $1 LIMIT 1`,
    [DEV_PROVIDER_ORG.id],
  );
  return { userId: u.id, name: u.name, role: "utforare", orgId: DEV_PROVIDER_ORG.id };
}

/** Fill `cells` and `changes` with `total` cells in workbooks of 10 000 cells (set-based). */
export async function fill(db: Db, p: Principal, total: number): Promise<string> {
  const workbooks = Math.ceil(total / CELLS_PER_WORKBOOK);
  await db.query(
    `INSERT INTO workbooks (id, title, provider_org_id, purchaser_org_id, template_id, template_version, created_by)
     SELECT 'wb-bench-' || w, 'bench ' || w, $1, CASE WHEN w % 2 = 0 THEN '04' ELSE '19' END, 'uppfoljning', '1', $2::bigint
     FROM generate_series(1, $3::int) AS w`,
    [DEV_PROVIDER_ORG.id, p.userId, workbooks],
  );
  // Bulk load as PostgreSQL advises: secondary indexes are built once after the rows are in
  // (same indexes afterwards, only faster to fill).
  await db.exec(`DROP INDEX changes_workbook_seq; ALTER TABLE cells DROP CONSTRAINT cells_pkey;`);
  // Cell i of workbook w: sheet by tens of rows, address in columns A..J.
  await db.query(
    `INSERT INTO changes (workbook_id, sheet, cell, value, version, client_id, mutation_id, user_id, org_id, authored_at)
     SELECT 'wb-bench-' || (1 + (g - 1) / $1::int),
            'Blad' || (1 + ((g - 1) % $1::int) / 1000),
            chr(65 + ((g - 1) % 10)) || (1 + ((g - 1) % 1000) / 10),
            to_jsonb(g * 1.25), 1, 'bench-fill', g, $2::bigint, $3, now()
     FROM generate_series(1, $4::int) AS g`,
    [CELLS_PER_WORKBOOK, p.userId, DEV_PROVIDER_ORG.id, total],
  );
  await db.query(
    `INSERT INTO cells (workbook_id, sheet, cell, value, version, last_seq, updated_by, last_client_id, streak_base)
     SELECT workbook_id, sheet, cell, value, version, seq, user_id, client_id, 0
     FROM changes WHERE client_id = 'bench-fill'`,
  );
  await db.exec(
    `CREATE INDEX changes_workbook_seq ON changes (workbook_id, seq);
     ALTER TABLE cells ADD CONSTRAINT cells_pkey PRIMARY KEY (workbook_id, sheet, cell);
     ANALYZE cells; ANALYZE changes; ANALYZE workbooks;`,
  );
  const [n] = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM cells`);
  if (Number(n.n) !== total) throw new Error(`väntade ${total} celler, fick ${n.n}`);
  return `wb-bench-${workbooks}`;
}

async function filled(total: number, store: "pglite" | "postgres"): Promise<Filled> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "uppf-bench-pull-"));
  const schema = store === "postgres" ? `bench_pull_${randomBytes(4).toString("hex")}` : undefined;
  const db = await openStore({
    dataDir: dir,
    databaseUrl: store === "postgres" ? process.env.DATABASE_URL : undefined,
    databaseSchema: schema,
    seedDevUsers: true,
  });
  const close = async () => {
    if (schema) await db.exec(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const p = await principal(db);
    const workbookId = await fill(db, p, total);
    const [{ head }] = await db.query<{ head: string }>(`SELECT max(seq)::text AS head FROM changes`);
    const clientId = `bench-pull-${randomBytes(4).toString("hex")}`;
    const out = await applyPush(db, p, clientId, [
      {
        clientId,
        mutationId: 1,
        workbookId,
        sheet: "Blad1",
        cell: "A1",
        baseVersion: 1,
        value: 42,
        authoredAt: new Date().toISOString(),
      },
    ]);
    if (out.outcomes[0]?.status !== "applied") throw new Error("ändringen tillämpades inte");
    return { db, principal: p, workbookId, since: head, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function pullOne(s: Filled): Promise<void> {
  const r = await pull(s.db, s.principal, { since: s.since, workbookId: s.workbookId, limit: 1000 });
  if (r.changes.length !== 1 || r.hasMore) throw new Error(`väntade 1 ändring, fick ${r.changes.length}`);
}

async function measure(store: "pglite" | "postgres"): Promise<Figure[]> {
  const small = await filled(SMALL, store);
  let large: Filled | undefined;
  try {
    large = await filled(LARGE, store);
    const l = large;
    // One pull takes about a millisecond: time 50 in a row per run.
    const reps = 50;
    const r = await compare(
      async () => {
        for (let i = 0; i < reps; i++) await pullOne(l);
      },
      async () => {
        for (let i = 0; i < reps; i++) await pullOne(small);
      },
      15,
      2,
    );
    // Added figure (not in the list): a push of 5 mutations (typing in the workbook)
    // into the same two stores, after the pulls.
    let k = 0;
    const push5 = async (st: Filled) => {
      const clientId = `bench-push5-${randomBytes(4).toString("hex")}`;
      const base = k++ * 5;
      const out = await applyPush(
        st.db,
        st.principal,
        clientId,
        Array.from({ length: 5 }, (_, i) => ({
          clientId,
          mutationId: i + 1,
          workbookId: st.workbookId,
          sheet: "Ny",
          cell: `A${base + i + 1}`,
          baseVersion: 0,
          value: base + i,
          authoredAt: new Date().toISOString(),
        })),
      );
      if (out.outcomes.some((o) => o.status !== "applied")) throw new Error("push tillämpades inte");
    };
    const w = await compare(
      () => push5(l),
      () => push5(small),
      store === "pglite" ? 5 : 9,
      1,
    );
    const pushFigure: Figure = {
      id: `pull-1m-push5-${store}`,
      title: "Tillagt mått: push av 5 ändringar med 1 000 000 lagrade celler",
      baseline: "samma push med 10 000 lagrade celler",
      target: "≤ 1,5× (som pull)",
      kind: "ratio",
      value: w.ratio,
      unit: "×",
      pass: w.ratio <= 1.5,
      subject: w.subject,
      base: w.base,
      store,
      note: "inte i ärendets lista; visar om en vanlig push beror på hur mycket som redan är lagrat",
    };
    const pullFigure: Figure = {
      id: `pull-1m-${store}`,
      title: "Pull av 1 ändring med 1 000 000 lagrade celler",
      baseline: "samma pull med 10 000 lagrade celler",
      target: "≤ 1,5×",
      kind: "ratio",
      value: r.ratio,
      unit: "×",
      pass: r.ratio <= 1.5,
      subject: r.subject,
      base: r.base,
      store,
      note: `${reps} pull i följd per körning; cellerna i arbetsböcker om 10 000 med en rad var i ändringsloggen`,
    };
    return [pullFigure, pushFigure];
  } finally {
    await large?.close();
    await small.close();
  }
}

export async function pullFigures(): Promise<Figure[]> {
  const out = await measure("pglite");
  if (process.env.DATABASE_URL) out.push(...(await measure("postgres")));
  return out;
}
