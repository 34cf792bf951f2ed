// `npm run build`: the add-in's browser bundle into dist/ (webpack, as the yo office templates).
// Usage: node scripts/build.mjs [--dev] [--if-needed]
//   --if-needed  skip when dist/ is newer than every source file (used by `npm start`).
import { createRequire } from "node:module";
import { existsSync, statSync, readdirSync, cpSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function buildIsCurrent() {
  const marker = path.join(root, "dist", "functions.json");
  if (!existsSync(marker) || !existsSync(path.join(root, "dist", "taskpane.html"))) return false;
  const built = statSync(marker).mtimeMs;
  const sources = ["taskpane", "functions", "src", "assets", "scripts"]
    .map((d) => path.join(root, d))
    .filter(existsSync);
  const files = ["package-lock.json"].map((f) => path.join(root, f));
  const inputs = Math.max(
    ...sources.map(newest),
    ...files.filter(existsSync).map((f) => statSync(f).mtimeMs),
  );
  return built >= inputs;
}

export async function build({ dev = false } = {}) {
  const webpack = require("webpack");
  const config = require("./webpack.config.cjs")({}, { mode: dev ? "development" : "production" });
  const stats = await new Promise((resolve, reject) =>
    webpack(config, (err, s) => (err ? reject(err) : resolve(s))),
  );
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  for (const w of info.warnings ?? []) console.warn("varning:", w.message);
  if (stats.hasErrors()) {
    for (const e of info.errors ?? []) console.error(e.message);
    throw new Error("Bygget misslyckades (se felen ovan).");
  }
  // office.js and its locale files, served by our own server: no CDN at run or test time.
  cpSync(path.join(root, "node_modules/@microsoft/office-js/dist"), path.join(root, "dist/office-js"), {
    recursive: true,
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (args.has("--if-needed") && buildIsCurrent()) {
    console.log("dist/ är aktuell, inget att bygga.");
  } else {
    const t0 = Date.now();
    build({ dev: args.has("--dev") }).then(
      () => console.log(`Byggt till dist/ på ${((Date.now() - t0) / 1000).toFixed(1)} s.`),
      (e) => {
        console.error(e.message);
        process.exit(1);
      },
    );
  }
}
