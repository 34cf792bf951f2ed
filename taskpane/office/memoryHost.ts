/**
 * MemoryHost: a WorkbookHost over an in-memory WorkbookSnapshot. Used when the task pane runs
 * outside Excel (the user opened an .xlsx file in the browser) and in tests. Highlights and the
 * selected cell are kept as state the UI can show; settings live in a Map.
 */
import {
  a1ToPosition,
  findSheet,
  getCell,
  setSheetCell,
  toA1,
  type WorkbookSnapshot,
} from "../../src/domain/snapshot";
import type { CellValue } from "../../src/sync/protocol";
import {
  isSyncedSheet,
  type CellEntry,
  type CellRef,
  type ChangeListener,
  type HighlightMark,
  type WorkbookHost,
} from "./types";

function cloneSnapshot(s: WorkbookSnapshot): WorkbookSnapshot {
  return {
    sheets: s.sheets.map((sh) => ({ ...sh, rows: sh.rows.map((r) => (Array.isArray(r) ? [...r] : [])) })),
    definedNames: s.definedNames ? { ...s.definedNames } : undefined,
  };
}

function plain(v: ReturnType<typeof getCell>): CellValue {
  if (v === undefined || v === null) return null;
  return typeof v === "object" ? v.code : v;
}

export class MemoryHost implements WorkbookHost {
  readonly kind = "memory" as const;
  readonly label: string;
  private snapshot: WorkbookSnapshot;
  private readonly settings = new Map<string, string>();
  private readonly listeners = new Set<ChangeListener>();
  private marks: HighlightMark[] = [];
  /** The last cell selected with selectCell ("Blad!A1"), shown by the UI outside Excel. */
  selected: { sheet: string; cell: string } | undefined;

  constructor(snapshot: WorkbookSnapshot, label = "Arbetsbok i minnet") {
    this.snapshot = cloneSnapshot(snapshot);
    this.label = label;
  }

  async readSnapshot(): Promise<WorkbookSnapshot> {
    return cloneSnapshot(this.snapshot);
  }

  async selectCell(sheet: string, cell: string): Promise<void> {
    if (!findSheet(this.snapshot, sheet)) throw new Error(`Bladet "${sheet}" finns inte i arbetsboken.`);
    a1ToPosition(cell);
    this.selected = { sheet, cell };
  }

  async writeHighlights(marks: HighlightMark[]): Promise<number> {
    for (const m of marks) {
      if (!findSheet(this.snapshot, m.sheet)) {
        throw new Error(`Bladet "${m.sheet}" finns inte längre i arbetsboken. Granska arbetsboken igen.`);
      }
    }
    const unique = new Map(marks.map((m) => [`${m.sheet}!${m.cell}`, m]));
    this.marks = [...unique.values()];
    return this.marks.length;
  }

  async clearHighlights(): Promise<number> {
    const n = this.marks.length;
    this.marks = [];
    return n;
  }

  highlightedCells(): HighlightMark[] {
    return [...this.marks];
  }

  async onChange(listener: ChangeListener): Promise<() => void> {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Edit a cell as a user would (fires change listeners). */
  editCell(sheet: string, cell: string, value: CellValue): void {
    const s = findSheet(this.snapshot, sheet);
    if (!s) throw new Error(`Bladet "${sheet}" finns inte i arbetsboken.`);
    setSheetCell(s, cell, value);
    for (const l of this.listeners) l({ sheet: s.name, address: cell, source: "local" });
  }

  async readAll(): Promise<CellEntry[]> {
    const out: CellEntry[] = [];
    for (const s of this.snapshot.sheets) {
      if (!isSyncedSheet(s.name, s.visibility)) continue;
      s.rows.forEach((row, r) =>
        (Array.isArray(row) ? row : []).forEach((v, c) => {
          if (v === null || v === undefined || v === "") return;
          out.push({ sheet: s.name, cell: toA1(r, c), value: typeof v === "object" ? v.code : v });
        }),
      );
    }
    return out;
  }

  async readCells(refs: CellRef[]): Promise<CellValue[]> {
    return refs.map((r) => plain(getCell(this.snapshot, r.sheet, r.cell)));
  }

  async writeCells(cells: CellEntry[]): Promise<void> {
    for (const c of cells) {
      let s = findSheet(this.snapshot, c.sheet);
      if (!s) {
        s = { name: c.sheet, visibility: "visible", rows: [] };
        this.snapshot.sheets.push(s);
      }
      setSheetCell(s, c.cell, c.value);
    }
  }

  async getSetting(key: string): Promise<string | undefined> {
    return this.settings.get(key);
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.settings.set(key, value);
  }
}
