/**
 * `uppf validate` on one realistic submission, in-process through the CLI's own code path
 * (`validateFile`: size check, safety probe, ExcelJS load, snapshot, structure and integrity
 * checks, domain validation, metrics) against ExcelJS merely loading the same file's bytes.
 * Target: within 1,3×.
 */
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { validateFile } from "../../src/cli/validate/check";
import { compare, type Figure } from "../harness";
import { SubmissionFactory } from "./submissions";

export async function validateFileFigure(): Promise<Figure> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "uppf-bench-file-"));
  try {
    const file = path.join(dir, "inrapportering.xlsx");
    writeFileSync(file, await new SubmissionFactory().bytes(0));
    const first = await validateFile(file);
    if (first.verdict !== "GODKÄND")
      throw new Error(`exemplet ska bli GODKÄND, blev ${first.verdict} ${first.reason ?? ""}`);
    const r = await compare(
      async () => {
        const res = await validateFile(file);
        if (res.verdict !== "GODKÄND") throw new Error(res.verdict);
      },
      async () => {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
      },
      25,
      3,
    );
    return {
      id: "validate-file",
      title: "`uppf validate` av en realistisk inrapportering (i processen, samma kod som CLI:t)",
      baseline: "ExcelJS läser bara in samma fil",
      target: "≤ 1,3×",
      kind: "ratio",
      value: r.ratio,
      unit: "×",
      pass: r.ratio <= 1.3,
      subject: r.subject,
      base: r.base,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
