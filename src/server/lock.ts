/**
 * One process per PGlite data directory. PGlite itself has no lock: two processes on one
 * directory corrupt it. We hold a PID file (`uppf-server.pid`) for the process's lifetime.
 * A PID file left behind by a killed process (SIGKILL, power loss) is taken over once its
 * process is gone; the check-and-take-over step runs under proper-lockfile so two processes
 * starting at the same moment cannot both take it over.
 */
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";

export interface DataDirLock {
  readonly file: string;
  release(): Promise<void>;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly host?: string,
    lockFile?: string,
  ) {
    super(
      host
        ? `Datakatalogen ${dataDir} används redan av en uppf-process (pid ${pid}) på datorn ${host}. ` +
            `Stoppa den först; är den säkert stoppad, ta bort ${lockFile}. ` +
            `/ The data directory ${dataDir} is already in use by an uppf process (pid ${pid}) on host ${host}. ` +
            `Stop it first; if it is certainly stopped, delete ${lockFile}.`
        : `Datakatalogen ${dataDir} används redan av en annan uppf-process (pid ${pid}). ` +
            `Stoppa den först eller välj en annan katalog med --data-dir. ` +
            `/ The data directory ${dataDir} is already in use by another uppf process (pid ${pid}). ` +
            `Stop it first or choose another directory with --data-dir.`,
    );
    this.name = "DataDirLockedError";
  }
}

interface PidFile {
  pid: number;
  host: string;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readPidFile(file: string): PidFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as PidFile;
    return typeof parsed.pid === "number" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function acquireDataDirLock(dir: string): Promise<DataDirLock> {
  const file = path.join(dir, "uppf-server.pid");
  const release = await lockfile.lock(dir, {
    lockfilePath: path.join(dir, "uppf-takeover.lock"),
    stale: 10_000,
    retries: { retries: 20, minTimeout: 50, maxTimeout: 500 },
  });
  try {
    const existing = readPidFile(file);
    if (existing && existing.host === os.hostname() && isAlive(existing.pid)) {
      throw new DataDirLockedError(dir, existing.pid);
    }
    if (existing && existing.host !== os.hostname()) {
      // Another machine (shared disk): its process cannot be checked from here.
      throw new DataDirLockedError(dir, existing.pid, existing.host, file);
    }
    // Absent, unreadable (half-written by a killed process) or stale: take it over.
    if (existing || safeExists(file)) unlinkSync(file);
    const mine: PidFile = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
    writeFileSync(file, JSON.stringify(mine), { flag: "wx" });
  } finally {
    await release();
  }
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      const current = readPidFile(file);
      if (current && current.pid === process.pid) unlinkSync(file);
    },
  };
}

function safeExists(file: string): boolean {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}
