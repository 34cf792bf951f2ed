/**
 * Generated submissions for the benchmarks: the generated template, filled through ExcelJS with
 * the domain's example values (varied per file), cached formula results recalculated as Excel
 * would — the same route the xlsx tests use. Nothing is committed; files go to a temp folder.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { LATEST_TEMPLATE } from "../../src/domain/template/registry";
import { exampleSubmission } from "../../src/domain/template/values";
import { AREA_CODES, type AreaCode } from "../../src/domain/template/types";
import type { CellValue } from "../../src/domain/snapshot";
import { setTemplateValues, writeTemplate } from "../../src/xlsx/template";
import { mulberry32 } from "../../test/support/random";

/**
 * The example values of submission `i`: area and year rotate, every reported figure is scaled
 * by its own factor in ±15 % (whole numbers stay whole, fractions stay ≤ 1), and the closing
 * equity follows the result so the file stays internally consistent.
 */
export function variedValues(i: number): Record<string, CellValue> {
  const area: AreaCode = AREA_CODES[i % AREA_CODES.length];
  const values = exampleSubmission(area, LATEST_TEMPLATE, { year: 2024 + (i % 2) }) as Record<
    string,
    CellValue
  >;
  if (i === 0) return values;
  const r = mulberry32(i + 1);
  for (const [k, v] of Object.entries(values)) {
    if (k.startsWith("uppgifter.") || typeof v !== "number" || v === 0) continue;
    const f = 0.85 + 0.3 * r();
    values[k] = Number.isInteger(v) ? Math.max(0, Math.round(v * f)) : Math.min(v < 1 ? 1 : Infinity, v * f);
  }
  const num = (k: string) => (typeof values[k] === "number" ? (values[k] as number) : 0);
  if ("ekonomi.ek_ub" in values) {
    values["ekonomi.ek_ub"] =
      num("ekonomi.ek_ib") +
      num("ekonomi.intakter") -
      num("ekonomi.kostnad_personal") -
      num("ekonomi.kostnad_lokaler") -
      num("ekonomi.kostnad_ovrigt") -
      num("ekonomi.avskrivningar");
  }
  return values;
}

/** Generates filled submissions; the empty template is generated once and opened once per area. */
export class SubmissionFactory {
  private template: Uint8Array | undefined;
  private readonly books = new Map<AreaCode, ExcelJS.Workbook>();

  private async book(area: AreaCode): Promise<ExcelJS.Workbook> {
    let wb = this.books.get(area);
    if (!wb) {
      this.template ??= await writeTemplate(LATEST_TEMPLATE);
      wb = new ExcelJS.Workbook();
      await wb.xlsx.load(this.template as unknown as ArrayBuffer);
      this.books.set(area, wb);
    }
    return wb;
  }

  /** The .xlsx bytes of submission `i` (see {@link variedValues}). */
  async bytes(i: number): Promise<Uint8Array> {
    const wb = await this.book(AREA_CODES[i % AREA_CODES.length]);
    setTemplateValues(wb, LATEST_TEMPLATE, variedValues(i));
    return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
  }

  /** Write submissions 0..n-1 into a new temp folder; returns the folder. */
  async writeMany(n: number, prefix = "uppf-bench-batch-"): Promise<string> {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    for (let i = 0; i < n; i++) {
      writeFileSync(
        path.join(dir, `inrapportering-${String(i + 1).padStart(3, "0")}.xlsx`),
        await this.bytes(i),
      );
    }
    return dir;
  }
}
