import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main";
import { exampleValues, filledTemplateBytes } from "../xlsx/helpers";

/** The data rows under a table's header in row 4, as objects by column name. */
function tableRows(ws: ExcelJS.Worksheet, cols: string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (
    let r = 5;
    ws.getRow(r).getCell(8).value !== null && ws.getRow(r).getCell(8).value !== undefined;
    r++
  ) {
    out.push(Object.fromEntries(cols.map((c, i) => [c, ws.getRow(r).getCell(i + 1).value])));
  }
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "uppf-compile-"));
  const inl = path.join(dir, "inlamnat");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(inl);
  writeFileSync(path.join(inl, "vc1.xlsx"), await filledTemplateBytes(exampleValues("primarvard")));
  writeFileSync(
    path.join(inl, "vc2.xlsx"),
    await filledTemplateBytes({
      ...exampleValues("primarvard"),
      "uppgifter.enhet": "Vårdcentralen Andra",
      "ekonomi.intakter": 27_000_000,
      "ekonomi.ek_ub": 2_400_000 + 27_000_000 - 25_900_000,
    }),
  );
  writeFileSync(path.join(inl, "ht.xlsx"), await filledTemplateBytes(exampleValues("hemtjanst")));
  writeFileSync(path.join(inl, "trasig.xlsx"), "inte en arbetsbok");
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("uppf compile", () => {
  it("writes one table row per submission and one comparison sheet per area", async () => {
    const out = path.join(dir, "sammanstallning.xlsx");
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const err = vi.spyOn(console, "error").mockImplementation(() => undefined);
    let code: number;
    let stderr = "";
    let stdout = "";
    try {
      code = await runCli(["compile", path.join(dir, "inlamnat"), "--out", out, "--jobs", "1"]);
      stderr = err.mock.calls.flat().join("\n");
      stdout = log.mock.calls.flat().join("\n");
    } finally {
      process.exitCode = undefined;
      log.mockRestore();
      err.mockRestore();
    }
    expect(code).toBe(2); // one unreadable file, listed in the compilation
    expect(stderr).toMatch(/trasig\.xlsx: OLÄSBAR/);
    expect(stdout).toMatch(/4 inlämningar, 2 verksamhetsområden, 1 oläsbara/);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Sammanställning", "Primärvård", "Hemtjänst"]);
    const main = wb.getWorksheet("Sammanställning")!;
    const table = main.getTable("Sammanstallning") as unknown as {
      table: { columns: { name: string }[]; tableRef: string };
    };
    expect(table.table.tableRef).toMatch(/^A4:[A-Z]+8$/);
    const rows = tableRows(
      main,
      table.table.columns.map((c) => c.name),
    );
    expect(rows).toHaveLength(4);
    const vc2 = rows.find((r) => r.Enhet === "Vårdcentralen Andra")!;
    expect(vc2.Bedömning).toBe("GODKÄND");
    expect(vc2.Intäkter).toBe(27_000_000);
    expect(vc2.Rörelsemarginal as number).toBeCloseTo(1_100_000 / 27_000_000, 10);
    const broken = rows.find((r) => r.Fil === path.join(dir, "inlamnat", "trasig.xlsx"))!;
    expect(broken.Bedömning).toBe("OLÄSBAR");
    expect(String(broken.Kommentar)).toMatch(/textfil/);

    const pv = wb.getWorksheet("Primärvård")!.getTable("Omrade_primarvard") as unknown as {
      table: {
        columns: { name: string; totalsRowFunction?: string }[];
        tableRef: string;
        totalsRow?: boolean;
      };
    };
    expect(pv.table.tableRef).toMatch(/^A4:[A-Z]+7$/); // header, two units, Medel
    expect(pv.table.totalsRow).toBe(true);
    const names = pv.table.columns.map((c) => c.name);
    expect(names).toContain("Listade patienter per läkare (årsarbetare) (antal)");
    expect(pv.table.columns.find((c) => c.name === "Rörelsemarginal")?.totalsRowFunction).toBe("average");
  }, 60_000);
});
