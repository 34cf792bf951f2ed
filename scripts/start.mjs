// `npm start`: build the add-in if dist/ is out of date, then start `uppf serve` (PGlite in ./data,
// or PostgreSQL when DATABASE_URL is set). Extra arguments go to `uppf serve`.
import { spawn } from "node:child_process";
import { build, buildIsCurrent } from "./build.mjs";

if (buildIsCurrent()) {
  console.log("dist/ är aktuell.");
} else {
  console.log("Bygger tillägget …");
  await build();
}
const child = spawn(process.execPath, ["bin/uppf.js", "serve", ...process.argv.slice(2)], {
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
