/**
 * The CLI commands over the store: `uppf org add`, `uppf user add` (prints a token that works
 * against the server) and `uppf verify-receipts` (exit 1 when a submission was altered).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it, vi } from "vitest";
import { registerReceiptCommands } from "../../src/cli/commands/receipts";
import { registerUserCommands } from "../../src/cli/commands/user";
import { CliError } from "../../src/cli/errors";
import { openStore, startServer } from "../../src/server/index";
import { client } from "./helpers";

async function run(args: string[]): Promise<{ out: string; exitCode: number }> {
  const program = new Command().exitOverride();
  registerUserCommands(program);
  registerReceiptCommands(program);
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => {
    lines.push(a.join(" "));
  });
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(args, { from: "user" });
    return { out: lines.join("\n"), exitCode: typeof process.exitCode === "number" ? process.exitCode : 0 };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

describe("uppf user add / org add / verify-receipts", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "uppf-cli-"));
  const prevDbUrl = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL; // these run on PGlite in dataDir
  afterAll(() => {
    if (prevDbUrl !== undefined) process.env.DATABASE_URL = prevDbUrl;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates organisations and users; the printed token signs in; bad arguments are refused clearly", async () => {
    const org = await run([
      "org",
      "add",
      "--id",
      "559200-4567",
      "--name",
      "Omsorg i Mälardalen AB",
      "--kind",
      "utforare",
      "--parent",
      "04",
      "--data-dir",
      dataDir,
    ]);
    expect(org.out).toContain("559200-4567 Omsorg i Mälardalen AB (utforare)");
    const u = await run([
      "user",
      "add",
      "--name",
      "Ulla Utförare",
      "--role",
      "utforare",
      "--org",
      "559200-4567",
      "--data-dir",
      dataDir,
    ]);
    expect(u.out).toContain("visas bara nu");
    const token = u.out.trim().split("\n").pop()!;
    expect(token).toMatch(/^uppf_[A-Za-z0-9_-]{43}$/);
    const c = await run([
      "user",
      "add",
      "--name",
      "Carl Controller",
      "--role",
      "controller",
      "--org",
      "04",
      "--data-dir",
      dataDir,
      "-q",
    ]);
    const controllerToken = c.out.trim();
    expect(controllerToken).toMatch(/^uppf_/);

    await expect(
      run(["user", "add", "--name", "X", "--role", "chef", "--org", "04", "--data-dir", dataDir]),
    ).rejects.toThrow(/ingen roll/);
    await expect(
      run(["user", "add", "--name", "X", "--role", "controller", "--org", "4", "--data-dir", dataDir]),
    ).rejects.toThrow(/länskod/);
    await expect(
      run(["user", "add", "--name", "X", "--role", "controller", "--org", "0117", "--data-dir", dataDir]),
    ).rejects.toThrow(/Organisationen 0117 finns inte/);
    await expect(
      run(["user", "add", "--name", "X", "--role", "utforare", "--org", "04", "--data-dir", dataDir]),
    ).rejects.toThrow(/kräver en utförarorganisation/);

    const server = await startServer({ port: 0, dataDir });
    try {
      // While the server holds the directory, the CLI is refused with a clear message.
      const locked = run([
        "user",
        "add",
        "--name",
        "Y",
        "--role",
        "controller",
        "--org",
        "04",
        "--data-dir",
        dataDir,
      ]);
      await expect(locked).rejects.toBeInstanceOf(CliError);
      await expect(locked).rejects.toThrow(/används redan.*POST \/api\/users/s);

      const api = client(server.url);
      expect((await api.get("/api/me", token)).body).toMatchObject({
        name: "Ulla Utförare",
        orgId: "559200-4567",
        orgName: "Omsorg i Mälardalen AB",
      });
      const wb = await api.post("/api/workbooks", controllerToken, {
        title: "Uppföljning 2026",
        templateId: "uppf-mall",
        templateVersion: "1.0.0",
        providerOrgId: "559200-4567",
      });
      expect(wb.status).toBe(201);
      const verdict = { status: "godkand", errorCount: 0, warningCount: 0 };
      for (let i = 0; i < 3; i++) {
        expect((await api.post(`/api/workbooks/${wb.body.id}/submissions`, token, { verdict })).status).toBe(
          201,
        );
      }
    } finally {
      await server.close();
    }

    const ok = await run(["verify-receipts", "--data-dir", dataDir]);
    expect(ok.exitCode).toBe(0);
    expect(ok.out).toContain("✓ 04: 3 kvitton, kedjan är obruten.");

    // Tamper with a receipt (as the table owner, bypassing the trigger): detected, exit code 1.
    const db = await openStore({ dataDir });
    await db.exec("ALTER TABLE receipts DISABLE TRIGGER receipts_immutable");
    await db.query("UPDATE receipts SET submitter_name = 'Någon annan' WHERE seq = 2");
    await db.exec("ALTER TABLE receipts ENABLE TRIGGER receipts_immutable");
    await db.close();
    const bad = await run(["verify-receipts", "--data-dir", dataDir, "--json"]);
    expect(bad.exitCode).toBe(1);
    const parsed = JSON.parse(bad.out);
    expect(parsed.ok).toBe(false);
    expect(parsed.chains[0].problems).toEqual(["Kvitto 2: kvittots hash stämmer inte (kvittot är ändrat)."]);
  }, 180_000);
});
