import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { root } from "./support/build";

const run = promisify(execFile);

/** Runs the real `uppf` binary (bin/uppf.js through tsx) and returns its exit code and output. */
async function uppf(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(root, "bin/uppf.js"), ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1" },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("uppf CLI", () => {
  it("prints help and version", async () => {
    const help = await uppf("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/serve/);
    expect(help.stdout).toMatch(/manifest/);
    const version = await uppf("--version");
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version,
    );
  });

  it("says in Swedish what is wrong with unknown commands and options, exit code 2", async () => {
    const unknown = await uppf("valider");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/okänt kommando "valider"/);
    expect(unknown.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const badOption = await uppf("serve", "--portt", "1");
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/okänd flagga "--portt"/);
    const badPort = await uppf("serve", "--port", "hundra");
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port: "hundra" är inget portnummer/);
  });

  it("lists every command, and a command group without its subcommand is a usage error", async () => {
    const help = await uppf("--help");
    for (const c of [
      "serve",
      "manifest",
      "template",
      "validate",
      "compile",
      "user",
      "org",
      "verify-receipts",
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${c}\\b`, "m"));
    }
    expect(help.stdout).toMatch(/^Kommandon:/m);
    const group = await uppf("user");
    expect(group.code).toBe(2);
    expect(group.stderr).toMatch(/Användning: uppf user/);
  });

  it("creates a user with a one-time token and checks receipts on a fresh store", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "uppf-cli-"));
    const add = await uppf(
      "user",
      "add",
      "--name",
      "Anna Controller",
      "--role",
      "controller",
      "--org",
      "04",
      "--data-dir",
      dataDir,
    );
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^uppf_[A-Za-z0-9_-]{20,}$/m);
    const badRole = await uppf(
      "user",
      "add",
      "--name",
      "X",
      "--role",
      "chef",
      "--org",
      "04",
      "--data-dir",
      dataDir,
    );
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/--role: "chef" är ingen roll/);
    const verify = await uppf("verify-receipts", "--data-dir", dataDir);
    expect(verify.code).toBe(0);
  }, 60_000);

  it("writes a deployment manifest with every URL rewritten", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "uppf-")), "manifest.xml");
    const ok = await uppf("manifest", "--base-url", "https://example.org/uppf", "--out", out);
    expect(ok.code).toBe(0);
    const xml = readFileSync(out, "utf8");
    expect(xml).toContain('DefaultValue="https://example.org/uppf/functions.js"');
    expect(xml).not.toContain("localhost");
    const missing = await uppf("manifest");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--base-url/);
    const http = await uppf("manifest", "--base-url", "http://example.org", "--out", out);
    expect(http.code).toBe(2);
    expect(http.stderr).toMatch(/https/);
  });
});
