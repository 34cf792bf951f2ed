import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main";
import { validateFile } from "../../src/cli/validate/check";

const dir = mkdtempSync(path.join(tmpdir(), "uppf-template-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    const code = await runCli(args);
    return { code, out: log.mock.calls.flat().join("\n"), err: error.mock.calls.flat().join("\n") };
  } finally {
    process.exitCode = undefined;
    log.mockRestore();
    error.mockRestore();
  }
}

describe("uppf template", () => {
  it("--example writes a valid submission (GODKÄND, 0 errors)", async () => {
    const out = path.join(dir, "exempel.xlsx");
    const r = await cli(["template", "--example", "--area", "sarskilt_boende", "--out", out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Skrev .*exempel\.xlsx/);
    const result = await validateFile(out);
    expect(result.verdict).toBe("GODKÄND");
    expect(result.counts.error).toBe(0);
    expect(result.submission?.area).toBe("sarskilt_boende");
  });

  it("an unknown area or version is a usage error and writes nothing", async () => {
    const out = path.join(dir, "fel.xlsx");
    const a = await cli(["template", "--area", "tandvard", "--out", out]);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/okänt verksamhetsområde "tandvard"/);
    const v = await cli(["template", "--mallversion", "9.9.9", "--out", out]);
    expect(v.code).toBe(2);
    expect(() => statSync(out)).toThrow();
  });
});

describe("src/xlsx stays browser-safe (the task pane lazy-loads it)", () => {
  it("read.ts bundles for the browser (exceljs's browser build, no Node built-ins)", async () => {
    const esbuild = await import("esbuild");
    const result = await esbuild.build({
      entryPoints: [path.resolve("src/xlsx/read.ts")],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0].text;
    expect(code).toContain("readWorkbook");
    expect(code).not.toMatch(/require\(["']node:/);
  }, 60_000);

  it("no module imports Node built-ins or uses Buffer/process", () => {
    const srcDir = path.resolve("src/xlsx");
    for (const f of readdirSync(srcDir).filter((x) => x.endsWith(".ts"))) {
      const text = readFileSync(path.join(srcDir, f), "utf8");
      expect(text, f).not.toMatch(/from\s+["'](node:|fs|path|os|worker_threads|child_process)["']/);
      expect(text, f).not.toMatch(/\bBuffer\.|\bprocess\./);
    }
  });
});
