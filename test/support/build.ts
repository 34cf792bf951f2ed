/**
 * Builds dist/ once for the suites that need the built add-in (manifest URLs, end-to-end).
 * Test files run in parallel workers: a lock file makes the second one wait for the first
 * build instead of racing it (webpack cleans dist/ as it starts).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mkdirSync } from "node:fs";
import lockfile from "proper-lockfile";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const distDir = path.join(root, "dist");

export async function ensureBuilt(): Promise<string> {
  mkdirSync(path.join(root, "node_modules/.cache"), { recursive: true });
  const release = await lockfile.lock(path.join(root, "node_modules/.cache"), {
    lockfilePath: path.join(root, "node_modules/.cache/uppf-build.lock"),
    retries: { retries: 600, minTimeout: 200, maxTimeout: 500 },
    stale: 120_000,
  });
  try {
    const { build, buildIsCurrent } = (await import(path.join(root, "scripts/build.mjs"))) as {
      build: () => Promise<void>;
      buildIsCurrent: () => boolean;
    };
    if (!buildIsCurrent()) await build();
  } finally {
    await release();
  }
  return distDir;
}
