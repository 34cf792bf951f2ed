/**
 * Start the real server in a child process (./serve-child.ts) and wait for its first line: the
 * URL it listens on, or why it could not start. Used by the durability and restart tests and by
 * the load benchmark.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "serve-child.ts");

export interface ServerChild {
  proc: ChildProcess;
  /** Where it listens (undefined when it could not start). */
  url?: string;
  /** Why it could not start (e.g. the data directory is in use). */
  error?: string;
  /** Everything it wrote to stderr so far (its log). */
  stderr: string;
}

export interface ServerChildOptions {
  dataDir: string;
  /** Fixed port (default 0: any free port). */
  port?: number;
  databaseUrl?: string;
  schema?: string;
}

/**
 * Resolves with the child once it has said where it listens or why it cannot start; rejects
 * only when it exits without saying either.
 */
export function spawnServerChild(opts: ServerChildOptions): Promise<ServerChild> {
  const args = [String(opts.port ?? 0), opts.dataDir, opts.databaseUrl ?? "", opts.schema ?? ""];
  const proc = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, UPPF_DEV_SEED: "" },
  });
  const child: ServerChild = { proc, stderr: "" };
  proc.stderr!.on("data", (d) => (child.stderr += String(d)));
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once("line", (line) => {
      const msg = JSON.parse(line) as { url?: string; error?: string };
      child.url = msg.url;
      child.error = msg.error;
      resolve(child);
    });
    proc.once("exit", (code) => {
      if (!child.url && !child.error)
        reject(new Error(`servern avslutades (${code}) utan att starta: ${child.stderr}`));
    });
  });
}
