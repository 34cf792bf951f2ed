/**
 * Raw cell access shared by the readers and the integrity check.
 */
import {
  a1ToPosition,
  findSheet,
  getSheetCell,
  isCellError,
  type SnapshotValue,
  type WorkbookSnapshot,
} from "../snapshot";
import type { FindingValue } from "./findings";

/** Where each key is actually read from (after moved rows/renamed sheets are resolved). */
export type AddressMap = Map<string, { sheet: string; cell: string }>;

/** Show a raw cell value in a finding. */
export function displayValue(v: SnapshotValue | undefined): FindingValue {
  if (v === undefined) return null;
  if (isCellError(v)) return v.code;
  return v;
}

/** Read a raw cell at an address (undefined when the sheet does not exist). */
export function rawAt(snapshot: WorkbookSnapshot, sheet: string, cell: string): SnapshotValue | undefined {
  const s = findSheet(snapshot, sheet);
  if (!s) return undefined;
  return getSheetCell(s, a1ToPosition(cell));
}
