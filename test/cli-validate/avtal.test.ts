import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateFile } from "../../src/cli/validate/check";
import { readAvtalFile } from "../../src/cli/commands/validate";
import { UsageError } from "../../src/cli/errors";
import { exampleValues, filledTemplateBytes } from "../xlsx/helpers";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "uppf-avtal-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("uppf validate --avtal", () => {
  it("evaluates the file against the avtal with its id and reports the clauses needing attention", async () => {
    const file = path.join(dir, "ht.xlsx");
    // continuity 18 is outside the clause's target 15 + tolerance 2
    writeFileSync(
      file,
      await filledTemplateBytes({ ...exampleValues("hemtjanst"), "kvalitet.kontinuitet": 18 }),
    );
    const avtal = readAvtalFile("examples/avtal/hemtjanst-lov.json");
    const r = await validateFile(file, "ht.xlsx", {
      avtal: [...readAvtalFile("examples/avtal/primarvard-lov.json"), ...avtal],
      today: "2026-01-25",
    });
    expect(r.avtal).toEqual({ id: avtal[0].id, version: avtal[0].version });
    const d = r.deviations.find((x) => x.clauseId === "5.2");
    expect(d?.status).toBe("deviation");
    expect(d?.actual).toBe(18);
    expect(d?.message).toMatch(/punkt 5\.2/);
    expect(r.deviations.every((x) => x.status !== "ok")).toBe(true);
  });

  it("an avtal file that is not valid gives a usage error naming the problem", () => {
    const bad = path.join(dir, "bad.json");
    const json = JSON.parse(readFileSync("examples/avtal/hemtjanst-lov.json", "utf8"));
    json.validFrom = "1 april 2023";
    writeFileSync(bad, JSON.stringify(json));
    expect(() => readAvtalFile(bad)).toThrow(UsageError);
    expect(() => readAvtalFile(bad)).toThrow(/validFrom/);
    writeFileSync(bad, "{ inte json");
    expect(() => readAvtalFile(bad)).toThrow(/inte giltig JSON/);
  });
});
