/**
 * One review path: the same file gets the same verdict and findings from `uppf validate`, from
 * the task pane's analysis and from the server's own verdict (all three call reviewSubmission).
 * The first release reviewed a hidden template sheet as UNDERKÄND in the CLI but GODKÄND in the
 * pane and on the server.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateFile } from "../../src/cli/validate/check";
import { getCell, type WorkbookSnapshot } from "../../src/domain/snapshot";
import { LATEST_TEMPLATE } from "../../src/domain/template/registry";
import { validateSubmission } from "../../src/domain/validate/validate";
import { snapshotFromValues } from "../../src/domain/template/values";
import { serverVerdict } from "../../src/server/verdict";
import { snapshotOfStored } from "../../src/server/store/workbookValues";
import { readWorkbook } from "../../src/xlsx/read";
import { analyse } from "../../taskpane/state/analyse";
import { exampleValues, filledTemplateBytes } from "../xlsx/helpers";
import { DAMAGED, writeCorpus } from "./corpus";

const T = LATEST_TEMPLATE;
const SERVER_STATUS = { GODKÄND: "godkand", "GODKÄND MED VARNINGAR": "varningar", UNDERKÄND: "fel" } as const;
const SERVER_SEVERITY = { error: "fel", warning: "varning", info: "info" } as const;

let dir: string;
/** Files whose problems are in the values (so the store, which holds values only, sees them too). */
const VALUE_FILES = ["godkand.xlsx", "tal-som-text.xlsx", "saknas.xlsx"];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "uppf-same-verdict-"));
  await writeCorpus(dir);
  const values = exampleValues("hemtjanst");
  writeFileSync(
    path.join(dir, "tal-som-text.xlsx"),
    await filledTemplateBytes({ ...values, "ekonomi.kostnad_lokaler": "700 000" }),
  );
  writeFileSync(
    path.join(dir, "saknas.xlsx"),
    await filledTemplateBytes({ ...values, "ekonomi.intakter": null, "uppgifter.epost": "anna" }),
  );
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = (f: { code: string; sheet: string | null; cell: string | null }) =>
  `${f.code} ${f.sheet ?? ""}!${f.cell ?? ""}`;

describe("the same file, three review paths", () => {
  const names = ["godkand.xlsx", ...Object.keys(DAMAGED), "tal-som-text.xlsx", "saknas.xlsx"];

  it.each(names)("%s: CLI, task pane and server agree on verdict and findings", async (name) => {
    const file = path.join(dir, name);
    const cli = await validateFile(file, name);
    const snapshot: WorkbookSnapshot = await readWorkbook(readFileSync(file));
    const pane = analyse(snapshot);
    const server = serverVerdict(cli.template!.id, cli.template!.version, snapshot);

    expect(pane.verdict, "task pane").toBe(cli.verdict);
    expect(server.status, "server").toBe(SERVER_STATUS[cli.verdict as keyof typeof SERVER_STATUS]);
    const cliFindings = cli.findings.map((f) => `${f.severity} ${key(f)}`);
    expect(pane.findings.map((f) => `${f.severity} ${key(f)}`)).toEqual(cliFindings);
    const serverFindings = server.findings as {
      severity: string;
      code: string;
      sheet?: string;
      cell?: string;
    }[];
    expect(serverFindings.map((f) => `${f.severity} ${f.code} ${f.sheet ?? ""}!${f.cell ?? ""}`)).toEqual(
      cli.findings.map((f) => `${SERVER_SEVERITY[f.severity]} ${key(f)}`),
    );
    if (name in DAMAGED) expect(cli.verdict).toBe("UNDERKÄND");
  });

  it.each(VALUE_FILES)("%s: the store's copy of the values gets the same verdict", async (name) => {
    const file = path.join(dir, name);
    const cli = await validateFile(file, name);
    const snapshot = await readWorkbook(readFileSync(file));
    // What the sync stores: the input cells by address.
    const cells = T.fields.map((f) => ({
      sheet: f.sheet,
      cell: f.cell,
      value: getCell(snapshot, f.sheet, f.cell),
    }));
    const stored = snapshotOfStored(T.id, T.version, cells.filter((c) => c.value !== null) as never);
    const server = serverVerdict(T.id, T.version, stored);
    expect(server.status).toBe(SERVER_STATUS[cli.verdict as keyof typeof SERVER_STATUS]);
  });

  it("a sheet Office.js reports as Hidden (its own spelling) is the same finding as ExcelJS's hidden", () => {
    const snap = snapshotFromValues(T, exampleValues("primarvard"));
    const officeJs = {
      ...snap,
      sheets: snap.sheets.map((s) => (s.name === "Kvalitet" ? { ...s, visibility: "Hidden" as never } : s)),
    };
    const findings = validateSubmission(officeJs, T).filter((f) => f.code === "SHEET_HIDDEN");
    expect(findings.map((f) => [f.severity, f.sheet])).toEqual([["error", "Kvalitet"]]);
  });
});
