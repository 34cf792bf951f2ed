/** The task pane's initial JavaScript (what taskpane.html loads before anything lazy), gzipped. */
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Figure } from "../harness";

export function bundleFigure(dist: string): Figure {
  const html = readFileSync(path.join(dist, "taskpane.html"), "utf8");
  const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)]
    .map((m) => m[1])
    .filter((src) => !src.startsWith("office-js/") && !/^https?:/.test(src));
  let gz = 0;
  for (const src of scripts) {
    const file = path.join(dist, src);
    if (existsSync(file)) gz += gzipSync(readFileSync(file), { level: 9 }).length;
  }
  const kb = gz / 1024;
  return {
    id: "taskpane-initial-js",
    title: "Åtgärdsfönstrets initiala JavaScript (gzip)",
    baseline: "—",
    target: "≤ 300 KB",
    kind: "size",
    value: kb,
    unit: "KB",
    pass: kb <= 300,
    note: `skript: ${scripts.join(", ")} (office.js räknas inte: Microsofts, laddas från vår server)`,
  };
}
