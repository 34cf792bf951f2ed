/**
 * `uppf serve` as a user runs it: starts on PGlite, refuses a second server on the same data
 * directory with a clear message (exit 2), and stops cleanly on Ctrl-C (SIGINT).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, root } from "./support/build";

function startServe(dataDir: string): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const child = spawn(
    process.execPath,
    ["bin/uppf.js", "serve", "--port", "0", "--http", "--data-dir", dataDir],
    { cwd: root, env: { ...process.env, DATABASE_URL: "" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /körs på (http:\/\/\S+?) \(/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 50);
    child.on("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`serve avslutades (${code}): ${out}`));
    });
  });
  return { child, output: () => out, url };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

describe("uppf serve", () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 300_000);

  it("serves on PGlite, refuses a second server on the same directory, stops on Ctrl-C", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "uppf-serve-"));
    const first = startServe(dataDir);
    const url = await first.url;
    expect(await (await fetch(`${url}/api/health`)).json()).toEqual({ status: "ok", store: "pglite" });
    const manifest = await (await fetch(`${url}/manifest.xml`)).text();
    expect(manifest).toContain(`${url}/taskpane.html`);
    expect(first.output()).toMatch(/Åtgärdsfönster: http:\/\/.+\/taskpane\.html/);
    expect(first.output()).toMatch(/Manifest: +http:\/\/.+\/manifest\.xml/);

    const second = startServe(dataDir);
    second.url.catch(() => undefined); // it is expected never to come up
    const secondExit = await exitOf(second.child);
    expect(secondExit).toBe(2);
    expect(second.output()).toMatch(/används redan av en annan uppf-process/);
    expect(second.output()).not.toMatch(/\n\s+at /); // no stack trace
    // The first server is unharmed.
    expect((await fetch(`${url}/api/health`)).status).toBe(200);

    const exited = exitOf(first.child);
    first.child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(first.output()).toMatch(/Servern är stoppad/);

    // The directory opens again after a clean stop, with the seeded data intact.
    const third = startServe(dataDir);
    const url3 = await third.url;
    expect((await fetch(`${url3}/api/health`)).status).toBe(200);
    const done = exitOf(third.child);
    third.child.kill("SIGINT");
    expect(await done).toBe(0);
  }, 120_000);
});
