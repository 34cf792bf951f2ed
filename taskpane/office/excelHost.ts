/**
 * ExcelHost: the one place in the task pane that talks to Excel (Office.js).
 *
 * Cost per operation (context.sync calls):
 * - readSnapshot: 2 (1: sheet list, defined names, this add-in's highlight record;
 *   2: every sheet's used range values). When Excel refuses the second batch as too large
 *   (ResponsePayloadSizeLimitExceeded, ~5 MB) it reads the sizes once and then the values in
 *   row blocks of at most `payloadBudget` bytes each.
 * - writeHighlights / clearHighlights: 2, whatever the number of cells (cells are grouped into
 *   multi-area ranges, one conditional format per sheet, severity and ≤ 8 000-character address).
 * - selectCell, readCells, writeCells, getSetting, setSetting: 1.
 *
 * Highlights are conditional formats this add-in creates; their ids are recorded in the workbook
 * setting "uppf.markeringar" (per add-in, saved with the file). "Rensa markeringar" deletes exactly
 * those ids, so the user's own fills and conditional formats are never touched.
 */
import {
  normaliseCellValue,
  toA1,
  type SnapshotValue,
  type WorkbookSnapshot,
} from "../../src/domain/snapshot";
import type { CellValue } from "../../src/sync/protocol";
import {
  HIGHLIGHT_STYLE,
  SETTING_HIGHLIGHTS,
  isSyncedSheet,
  type CellEntry,
  type CellRef,
  type ChangeListener,
  type HighlightMark,
  type HighlightSeverity,
  type WorkbookHost,
} from "./types";

/** Runs a batch against Excel (Excel.run in production; a test double in tests). */
export type ExcelRun = <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;

export interface ExcelHostOptions {
  run?: ExcelRun;
  /** Bytes of values to ask for in one sync when reading in blocks (default 4 MB, under Excel's 5 MB). */
  payloadBudget?: number;
  label?: string;
}

/** A conditional format this add-in created: worksheet id and conditional-format id. */
export interface TrackedHighlight {
  sheetId: string;
  cfId: string;
}

/** Longest address text passed to getRanges (Excel's limit is 8 192 characters). */
export const MAX_ADDRESS_CHARS = 8000;
/** Assumed JSON size of one cell when planning block reads (adapted when Excel still refuses). */
const BYTES_PER_CELL = 48;

function errorCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e
    ? String((e as { code: unknown }).code)
    : undefined;
}

export function isPayloadLimitError(e: unknown): boolean {
  const code = errorCode(e);
  return code === "ResponsePayloadSizeLimitExceeded" || code === "RequestPayloadSizeLimitExceeded";
}

/** Office.js values → snapshot values: "" is empty, "#REF!" etc. become error objects. */
function toSnapshotValue(v: unknown): SnapshotValue {
  if (v === "" || v === undefined || v === null) return null;
  if (typeof v === "number" || typeof v === "boolean") return v;
  return normaliseCellValue(String(v));
}

/** Place a block of values (starting at rowIndex/columnIndex) into a row grid anchored at A1. */
function placeBlock(
  rows: SnapshotValue[][],
  rowIndex: number,
  columnIndex: number,
  values: unknown[][],
): void {
  for (let r = 0; r < values.length; r++) {
    const target = rowIndex + r;
    while (rows.length <= target) rows.push([]);
    const row = rows[target];
    const src = values[r];
    for (let c = 0; c < src.length; c++) {
      const v = toSnapshotValue(src[c]);
      if (v === null && row.length <= columnIndex + c) continue;
      while (row.length < columnIndex + c) row.push(null);
      row[columnIndex + c] = v;
    }
  }
}

/** Split A1 addresses into comma-joined groups of at most `max` characters. */
export function chunkAddresses(cells: string[], max = MAX_ADDRESS_CHARS): string[] {
  const out: string[] = [];
  let cur = "";
  for (const c of cells) {
    if (cur && cur.length + 1 + c.length > max) {
      out.push(cur);
      cur = "";
    }
    cur = cur ? `${cur},${c}` : c;
  }
  if (cur) out.push(cur);
  return out;
}

function parseTracked(text: unknown): TrackedHighlight[] {
  if (typeof text !== "string" || text === "") return [];
  try {
    const v = JSON.parse(text) as unknown;
    if (!Array.isArray(v)) return [];
    return v.filter(
      (x): x is TrackedHighlight =>
        typeof x === "object" && x !== null && typeof x.sheetId === "string" && typeof x.cfId === "string",
    );
  } catch {
    return [];
  }
}

function cellValueForExcel(v: CellValue): string | number | boolean {
  return v === null ? "" : v;
}

export class ExcelHost implements WorkbookHost {
  readonly kind = "excel" as const;
  readonly label: string;
  private readonly run: ExcelRun;
  private readonly payloadBudget: number;
  /** worksheet id → name, as of the last read. */
  private sheets = new Map<string, { name: string; visibility: string }>();
  private tracked: TrackedHighlight[] | undefined;
  private marks: HighlightMark[] = [];

  constructor(options: ExcelHostOptions = {}) {
    this.run = options.run ?? (((batch) => Excel.run(batch)) as ExcelRun);
    this.payloadBudget = options.payloadBudget ?? 4_000_000;
    this.label = options.label ?? "Den öppna arbetsboken";
  }

  private sheetIdByName(name: string): string | undefined {
    for (const [id, s] of this.sheets) if (s.name === name) return id;
    return undefined;
  }

  async readSnapshot(): Promise<WorkbookSnapshot> {
    return this.run(async (context) => {
      const wb = context.workbook;
      const worksheets = wb.worksheets;
      worksheets.load("items/id,items/name,items/visibility");
      const names = wb.names;
      names.load("items/name,items/type,items/formula");
      const record = wb.settings.getItemOrNullObject(SETTING_HIGHLIGHTS);
      record.load("value");
      await context.sync(); // 1

      this.sheets = new Map(
        worksheets.items.map((ws) => [ws.id, { name: ws.name, visibility: String(ws.visibility) }]),
      );
      if (this.tracked === undefined) this.tracked = record.isNullObject ? [] : parseTracked(record.value);
      const definedNames: Record<string, string> = {};
      for (const n of names.items) definedNames[n.name] = String(n.formula ?? "");

      const items = worksheets.items;
      const used = items.map((ws) => {
        const r = ws.getUsedRangeOrNullObject(true);
        r.load("rowIndex,columnIndex,values");
        return r;
      });
      const rowsBySheet: SnapshotValue[][][] = items.map(() => []);
      try {
        await context.sync(); // 2
        used.forEach((r, i) => {
          if (!r.isNullObject) placeBlock(rowsBySheet[i], r.rowIndex, r.columnIndex, r.values);
        });
      } catch (e) {
        if (!isPayloadLimitError(e)) throw e;
        await this.readInBlocks(context, items, rowsBySheet);
      }
      return {
        sheets: items.map((ws, i) => ({
          name: ws.name,
          visibility: String(ws.visibility) as "visible" | "hidden" | "veryHidden",
          rows: rowsBySheet[i],
        })),
        definedNames,
      };
    });
  }

  /** Fallback for workbooks over the payload limit: sizes first, then row blocks within the budget. */
  private async readInBlocks(
    context: Excel.RequestContext,
    items: Excel.Worksheet[],
    rowsBySheet: SnapshotValue[][][],
  ): Promise<void> {
    const dims = items.map((ws) => {
      const r = ws.getUsedRangeOrNullObject(true);
      r.load("rowIndex,columnIndex,rowCount,columnCount");
      return r;
    });
    await context.sync();
    interface Block {
      sheet: number;
      row: number;
      col: number;
      rows: number;
      cols: number;
    }
    let blocks: Block[] = [];
    dims.forEach((d, i) => {
      if (d.isNullObject) return;
      const cellBudget = Math.max(1, Math.floor(this.payloadBudget / BYTES_PER_CELL));
      const rowsPerBlock = Math.max(1, Math.floor(cellBudget / Math.max(1, d.columnCount)));
      for (let r = 0; r < d.rowCount; r += rowsPerBlock) {
        blocks.push({
          sheet: i,
          row: d.rowIndex + r,
          col: d.columnIndex,
          rows: Math.min(rowsPerBlock, d.rowCount - r),
          cols: d.columnCount,
        });
      }
    });
    // Cells per sync; halved whenever Excel still refuses a batch (denser text than assumed).
    let budgetCells = Math.max(1, Math.floor(this.payloadBudget / BYTES_PER_CELL));
    while (blocks.length > 0) {
      const head = blocks[0];
      if (head.rows > 1 && head.rows * head.cols > budgetCells) {
        const rows = Math.max(1, Math.floor(budgetCells / head.cols));
        blocks.splice(0, 1, { ...head, rows }, { ...head, row: head.row + rows, rows: head.rows - rows });
        continue;
      }
      // Fill one sync with as many blocks as fit the budget.
      const batch: Block[] = [];
      let cells = 0;
      while (
        blocks.length > 0 &&
        (batch.length === 0 || cells + blocks[0].rows * blocks[0].cols <= budgetCells)
      ) {
        const b = blocks.shift() as Block;
        batch.push(b);
        cells += b.rows * b.cols;
      }
      const ranges = batch.map((b) => {
        const r = items[b.sheet].getRangeByIndexes(b.row, b.col, b.rows, b.cols);
        r.load("values");
        return r;
      });
      try {
        // One sync per block of at most `payloadBudget` bytes: only for workbooks over Excel's payload limit.
        // eslint-disable-next-line office-addins/no-context-sync-in-loop
        await context.sync();
        ranges.forEach((r, k) =>
          placeBlock(rowsBySheet[batch[k].sheet], batch[k].row, batch[k].col, r.values),
        );
      } catch (e) {
        if (!isPayloadLimitError(e)) throw e;
        if (batch.length === 1 && batch[0].rows === 1) throw e; // one row over the limit: nothing smaller to ask for
        budgetCells = Math.max(1, Math.floor(cells / 2));
        blocks = [...batch, ...blocks];
      }
    }
  }

  async selectCell(sheet: string, cell: string): Promise<void> {
    await this.run(async (context) => {
      const ws = context.workbook.worksheets.getItem(sheet);
      ws.activate();
      ws.getRange(cell).select();
      await context.sync();
    });
  }

  highlightedCells(): HighlightMark[] {
    return [...this.marks];
  }

  async writeHighlights(marks: HighlightMark[]): Promise<number> {
    await this.ensureState();
    return this.run(async (context) => {
      const wb = context.workbook;
      const old = this.lookupTracked(context, this.tracked ?? []);

      // New conditional formats: one per sheet, severity and address chunk.
      const groups = new Map<string, { sheetId: string; severity: HighlightSeverity; cells: string[] }>();
      const missing = new Set<string>();
      for (const m of marks) {
        const sheetId = this.sheetIdByName(m.sheet);
        if (!sheetId) {
          missing.add(m.sheet);
          continue;
        }
        const key = `${sheetId}\u0000${m.severity}`;
        const g = groups.get(key) ?? { sheetId, severity: m.severity, cells: [] };
        g.cells.push(m.cell);
        groups.set(key, g);
      }
      if (missing.size > 0) {
        throw new Error(
          `Bladet ${[...missing].map((s) => `"${s}"`).join(", ")} finns inte längre i arbetsboken. Granska arbetsboken igen.`,
        );
      }
      const created: { sheetId: string; cf: Excel.ConditionalFormat }[] = [];
      for (const g of groups.values()) {
        const ws = wb.worksheets.getItem(g.sheetId);
        const style = HIGHLIGHT_STYLE[g.severity];
        for (const address of chunkAddresses([...new Set(g.cells)])) {
          const cf = ws.getRanges(address).conditionalFormats.add("Custom");
          cf.custom.rule.formula = "=TRUE";
          cf.custom.format.fill.color = style.fill;
          cf.custom.format.font.color = style.font;
          cf.load("id");
          created.push({ sheetId: g.sheetId, cf });
        }
      }
      await context.sync(); // 1

      const next: TrackedHighlight[] = created.map((c) => ({ sheetId: c.sheetId, cfId: c.cf.id }));
      this.deleteExisting(old);
      wb.settings.add(SETTING_HIGHLIGHTS, JSON.stringify(next));
      await context.sync(); // 2
      this.tracked = next;
      const unique = new Map(marks.map((m) => [`${m.sheet}!${m.cell}`, m]));
      this.marks = [...unique.values()];
      return unique.size;
    });
  }

  async clearHighlights(): Promise<number> {
    await this.ensureState();
    return this.run(async (context) => {
      const wb = context.workbook;
      const entries = this.lookupTracked(context, this.tracked ?? []);
      await context.sync(); // 1
      const removed = this.deleteExisting(entries);
      wb.settings.add(SETTING_HIGHLIGHTS, "[]");
      await context.sync(); // 2
      this.tracked = [];
      this.marks = [];
      return removed;
    });
  }

  /** Queue a null-object lookup for each tracked conditional format on a sheet that still exists. */
  private lookupTracked(
    context: Excel.RequestContext,
    tracked: TrackedHighlight[],
  ): { cf: Excel.ConditionalFormat }[] {
    const out: { cf: Excel.ConditionalFormat }[] = [];
    for (const t of tracked) {
      if (!this.sheets.has(t.sheetId)) continue;
      const cf = context.workbook.worksheets
        .getItem(t.sheetId)
        .getRange()
        .conditionalFormats.getItemOrNullObject(t.cfId);
      cf.load("id");
      out.push({ cf });
    }
    return out;
  }

  /** Delete the tracked formats that still exist (a user may have deleted one by hand). */
  private deleteExisting(entries: { cf: Excel.ConditionalFormat }[]): number {
    let n = 0;
    for (const e of entries) {
      if (e.cf.isNullObject) continue;
      e.cf.delete();
      n++;
    }
    return n;
  }

  /**
   * The sheet list and the highlight record are learnt by readSnapshot (the normal flow: read,
   * validate, highlight). Called before any read, this costs one extra sync.
   */
  private async ensureState(): Promise<void> {
    if (this.sheets.size > 0 && this.tracked !== undefined) return;
    await this.run(async (context) => {
      const ws = context.workbook.worksheets;
      ws.load("items/id,items/name,items/visibility");
      const record = context.workbook.settings.getItemOrNullObject(SETTING_HIGHLIGHTS);
      record.load("value");
      await context.sync();
      this.sheets = new Map(ws.items.map((w) => [w.id, { name: w.name, visibility: String(w.visibility) }]));
      this.tracked = record.isNullObject ? [] : parseTracked(record.value);
    });
  }

  // ---- SyncWorkbook -------------------------------------------------------------------------

  async readAll(): Promise<CellEntry[]> {
    const snap = await this.readSnapshot();
    const out: CellEntry[] = [];
    for (const s of snap.sheets) {
      if (!isSyncedSheet(s.name, s.visibility)) continue;
      s.rows.forEach((row, r) =>
        row.forEach((v, c) => {
          if (v === null || v === undefined) return;
          const value: CellValue = typeof v === "object" ? v.code : v;
          out.push({ sheet: s.name, cell: toA1(r, c), value });
        }),
      );
    }
    return out;
  }

  async readCells(refs: CellRef[]): Promise<CellValue[]> {
    if (refs.length === 0) return [];
    return this.run(async (context) => {
      const ranges = refs.map((ref) => {
        const r = context.workbook.worksheets.getItem(ref.sheet).getRange(ref.cell);
        r.load("values");
        return r;
      });
      await context.sync();
      return ranges.map((r) => {
        const v = toSnapshotValue(r.values?.[0]?.[0]);
        return v !== null && typeof v === "object" ? v.code : v;
      });
    });
  }

  async writeCells(cells: CellEntry[]): Promise<void> {
    if (cells.length === 0) return;
    await this.run(async (context) => {
      for (const c of cells) {
        context.workbook.worksheets.getItem(c.sheet).getRange(c.cell).values = [[cellValueForExcel(c.value)]];
      }
      await context.sync();
    });
  }

  async getSetting(key: string): Promise<string | undefined> {
    return this.run(async (context) => {
      const s = context.workbook.settings.getItemOrNullObject(key);
      s.load("value");
      await context.sync();
      return s.isNullObject || s.value === undefined || s.value === null ? undefined : String(s.value);
    });
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.run(async (context) => {
      context.workbook.settings.add(key, value);
      await context.sync();
    });
  }

  async onChange(listener: ChangeListener): Promise<() => void> {
    return this.run(async (context) => {
      const handler = context.workbook.worksheets.onChanged.add(
        async (args: Excel.WorksheetChangedEventArgs) => {
          const name = this.sheets.get(args.worksheetId)?.name ?? args.worksheetId;
          listener({
            sheet: name,
            address: args.address,
            source: String(args.source) === "Remote" ? "remote" : "local",
          });
        },
      );
      await context.sync();
      return () => {
        const ctx = handler.context;
        handler.remove();
        void ctx.sync().catch(() => undefined);
      };
    });
  }
}
