import type { Finding } from "../../src/domain/validate/findings";

/** The cells a finding points at (several for grouped findings). */
export function findingCells(f: Finding): string[] {
  if (f.cells && f.cells.length > 0) return f.cells;
  return f.cell ? [f.cell] : [];
}
