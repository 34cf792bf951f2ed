/**
 * The task pane end to end in real Chromium, outside Excel (the way a controller without the
 * add-in uses it): open the example submission and a broken one, see the findings, click one,
 * switch views, compare 52/48 with the population key, propose and approve a key as finance users
 * of the two regions, go offline and back with a pending change. Screenshots of every view at
 * 350 and 500 px go to test/artifacts/; axe-core checks WCAG 2.1 AA on every view.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import ExcelJS from "exceljs";
import { startServer, type RunningServer } from "../../src/server/index";
import {
  LATEST_TEMPLATE,
  exampleSubmission,
  snapshotFromValues,
  type WorkbookSnapshot,
} from "../../src/domain";
import { writeTemplate } from "../../src/xlsx/template";
import { launchChromium } from "../support/browser";
import { ensureBuilt, root } from "../support/build";
import { describeWith } from "../support/env";

const ARTIFACTS = path.join(root, "test/artifacts");
const AXE = path.join(root, "node_modules/axe-core/axe.min.js");
const VIEWS = ["Översikt", "Granskning", "Nyckeltal", "Avtal", "Kostnadsfördelning", "Synk"];

/** Write a snapshot as an .xlsx file with ExcelJS (values, sheet visibility, defined names). */
async function writeXlsx(snapshot: WorkbookSnapshot, file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  for (const s of snapshot.sheets) {
    const ws = wb.addWorksheet(s.name, { state: s.visibility ?? "visible" });
    s.rows.forEach((row, r) =>
      (row ?? []).forEach((v, c) => {
        if (v === null || v === undefined) return;
        ws.getCell(r + 1, c + 1).value = (typeof v === "object" ? { error: v.code } : v) as ExcelJS.CellValue;
      }),
    );
  }
  for (const [name, ref] of Object.entries(snapshot.definedNames ?? {})) {
    const text = ref.replace(/^=/, "");
    if (text.includes("!")) wb.definedNames.add(text, name);
  }
  await wb.xlsx.writeFile(file);
}

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } })
      .axe;
    // Fluent's focus manager (tabster) puts aria-hidden focus-redirecting <i data-tabster-dummy> around
    // the tab list; Fluent documents these as intentional (microsoft/fluentui#27517, "By Design").
    // Only those elements are excluded; every rule still runs on everything else.
    return axe.run(
      { exclude: [["[data-tabster-dummy]"]] },
      { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } },
    );
  })) as { violations: { id: string; help: string; nodes: { target: string[] }[] }[] };
  return result.violations.map(
    (v) =>
      `${v.id}: ${v.help} (${v.nodes
        .map((n) => n.target.join(" "))
        .slice(0, 3)
        .join(", ")})`,
  );
}

async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole("tab", { name }).click();
  await expect.poll(() => page.getByRole("tab", { name, selected: true }).count()).toBe(1);
}

async function signIn(page: Page, token: string): Promise<void> {
  const summary = page.locator("details > summary");
  if (!(await page.locator("details").evaluate((d) => (d as HTMLDetailsElement).open))) await summary.click();
  if (await page.getByRole("button", { name: "Logga ut" }).count())
    await page.getByRole("button", { name: "Logga ut" }).click();
  await page.getByTestId("token-input").fill(token);
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect.poll(() => page.getByTestId("signed-in").count(), { timeout: 10_000 }).toBe(1);
}

describeWith(
  { variable: "CHROMIUM_PATH", what: "Chromium" },
  "task pane end to end (Chromium)",
  (chromiumPath) => {
    let server: RunningServer;
    let browser: Browser;
    let distDir: string;
    let exampleFile: string;
    let brokenFile: string;
    let generatedFile: string;
    const values = exampleSubmission("primarvard", LATEST_TEMPLATE);

    beforeAll(async () => {
      const dist = process.env.UPPF_E2E_DIST ?? (await ensureBuilt());
      distDir = dist;
      const dir = mkdtempSync(path.join(tmpdir(), "uppf-e2e-tp-"));
      server = await startServer({
        port: 0,
        dataDir: path.join(dir, "data"),
        staticDir: dist,
        seedDevUsers: true,
        log: () => undefined,
      });
      browser = await launchChromium(chromiumPath);
      mkdirSync(ARTIFACTS, { recursive: true });

      exampleFile = path.join(dir, "exempel-primarvard.xlsx");
      await writeXlsx(snapshotFromValues(LATEST_TEMPLATE, values), exampleFile);
      // Broken: revenue typed as text that is no number, and an overwritten staff total.
      const broken = snapshotFromValues(LATEST_TEMPLATE, {
        ...values,
        "ekonomi.intakter": "många kronor",
        "resurser.total": 1,
      });
      brokenFile = path.join(dir, "trasig-primarvard.xlsx");
      await writeXlsx(broken, brokenFile);
      writeFileSync(path.join(dir, "inte-excel.xlsx"), "det här är ingen arbetsbok");
      // The template as the generator writes it, filled in (formulas not yet calculated by Excel).
      generatedFile = path.join(dir, "mall-ifylld.xlsx");
      writeFileSync(generatedFile, await writeTemplate(LATEST_TEMPLATE, { area: "primarvard", values }));
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    async function openPane(width: number): Promise<{ page: Page; errors: string[] }> {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${server.url}/taskpane.html`);
      await expect
        .poll(() => page.getByTestId("host-status").textContent(), { timeout: 20_000 })
        .toMatch(/utanför Excel/);
      return { page, errors };
    }

    async function openFile(page: Page, file: string): Promise<void> {
      await page.getByTestId("file-input").setInputFiles(file);
      await expect
        .poll(() => page.getByTestId("host-status").textContent(), { timeout: 30_000 })
        .toContain(path.basename(file));
    }

    it("initial JavaScript of the task pane page is at most 300 KB gzip (ExcelJS, views, sync and domain load later)", () => {
      const html = readFileSync(path.join(distDir, "taskpane.html"), "utf8");
      const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]);
      expect(scripts).toContain("taskpane.js");
      const sizes = scripts.map((src) => ({
        src,
        gzip: gzipSync(readFileSync(path.join(distDir, src)), { level: 9 }).length,
      }));
      const total = sizes.reduce((n, s) => n + s.gzip, 0);
      console.log(
        `initial JS (gzip): ${sizes.map((s) => `${s.src} ${(s.gzip / 1024).toFixed(1)} KB`).join(", ")}; total ${(total / 1024).toFixed(1)} KB`,
      );
      expect(total).toBeLessThanOrEqual(300 * 1024);
      expect(html).not.toMatch(/exceljs/);
    });

    it("opens the example submission: verdict, provider, no errors; every view at 350 and 500 px passes axe", async () => {
      for (const width of [350, 500]) {
        const { page, errors } = await openPane(width);
        expect(await axeViolations(page)).toEqual([]);
        await page.screenshot({ path: path.join(ARTIFACTS, `taskpane-${width}-start.png`), fullPage: true });
        await openFile(page, exampleFile);
        await expect
          .poll(() => page.getByTestId("verdict").textContent(), { timeout: 20_000 })
          .toMatch(/^Godkänd/);
        expect(await page.getByTestId("provider").textContent()).toBe(
          String(exampleSubmission("primarvard", LATEST_TEMPLATE)["uppgifter.utforare"]),
        );
        for (const view of VIEWS) {
          await openTab(page, view);
          await page.waitForTimeout(300);
          expect(await axeViolations(page), `${view} vid ${width} px`).toEqual([]);
          await page.screenshot({
            path: path.join(ARTIFACTS, `taskpane-${width}-${view.toLowerCase()}.png`),
            fullPage: true,
          });
        }
        await openTab(page, "Nyckeltal");
        expect(await page.getByTestId("requirement-met").textContent()).toBe("Kravet är uppfyllt");
        expect(await page.getByTestId("margin").textContent()).toMatch(/Resultatkrav3,0\s%/);
        expect(await page.getByTestId("productivity").textContent()).toMatch(/per årsarbetare läkare/);
        await openTab(page, "Avtal");
        // The workbook names its avtal (PV-LOV-2024): it is picked and evaluated.
        await expect.poll(() => page.getByTestId("avtal-select").inputValue()).toBe("PV-LOV-2024");
        await page.getByText("Visa även uppfyllda punkter").click();
        expect(await page.getByTestId("clause").count()).toBeGreaterThan(2);
        expect(await page.getByTestId("clause").first().textContent()).toMatch(/Avtalspunkt \d/);
        await openTab(page, "Granskning");
        expect(
          await page
            .locator('[data-testid="finding"][data-code]')
            .evaluateAll((els) => els.filter((e) => (e.textContent ?? "").startsWith("Fel")).length),
        ).toBe(0);
        expect(errors).toEqual([]);
        await page.context().close();
      }
    }, 240_000);

    it("a broken submission: the right findings, filter by severity, click one to select its cell", async () => {
      const { page, errors } = await openPane(500);
      await openFile(page, brokenFile);
      await openTab(page, "Granskning");
      await expect.poll(() => page.getByTestId("finding").count(), { timeout: 20_000 }).toBeGreaterThan(0);
      const codes = await page
        .getByTestId("finding")
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-code")));
      expect(codes).toContain("NOT_A_NUMBER");
      expect(codes).toContain("CROSS_SUM");
      expect(await page.getByTestId("verdict").count()).toBe(0);
      // Only errors.
      await page.getByTestId("filter-warning").click();
      await page.getByTestId("filter-info").click();
      const shown = await page
        .getByTestId("finding")
        .evaluateAll((els) => els.map((e) => e.textContent ?? ""));
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.every((t) => t.startsWith("Fel"))).toBe(true);
      // Click the revenue finding: the cell is selected (shown outside Excel).
      const revenue = page.locator('[data-testid="finding"][data-code="NOT_A_NUMBER"]').first();
      await revenue.getByTestId("goto").click();
      await expect
        .poll(() => page.getByTestId("review-status").textContent())
        .toMatch(/Markerad cell: Ekonomi!C\d+/);
      await page.getByRole("button", { name: "Markera i arbetsboken" }).click();
      await expect.poll(() => page.getByTestId("review-status").textContent()).toMatch(/celler markerade/);
      await page.getByRole("button", { name: "Rensa markeringar" }).click();
      await expect.poll(() => page.getByTestId("review-status").textContent()).toMatch(/borttagna/);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({
        path: path.join(ARTIFACTS, "taskpane-500-granskning-trasig.png"),
        fullPage: true,
      });
      await page.setViewportSize({ width: 350, height: 900 });
      await page.screenshot({
        path: path.join(ARTIFACTS, "taskpane-350-granskning-trasig.png"),
        fullPage: true,
      });
      // A file that is not a workbook gets a clear message.
      await page
        .getByTestId("file-input")
        .setInputFiles({ name: "anteckningar.txt", mimeType: "text/plain", buffer: Buffer.from("hej") });
      await expect
        .poll(() => page.getByRole("alert").allTextContents())
        .toContainEqual(expect.stringMatching(/ingen Excel-arbetsbok/));
      expect(errors).toEqual([]);
      await page.context().close();
    }, 120_000);

    it("the generated template opens; the pane is usable from the keyboard alone", async () => {
      const { page, errors } = await openPane(350);
      await openFile(page, generatedFile);
      await expect
        .poll(() => page.getByTestId("provider").textContent(), { timeout: 20_000 })
        .toBe(String(values["uppgifter.utforare"]));
      expect(await page.getByRole("tabpanel").textContent()).toMatch(/uppf-mall@/);
      // Keyboard: focus the selected tab, arrow to Granskning, activate it, Tab into the panel.
      await page.getByRole("tab", { name: "Översikt" }).focus();
      await page.keyboard.press("ArrowRight");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("id"))).toBe("tab-review");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.getByRole("tab", { name: "Granskning", selected: true }).count()).toBe(1);
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("tabpanel");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Granska igen");
      // A "Gå till" button is reachable and works with Enter.
      const goto = page.getByTestId("goto").first();
      if (await goto.count()) {
        await goto.focus();
        await page.keyboard.press("Enter");
        await expect.poll(() => page.getByTestId("review-status").textContent()).toMatch(/Markerad cell/);
      }
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, "taskpane-350-mall-ifylld.png"), fullPage: true });
      expect(errors).toEqual([]);
      await page.context().close();
    }, 120_000);

    it("Kostnadsfördelning: 52/48 against the population key; propose and approve as finance of both regions", async () => {
      const { page, errors } = await openPane(500);
      await openTab(page, "Kostnadsfördelning");
      // Not signed in: the reference keys from the investigation.
      await expect
        .poll(() => page.getByTestId("split-table").textContent(), { timeout: 10_000 })
        .toContain("52,0");
      await signIn(page, "uppf-dev-finance-04");
      await page.getByTestId("cost-total").fill("10 000 000");
      await expect
        .poll(() => page.getByTestId("split-table").textContent(), { timeout: 10_000 })
        .toMatch(/52,0\s%.*5\s200\s000\skr/s);
      const table = (await page.getByTestId("split-table").textContent()) ?? "";
      expect(table).toMatch(/51,8\s%/);
      expect(table).toMatch(/48,0\s%.*4\s800\s000\skr/s);
      await page.getByTestId("new-basis").fill("Inköpsvolym 2025");
      await page.getByTestId("weight-04").fill("51");
      await page.getByTestId("weight-19").fill("49");
      await page.getByRole("button", { name: "Skapa och föreslå" }).click();
      await expect
        .poll(() => page.getByTestId("cs-status").textContent(), { timeout: 10_000 })
        .toMatch(/Version \d+ är föreslagen/);
      await page.getByRole("button", { name: "Godkänn för Region Sörmland" }).first().click();
      await expect
        .poll(() => page.getByTestId("approvals").allTextContents(), { timeout: 10_000 })
        .toContainEqual(expect.stringContaining("Sörmland"));
      await page.screenshot({
        path: path.join(ARTIFACTS, "taskpane-500-kostnadsfordelning-foreslagen.png"),
        fullPage: true,
      });

      await signIn(page, "uppf-dev-finance-19");
      await openTab(page, "Kostnadsfördelning");
      await page.getByRole("button", { name: "Godkänn för Region Västmanland" }).first().click();
      await expect
        .poll(
          async () => (await page.locator("li").filter({ hasText: "Inköpsvolym 2025" }).textContent()) ?? "",
          { timeout: 10_000 },
        )
        .toMatch(/Gällande/);
      const approved = (await page.locator("li").filter({ hasText: "Inköpsvolym 2025" }).textContent()) ?? "";
      expect(approved).toMatch(/Sörmland/);
      expect(approved).toMatch(/Västmanland/);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({
        path: path.join(ARTIFACTS, "taskpane-500-kostnadsfordelning-godkand.png"),
        fullPage: true,
      });
      expect(errors).toEqual([]);
      await page.context().close();
    }, 120_000);

    it("Synk: offline and back with a pending change that is pushed, never dropped", async () => {
      const { page, errors } = await openPane(500);
      await openFile(page, exampleFile);
      await signIn(page, "uppf-dev-utforare");
      await openTab(page, "Synk");
      await expect
        .poll(() => page.getByTestId("sync-state").textContent(), { timeout: 30_000 })
        .toBe("Synkad");
      await page.context().setOffline(true);
      await page.evaluate(() => {
        const host = (
          window as unknown as { __uppfWorkbook: { editCell(s: string, c: string, v: unknown): void } }
        ).__uppfWorkbook;
        host.editCell("Uppgifter", "C7", "Ny enhet");
      });
      await expect
        .poll(() => page.getByTestId("sync-pending").textContent(), { timeout: 20_000 })
        .toMatch(/1 ändring väntar/);
      await expect
        .poll(() => page.getByTestId("sync-state").textContent(), { timeout: 30_000 })
        .toBe("Offline");
      expect(await page.getByTestId("offline-indicator").count()).toBe(1);
      // Visible from every view, not only Synk.
      await openTab(page, "Översikt");
      expect(await page.getByTestId("header-offline").textContent()).toMatch(/Offline.*1 ändring väntar/);
      await openTab(page, "Synk");
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, "taskpane-500-synk-offline.png"), fullPage: true });
      await page.context().setOffline(false);
      await expect
        .poll(() => page.getByTestId("sync-state").textContent(), { timeout: 30_000 })
        .toBe("Synkad");
      expect(await page.getByTestId("sync-pending").textContent()).toBe("Inga ändringar väntar.");
      expect(await page.getByTestId("header-offline").count()).toBe(0);
      // The edit is on the server.
      const res = await fetch(`${server.url}/api/workbooks/wb-demo-exempelvarden/cells`, {
        headers: { Authorization: "Bearer uppf-dev-utforare" },
      });
      const body = (await res.json()) as { cells: { sheet: string; cell: string; value: unknown }[] };
      expect(body.cells.find((c) => c.sheet === "Uppgifter" && c.cell === "C7")?.value).toBe("Ny enhet");
      expect(errors).toEqual([]);
      await page.context().close();
    }, 120_000);

    it("Synk: a conflicting edit shows base, mine and theirs; keeping mine wins on the server", async () => {
      const a = await openPane(500);
      const b = await openPane(500);
      for (const p of [a.page, b.page]) {
        await openFile(p, exampleFile);
        await signIn(p, "uppf-dev-utforare");
        await openTab(p, "Synk");
        await expect
          .poll(() => p.getByTestId("sync-state").textContent(), { timeout: 30_000 })
          .toBe("Synkad");
      }
      const edit = (p: Page, value: string) =>
        p.evaluate((v) => {
          const host = (
            window as unknown as { __uppfWorkbook: { editCell(s: string, c: string, v: unknown): void } }
          ).__uppfWorkbook;
          host.editCell("Uppgifter", "C8", v);
        }, value);
      await a.page.context().setOffline(true);
      await edit(a.page, "Ändrat offline av A");
      await edit(b.page, "Ändrat av B");
      await expect
        .poll(() => b.page.getByTestId("sync-pending").textContent(), { timeout: 20_000 })
        .toBe("Inga ändringar väntar.");
      await a.page.context().setOffline(false);
      // Only this cell: an earlier test left the server with another C7 than this file has (a conflict of its own).
      const conflict = a.page.getByTestId("conflict").filter({ hasText: "Uppgifter!C8" });
      await expect.poll(() => conflict.count(), { timeout: 30_000 }).toBe(1);
      const text = (await conflict.textContent()) ?? "";
      expect(text).toContain("Uppgifter!C8");
      expect(text).toMatch(/Min\s*Ändrat offline av A/);
      expect(text).toMatch(/Deras\s*Ändrat av B/);
      expect(await axeViolations(a.page)).toEqual([]);
      await a.page.screenshot({
        path: path.join(ARTIFACTS, "taskpane-500-synk-konflikt.png"),
        fullPage: true,
      });
      await a.page.setViewportSize({ width: 350, height: 900 });
      await a.page.screenshot({
        path: path.join(ARTIFACTS, "taskpane-350-synk-konflikt.png"),
        fullPage: true,
      });
      await conflict.getByRole("button", { name: "Behåll min" }).click();
      await expect.poll(() => conflict.count(), { timeout: 30_000 }).toBe(0);
      await expect
        .poll(
          async () => {
            const res = await fetch(`${server.url}/api/workbooks/wb-demo-exempelvarden/cells`, {
              headers: { Authorization: "Bearer uppf-dev-utforare" },
            });
            const body = (await res.json()) as { cells: { sheet: string; cell: string; value: unknown }[] };
            return body.cells.find((c) => c.sheet === "Uppgifter" && c.cell === "C8")?.value;
          },
          { timeout: 30_000 },
        )
        .toBe("Ändrat offline av A");
      expect([...a.errors, ...b.errors]).toEqual([]);
      await a.page.context().close();
      await b.page.context().close();
    }, 180_000);
  },
);
