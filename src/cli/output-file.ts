import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CliError } from "./errors";

/**
 * Writes a command's output file next to its target and renames it into place, so a half-written
 * file never replaces a good one. `shownAs` is the path as the user typed it, for the message.
 */
export function writeOutputFile(shownAs: string, bytes: Uint8Array | string): string {
  const out = path.resolve(shownAs);
  try {
    mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, out);
  } catch (e) {
    throw new CliError(`kan inte skriva ${shownAs}: ${(e as NodeJS.ErrnoException).code ?? "okänt fel"}`);
  }
  return out;
}
