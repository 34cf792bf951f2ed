/**
 * `context.sync` calls the task pane's Excel adapter (taskpane/office/excelHost.ts) makes to read
 * a whole submission and to write all highlights, counted with the sync-counting Excel test
 * double of the task pane's tests (test/taskpane/fakeExcel.ts: loads and commands queue until
 * `context.sync()`, loaded values over 5 MB fail as in Excel). Target: at most 2 each, for 10
 * and for 10 000 findings.
 *
 * - Reading: the realistic generated submission (read from its .xlsx into the double), and the
 *   same workbook with 10 000 more filled cells (a sheet big enough to hold 10 000 findings).
 * - Writing: the highlights of 10 real findings (the submission with 10 inputs made negative,
 *   validated by the domain, mapped to cells as the Granskning view does), and of 10 000
 *   findings spread over the template's sheets.
 */
import { readWorkbook } from "../../src/xlsx/read";
import { LATEST_TEMPLATE } from "../../src/domain/template/registry";
import { validateSubmission } from "../../src/domain/validate/validate";
import { positionToA1, type WorkbookSnapshot } from "../../src/domain/snapshot";
import { ExcelHost } from "../../taskpane/office/excelHost";
import type { HighlightMark } from "../../taskpane/office/types";
import { findingCells } from "../../taskpane/state/findingCells";
import { FakeWorkbook, fakeRun } from "../../test/taskpane/fakeExcel";
import type { Figure } from "../harness";
import { SubmissionFactory } from "./submissions";

type FakeCell = string | number | boolean | null;

const VISIBILITY = { visible: "Visible", hidden: "Hidden", veryHidden: "VeryHidden" } as const;

/** The double holding a snapshot's sheets, visibility and defined names, as Excel would. */
function fakeFrom(snapshot: WorkbookSnapshot): FakeWorkbook {
  const wb = new FakeWorkbook();
  for (const s of snapshot.sheets) {
    const rows: FakeCell[][] = s.rows.map((row) =>
      (row ?? []).map((v) => (v !== null && typeof v === "object" ? v.code : (v ?? null))),
    );
    wb.addSheet(s.name, rows, VISIBILITY[s.visibility ?? "visible"]);
  }
  for (const [name, ref] of Object.entries(snapshot.definedNames ?? {}))
    wb.names.push({ name, type: "Range", formula: ref.startsWith("=") ? ref : `=${ref}` });
  return wb;
}

function sameValues(a: WorkbookSnapshot, b: WorkbookSnapshot): boolean {
  const flat = (s: WorkbookSnapshot) =>
    s.sheets
      .map((sh) =>
        sh.rows
          .flatMap((row, r) =>
            (row ?? []).map((v, c) =>
              v === null || v === undefined || v === "" ? "" : `${r},${c}=${JSON.stringify(v)}`,
            ),
          )
          .filter(Boolean)
          .join(";"),
      )
      .join("|");
  return flat(a) === flat(b);
}

async function countRead(snapshot: WorkbookSnapshot): Promise<{ syncs: number; cells: number }> {
  const f = fakeRun(fakeFrom(snapshot));
  const back = await new ExcelHost({ run: f.run }).readSnapshot();
  if (!sameValues(back, snapshot)) throw new Error("adaptern läste inte tillbaka samma värden");
  const cells = back.sheets.reduce(
    (n, s) => n + s.rows.reduce((m, row) => m + (row ?? []).filter((v) => v !== null && v !== "").length, 0),
    0,
  );
  return { syncs: f.syncs(), cells };
}

async function countWrite(snapshot: WorkbookSnapshot, marks: HighlightMark[]): Promise<number> {
  const model = fakeFrom(snapshot);
  const f = fakeRun(model);
  const host = new ExcelHost({ run: f.run });
  await host.readSnapshot();
  f.reset();
  const n = await host.writeHighlights(marks);
  const distinct = new Set(marks.map((m) => `${m.sheet}!${m.cell}`)).size;
  if (n !== distinct) throw new Error(`väntade ${distinct} markerade celler, fick ${n}`);
  return f.syncs();
}

function countFigure(id: string, title: string, syncs: number, note: string): Figure {
  return {
    id,
    title,
    baseline: "—",
    target: "≤ 2 anrop",
    kind: "count",
    value: syncs,
    unit: "anrop",
    pass: syncs <= 2,
    note,
  };
}

export async function syncCallFigures(): Promise<Figure[]> {
  const factory = new SubmissionFactory();
  const snapshot = await readWorkbook(await factory.bytes(0));

  // 10 real findings: ten numeric inputs of the submission made negative.
  const bad = structuredClone(snapshot);
  let changed = 0;
  for (const field of LATEST_TEMPLATE.fields) {
    if (changed >= 10) break;
    const sheet = bad.sheets.find((s) => s.name === field.sheet);
    const m = /^([A-Z]+)(\d+)$/.exec(field.cell);
    if (!sheet || !m) continue;
    const row = Number(m[2]) - 1;
    const col = [...m[1]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
    const v = sheet.rows[row]?.[col];
    if (typeof v === "number" && v > 1) {
      sheet.rows[row][col] = -v;
      changed++;
    }
  }
  const findings = validateSubmission(bad, LATEST_TEMPLATE);
  const realMarks: HighlightMark[] = findings
    .flatMap((f) =>
      f.sheet
        ? findingCells(f).map((cell) => ({ sheet: f.sheet as string, cell, severity: f.severity }))
        : [],
    )
    .slice(0, 10);
  if (realMarks.length < 10) throw new Error(`väntade minst 10 markeringar, fick ${realMarks.length}`);

  // 10 000 findings over the template's visible sheets, rows 1..500 × columns A..T per sheet.
  const sheets = snapshot.sheets.filter((s) => (s.visibility ?? "visible") === "visible").map((s) => s.name);
  const sev = ["error", "warning", "info"] as const;
  const manyMarks: HighlightMark[] = Array.from({ length: 10_000 }, (_, i) => ({
    sheet: sheets[i % sheets.length],
    cell: positionToA1({ row: Math.floor(i / sheets.length / 20), col: Math.floor(i / sheets.length) % 20 }),
    severity: sev[i % 3],
  }));

  // The same submission with a sheet of 10 000 more filled cells (500 rows × 20 columns).
  const big = structuredClone(snapshot);
  big.sheets.push({
    name: "Bilaga",
    visibility: "visible",
    rows: Array.from({ length: 500 }, (_, r) =>
      Array.from({ length: 20 }, (_, c) => (c % 2 ? r * 20 + c : `rad ${r + 1} kolumn ${c + 1}`)),
    ),
  });

  const read = await countRead(snapshot);
  const readBig = await countRead(big);
  return [
    countFigure(
      "sync-calls-read-submission",
      "`context.sync` för att läsa en hel inrapportering",
      read.syncs,
      `den genererade inrapporteringen, ${snapshot.sheets.length} blad, ${read.cells.toLocaleString("sv-SE")} ifyllda celler`,
    ),
    countFigure(
      "sync-calls-read-10k",
      "`context.sync` för att läsa inrapporteringen med 10 000 fler ifyllda celler",
      readBig.syncs,
      `${big.sheets.length} blad, ${readBig.cells.toLocaleString("sv-SE")} ifyllda celler`,
    ),
    countFigure(
      "sync-calls-highlights-10",
      "`context.sync` för att skriva markeringar för 10 fynd",
      await countWrite(bad, realMarks),
      `domänens fynd för inrapporteringen med 10 negativa inmatningar (${findings.length} fynd, de 10 första)`,
    ),
    countFigure(
      "sync-calls-highlights-10k",
      "`context.sync` för att skriva markeringar för 10 000 fynd",
      await countWrite(snapshot, manyMarks),
      `10 000 celler fördelade över ${sheets.length} synliga blad, alla tre allvarlighetsgrader`,
    ),
  ];
}
