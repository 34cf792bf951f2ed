#!/usr/bin/env node
// `uppf` — the project's command line. Runs the TypeScript sources directly through tsx, so
// `npx uppf …` works right after `npm ci`, with no build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
