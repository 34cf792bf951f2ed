/**
 * `uppf validate` on the bad-file corpus: each unreadable file gets its one-line Swedish reason
 * (OLÄSBAR, exit code 2), each damaged-but-readable file the one finding that explains it
 * (UNDERKÄND), and the good file is still validated (GODKÄND).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateAll } from "../../src/cli/validate/pool";
import { collectFiles } from "../../src/cli/validate/files";
import type { FileResult } from "../../src/cli/validate/check";
import type { ValidateJson } from "../../src/cli/validate/output";
import { DAMAGED, UNREADABLE, writeCorpus } from "./corpus";

let dir: string;
let results: Map<string, FileResult>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "uppf-corpus-"));
  await writeCorpus(dir);
  const files = collectFiles([dir]);
  const all = await validateAll(
    files.map((file) => ({ file, label: path.basename(file), options: {} })),
    1,
  );
  results = new Map(all.map((r) => [r.file, r]));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("unreadable files: OLÄSBAR with a one-line Swedish reason", () => {
  it.each(Object.entries(UNREADABLE))("%s", (name, want) => {
    const r = results.get(name);
    expect(r, name).toBeDefined();
    expect(r!.verdict).toBe("OLÄSBAR");
    expect(r!.reasonCode).toBe(want.code);
    expect(r!.reason).toMatch(want.reason);
    expect(r!.reason).not.toMatch(/\n|at .*\.ts:|Error:/);
  });
});

describe("damaged but readable files: the one finding that explains it", () => {
  it.each(Object.entries(DAMAGED))("%s", (name, want) => {
    const r = results.get(name)!;
    expect(r.verdict).toBe("UNDERKÄND");
    const errors = r.findings.filter((f) => f.severity === "error");
    expect(errors.map((f) => ({ code: f.code, sheet: f.sheet, cell: f.cell }))).toEqual([want]);
    expect(errors[0].message).not.toMatch(/\n/);
  });
});

it("the good file in the same folder is still validated", () => {
  const r = results.get("godkand.xlsx")!;
  expect(r.verdict).toBe("GODKÄND");
  expect(r.findings.filter((f) => f.severity !== "info")).toEqual([]);
  expect(r.metrics?.rorelsemarginal).toBeCloseTo(
    (26_760_000 - 19_200_000 - 2_100_000 - 4_300_000 - 300_000) / 26_760_000,
    10,
  );
  expect(r.submission?.area).toBe("primarvard");
});

describe("the real CLI (tsx, worker threads)", () => {
  it("--json --jobs 2 over the corpus: one JSON document, exit code 2, every file reported", () => {
    const bin = path.resolve("bin/uppf.js");
    const run = spawnSync(process.execPath, [bin, "validate", dir, "--json", "--jobs", "2"], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(2);
    const doc = JSON.parse(run.stdout) as ValidateJson;
    const byName = new Map(doc.files.map((f) => [path.basename(f.file), f]));
    expect(byName.size).toBe(Object.keys(UNREADABLE).length + Object.keys(DAMAGED).length + 1);
    for (const [name, want] of Object.entries(UNREADABLE))
      expect(byName.get(name)?.reasonCode, name).toBe(want.code);
    for (const name of Object.keys(DAMAGED)) expect(byName.get(name)?.verdict, name).toBe("UNDERKÄND");
    expect(byName.get("godkand.xlsx")?.verdict).toBe("GODKÄND");
    // worker results equal in-process results
    expect(byName.get("godkand.xlsx")?.metrics).toEqual(results.get("godkand.xlsx")?.metrics);
    expect(doc.summary.verdicts.OLÄSBAR).toBe(Object.keys(UNREADABLE).length);
    expect(doc.summary.exitCode).toBe(2);
    expect(doc.summary.damaged).toBe(Object.keys(DAMAGED).length);
  }, 120_000);

  it("exit 2 for each structurally broken file on its own", () => {
    const bin = path.resolve("bin/uppf.js");
    for (const name of Object.keys(DAMAGED)) {
      const run = spawnSync(process.execPath, [bin, "validate", path.join(dir, name), "--jobs", "1"], {
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.status, name).toBe(2);
      expect(run.stdout, name).toContain(DAMAGED[name].code);
    }
  }, 120_000);

  it("text output: verdict line per file, findings as Blad!Cell  kod  meddelande, summary; exit 2 for broken files", () => {
    const bin = path.resolve("bin/uppf.js");
    const files = ["godkand.xlsx", "formelfel.xlsx", "omdopt-blad.xlsx"].map((f) => path.join(dir, f));
    const run = spawnSync(process.execPath, [bin, "validate", ...files, "--jobs", "1"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(2); // formula error and renamed sheet: the file itself is broken
    const out = run.stdout;
    expect(out).toMatch(/godkand\.xlsx: GODKÄND \(/);
    expect(out).toMatch(/formelfel\.xlsx: UNDERKÄND \(1 fel/);
    expect(out).toMatch(/^ {2}FEL {5}Ekonomi!C5 {2}CELL_ERROR {2}.+\(förväntat –, faktiskt #REF!\)$/m);
    expect(out).toMatch(
      /^Granskade 3 filer: 1 godkända, 0 godkända med varningar, 2 underkända, 0 oläsbara\.$/m,
    );
  }, 60_000);

  it("a missing path is a usage error (exit 2, one line, no stack trace)", () => {
    const run = spawnSync(
      process.execPath,
      [path.resolve("bin/uppf.js"), "validate", path.join(dir, "finns-inte.xlsx")],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/finns inte/);
  }, 60_000);
});
