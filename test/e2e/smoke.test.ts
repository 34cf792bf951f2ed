/**
 * First end-to-end check in real Chromium: the server serves the built add-in, office.js loads
 * from our own server (no CDN), Office.onReady reports no host, and the task pane says it runs
 * outside Excel.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startServer, type RunningServer } from "../../src/server/index";
import { launchChromium } from "../support/browser";
import { ensureBuilt, root } from "../support/build";
import { describeWith } from "../support/env";

describeWith(
  { variable: "CHROMIUM_PATH", what: "Chromium" },
  "task pane outside Excel (Chromium)",
  (chromiumPath) => {
    let server: RunningServer;
    let browser: Browser;

    beforeAll(async () => {
      const dist = await ensureBuilt();
      server = await startServer({
        port: 0,
        dataDir: mkdtempSync(path.join(tmpdir(), "uppf-e2e-")),
        staticDir: dist,
        log: () => undefined,
      });
      browser = await launchChromium(chromiumPath);
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it("renders, loads office.js from our server and says it runs outside Excel", async () => {
      const page = await browser.newPage({ viewport: { width: 400, height: 700 } });
      const requested: string[] = [];
      page.on("request", (r) => requested.push(r.url()));
      const consoleErrors: string[] = [];
      page.on("pageerror", (e) => consoleErrors.push(e.message));

      const response = await page.goto(`${server.url}/taskpane.html`);
      expect(response?.status()).toBe(200);
      await expect
        .poll(() => page.getByTestId("host-status").textContent(), { timeout: 20_000 })
        .toMatch(/utanför Excel/);

      const officeJs = requested.find((u) => u.endsWith("/office-js/office.js"));
      expect(officeJs?.startsWith(server.url)).toBe(true);
      expect(await page.evaluate(() => typeof (window as unknown as { Office?: unknown }).Office)).toBe(
        "object",
      );
      expect(consoleErrors).toEqual([]);

      mkdirSync(path.join(root, "test/artifacts"), { recursive: true });
      await page.screenshot({
        path: path.join(root, "test/artifacts/smoke-outside-excel.png"),
        fullPage: true,
      });
      await page.close();
    });

    it("answers the health check with the store it uses", async () => {
      const res = await fetch(`${server.url}/api/health`);
      expect(await res.json()).toEqual({ status: "ok", store: "pglite" });
    });
  },
);
