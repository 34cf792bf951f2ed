/**
 * WorkbookHost: the task pane's only view of a workbook. ExcelHost talks to Excel through
 * Office.js (batched, few context.sync calls); MemoryHost holds a WorkbookSnapshot in memory
 * (a file opened outside Excel, and tests). Everything else in the task pane uses this interface.
 */
import type { WorkbookSnapshot } from "../../src/domain/snapshot";
import type { CellEntry, CellRef, SyncWorkbook } from "../sync/types";

export type { CellEntry, CellRef, SyncWorkbook };

export type HighlightSeverity = "error" | "warning" | "info";

/** One cell to highlight (a finding's cell). */
export interface HighlightMark {
  sheet: string;
  /** A1 address of a single cell. */
  cell: string;
  severity: HighlightSeverity;
}

/** A change the user (or another writer) made in the workbook. */
export interface WorkbookChange {
  sheet: string;
  /** A1 address or range, e.g. "C5" or "C5:D7". */
  address: string;
  /** "local" = typed in this Excel; "remote" = a co-author (Excel's event source). */
  source: "local" | "remote";
}

export type ChangeListener = (change: WorkbookChange) => void;

export interface WorkbookHost extends SyncWorkbook {
  /** "excel" inside Excel, "memory" for a file opened in the browser. */
  readonly kind: "excel" | "memory";
  /** What to call the workbook in the UI (file name, or "Den öppna arbetsboken"). */
  readonly label: string;
  /** Read every sheet (values, visibility) and the defined names. */
  readSnapshot(): Promise<WorkbookSnapshot>;
  /** Activate the sheet and select the cell. */
  selectCell(sheet: string, cell: string): Promise<void>;
  /**
   * Replace this add-in's highlights with these (the user's own formatting is untouched).
   * Returns the number of cells highlighted.
   */
  writeHighlights(marks: HighlightMark[]): Promise<number>;
  /** Remove exactly the highlights this add-in made; returns how many highlight rules were removed. */
  clearHighlights(): Promise<number>;
  /** The cells currently highlighted by this add-in (as last written). */
  highlightedCells(): HighlightMark[];
  /** Subscribe to cell changes; returns an unsubscribe function. */
  onChange(listener: ChangeListener): Promise<() => void>;
}

/** Setting keys stored in the workbook (per add-in). */
export const SETTING_HIGHLIGHTS = "uppf.markeringar";

/** Fill and font colours of a highlight by severity (Excel's own "light red fill" style etc.). */
export const HIGHLIGHT_STYLE: Record<HighlightSeverity, { fill: string; font: string }> = {
  error: { fill: "#FFC7CE", font: "#9C0006" },
  warning: { fill: "#FFEB9C", font: "#9C5700" },
  info: { fill: "#DDEBF7", font: "#1F4E79" },
};

/** Sheets the sync covers: not very hidden and not the template's internal sheets ("_…"). */
export function isSyncedSheet(name: string, visibility?: string): boolean {
  return visibility !== "veryHidden" && !name.startsWith("_");
}
