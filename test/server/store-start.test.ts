/**
 * Start-up: migrations (versioned, once, safe when several instances start together on one
 * PostgreSQL), seeding once, the PGlite data-directory lock, static files with content types,
 * and HTTPS when a certificate is given.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it, vi } from "vitest";

// Several PGlite start-ups per test: slow on a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000 });
import { databaseTargets } from "../support/env";
import { openDb } from "../../src/server/db";
import { MIGRATIONS, migrate, splitStatements } from "../../src/server/migrations";
import { openStore, startServer } from "../../src/server/index";
import { dropSchema, newSchemaName } from "./helpers";

describe("splitStatements", () => {
  it("splits on semicolons outside comments, quotes and dollar-quoted bodies", () => {
    const sql = `CREATE TABLE a (x text DEFAULT 'a;b'); -- c;d
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN RAISE EXCEPTION 'x;y'; END $fn$;
SELECT 1`;
    expect(splitStatements(sql)).toEqual([
      "CREATE TABLE a (x text DEFAULT 'a;b')",
      "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN RAISE EXCEPTION 'x;y'; END $fn$",
      "SELECT 1",
    ]);
  });
});

describe("PGlite-katalogens lås", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("refuses a second opener of the same data directory and allows it after close", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "uppf-lock-"));
    dirs.push(dir);
    const db = await openStore({ dataDir: dir });
    await expect(openStore({ dataDir: dir })).rejects.toThrow(/används redan.*already in use/s);
    await db.close();
    const again = await openStore({ dataDir: dir });
    const [{ n }] = await again.query<{ n: number }>("SELECT count(*)::int AS n FROM organisations");
    expect(Number(n)).toBe(2); // seeded once, not twice
    await again.close();
  });

  it("takes over a lock left by a process that no longer exists", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "uppf-lock-"));
    dirs.push(dir);
    mkdirSync(dir, { recursive: true });
    // A PID that has exited: spawn and wait for a short-lived process.
    const deadPid = Number(
      execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).toString(),
    );
    writeFileSync(
      path.join(dir, "uppf-server.pid"),
      JSON.stringify({ pid: deadPid, host: os.hostname(), startedAt: "x" }),
    );
    const db = await openStore({ dataDir: dir });
    expect(JSON.parse(readFileSync(path.join(dir, "uppf-server.pid"), "utf8")).pid).toBe(process.pid);
    await db.close();
  });

  it("refuses a lock held from another machine (its process cannot be checked) and says how to clear it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "uppf-lock-"));
    dirs.push(dir);
    const pidFile = path.join(dir, "uppf-server.pid");
    writeFileSync(pidFile, JSON.stringify({ pid: 4242, host: "annan-dator", startedAt: "x" }));
    await expect(openStore({ dataDir: dir })).rejects.toThrow(
      new RegExp(
        `pid 4242\\) på datorn annan-dator.*ta bort ${pidFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`,
        "s",
      ),
    );
  });
});

for (const target of databaseTargets()) {
  describe(`migreringar (${target.name})`, () => {
    const schema = target.databaseUrl ? newSchemaName("migrate") : undefined;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "uppf-migrate-"));
    afterAll(async () => {
      if (target.databaseUrl && schema) await dropSchema(target.databaseUrl, schema);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("applies each migration once, even when several instances start at the same time", async () => {
      const n = target.databaseUrl ? 4 : 1;
      const dbs = await Promise.all(
        Array.from({ length: n }, () => openDb({ dataDir, databaseUrl: target.databaseUrl, schema })),
      );
      try {
        const applied = await Promise.all(dbs.map((db) => migrate(db)));
        expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.version));
        const rows = await dbs[0].query<{ version: number }>(
          "SELECT version::int AS version FROM schema_migrations ORDER BY version",
        );
        expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
        expect(await migrate(dbs[0])).toEqual([]);
      } finally {
        await Promise.all(dbs.map((db) => db.close()));
      }
    });
  });
}

describe("statiska filer och HTTPS", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("serves the built add-in with content types next to the API", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "uppf-static-"));
    const staticDir = mkdtempSync(path.join(os.tmpdir(), "uppf-dist-"));
    dirs.push(dataDir, staticDir);
    writeFileSync(path.join(staticDir, "taskpane.html"), "<!doctype html><title>Uppföljning</title>");
    writeFileSync(path.join(staticDir, "functions.js"), "export {};");
    writeFileSync(path.join(staticDir, "functions.json"), "{}");
    writeFileSync(path.join(staticDir, "manifest.xml"), "<OfficeApp/>");
    const s = await startServer({ port: 0, dataDir, staticDir });
    try {
      const html = await fetch(`${s.url}/taskpane.html`);
      expect(html.status).toBe(200);
      expect(html.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await html.text()).toContain("Uppföljning");
      expect((await fetch(`${s.url}/functions.js`)).headers.get("content-type")).toMatch(/javascript/);
      expect((await fetch(`${s.url}/functions.json`)).headers.get("content-type")).toMatch(
        /^application\/json/,
      );
      expect((await fetch(`${s.url}/manifest.xml`)).headers.get("content-type")).toMatch(/xml/);
      expect((await fetch(`${s.url}/finns-inte.js`)).status).toBe(404);
      expect((await fetch(`${s.url}/../package.json`)).status).toBe(404);
      expect(await (await fetch(`${s.url}/api/health`)).json()).toEqual({ status: "ok", store: "pglite" });
    } finally {
      await s.close();
    }
  });

  it("speaks HTTPS when given a key and certificate", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "uppf-tls-"));
    dirs.push(dataDir);
    const keyFile = path.join(dataDir, "key.pem");
    const certFile = path.join(dataDir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        keyFile,
        "-out",
        certFile,
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
      ],
      {
        stdio: "ignore",
      },
    );
    const s = await startServer({
      port: 0,
      dataDir: path.join(dataDir, "db"),
      tls: { key: readFileSync(keyFile), cert: readFileSync(certFile) },
    });
    try {
      expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const https = await import("node:https");
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get(
            `${s.url}/api/health`,
            { ca: readFileSync(certFile), servername: "localhost", checkServerIdentity: () => undefined },
            (res) => {
              let b = "";
              res.on("data", (d) => (b += d));
              res.on("end", () => resolve(b));
            },
          )
          .on("error", reject);
      });
      expect(JSON.parse(body)).toEqual({ status: "ok", store: "pglite" });
    } finally {
      await s.close();
    }
  });
});
