/**
 * The files `uppf validate` and `uppf compile` look at: files named on the command line, and
 * in folders (recursively) every spreadsheet-like file, so a provider's .xls or .ods sent by
 * mistake is reported rather than silently skipped. Excel's lock files (~$…) are skipped.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors";

/** Extensions picked up from folders. */
export const FOLDER_EXTENSIONS = [".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv"];

function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name, "sv"),
  );
  for (const e of entries) {
    if (e.name.startsWith(".") || e.name.startsWith("~$")) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (FOLDER_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push(p);
  }
}

/** Expand arguments into files (deduplicated, in order). Throws UsageError for a missing path. */
export function collectFiles(args: string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    let st;
    try {
      st = statSync(arg);
    } catch {
      throw new UsageError(`${arg}: filen eller mappen finns inte`);
    }
    if (st.isDirectory()) {
      const before = out.length;
      walk(arg, out);
      if (out.length === before) throw new UsageError(`${arg}: mappen innehåller inga .xlsx-filer`);
    } else {
      out.push(arg);
    }
  }
  return [...new Set(out.map((p) => path.normalize(p)))];
}
