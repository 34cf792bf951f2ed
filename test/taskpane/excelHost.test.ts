import { describe, expect, it } from "vitest";
import { ExcelHost, chunkAddresses } from "../../taskpane/office/excelHost";
import { SETTING_HIGHLIGHTS, type HighlightMark } from "../../taskpane/office/types";
import { FakeWorkbook, fakeRun } from "./fakeExcel";

function templateLike(): FakeWorkbook {
  const wb = new FakeWorkbook();
  wb.addSheet("Uppgifter", [
    ["Uppgifter om utförare", null, null],
    [null, null, null],
    [null, null, null],
    ["Uppgift", "Format", "Värde"],
    ["Organisationsnummer", "NNNNNN-NNNN", "556036-0793"],
    ["Rapportår", "ÅÅÅÅ", 2025],
  ]);
  // Used range not starting at A1: values must land at their real addresses.
  wb.addSheet(
    "Ekonomi",
    [
      [1000, 800],
      ["#DIV/0!", true],
    ],
    "Visible",
    "C5",
  );
  wb.addSheet("Tomt", []);
  wb.addSheet("_uppf_meta", [[null, "uppf-mall@1.0.0"]], "VeryHidden");
  wb.names.push({ name: "UPPF_MALL", type: "Range", formula: "=_uppf_meta!$B$1" });
  return wb;
}

describe("ExcelHost.readSnapshot", () => {
  it("reads every sheet, visibility and defined names in 2 syncs", async () => {
    const wb = templateLike();
    const f = fakeRun(wb);
    const host = new ExcelHost({ run: f.run });
    const snap = await host.readSnapshot();
    expect(f.syncs()).toBe(2);
    expect(snap.sheets.map((s) => [s.name, s.visibility])).toEqual([
      ["Uppgifter", "Visible"],
      ["Ekonomi", "Visible"],
      ["Tomt", "Visible"],
      ["_uppf_meta", "VeryHidden"],
    ]);
    expect(snap.sheets[0].rows[4][2]).toBe("556036-0793");
    expect(snap.sheets[0].rows[5][2]).toBe(2025);
    const ek = snap.sheets[1];
    expect(ek.rows[4][2]).toBe(1000);
    expect(ek.rows[4][3]).toBe(800);
    expect(ek.rows[5][2]).toEqual({ kind: "error", code: "#DIV/0!" });
    expect(ek.rows[5][3]).toBe(true);
    expect(ek.rows[0]).toEqual([]);
    expect(snap.sheets[2].rows).toEqual([]);
    expect(snap.definedNames).toEqual({ UPPF_MALL: "=_uppf_meta!$B$1" });
  });

  it("reads a workbook over the payload limit in blocks that each fit, with the same result", async () => {
    const big = new FakeWorkbook();
    const rows = Array.from({ length: 2000 }, (_, r) =>
      Array.from({ length: 12 }, (_, c) => `r${r}c${c}-${"x".repeat(c)}`),
    );
    big.addSheet("Stor", rows);
    big.addSheet("Liten", [[1, 2, 3]]);
    const unlimited = await new ExcelHost({ run: fakeRun(big, 1e12).run }).readSnapshot();

    const limit = 60_000;
    const f = fakeRun(big, limit);
    const host = new ExcelHost({ run: f.run, payloadBudget: 40_000 });
    const snap = await host.readSnapshot();
    expect(snap).toEqual(unlimited);
    expect(f.contexts[0].maxPayload).toBeLessThanOrEqual(limit);
    // 1 (list) + 1 (refused) + 1 (sizes) + blocks: more syncs only because the data needs them.
    const totalBytes = JSON.stringify(rows).length;
    expect(f.syncs()).toBeGreaterThanOrEqual(3 + Math.ceil(totalBytes / limit));
  });

  it("adapts when cells are denser than the plan assumed", async () => {
    const dense = new FakeWorkbook();
    dense.addSheet(
      "Text",
      Array.from({ length: 400 }, () => ["y".repeat(500)]),
    );
    const f = fakeRun(dense, 20_000);
    const snap = await new ExcelHost({ run: f.run, payloadBudget: 15_000 }).readSnapshot();
    expect(snap.sheets[0].rows).toHaveLength(400);
    expect(snap.sheets[0].rows[399][0]).toBe("y".repeat(500));
  });
});

function marks(n: number): HighlightMark[] {
  const sev = ["error", "warning", "info"] as const;
  return Array.from({ length: n }, (_, i) => ({
    sheet: i % 2 ? "Uppgifter" : "Ekonomi",
    cell: `${String.fromCharCode(65 + (i % 20))}${Math.floor(i / 20) + 1}`,
    severity: sev[i % 3],
  }));
}

describe("ExcelHost highlights", () => {
  for (const n of [10, 10_000]) {
    it(`writes ${n} highlights in 2 syncs and clears them in 2`, async () => {
      const wb = templateLike();
      const f = fakeRun(wb);
      const host = new ExcelHost({ run: f.run });
      await host.readSnapshot();
      f.reset();
      const count = await host.writeHighlights(marks(n));
      expect(count).toBe(n);
      expect(f.syncs()).toBe(2);
      const ours = wb.cfs;
      expect(ours.length).toBeGreaterThan(0);
      expect(ours.every((c) => c.formula === "=TRUE" && c.address.length <= 8192)).toBe(true);
      const covered = new Set(ours.flatMap((c) => c.address.split(",").map((a) => `${c.sheetId}!${a}`)));
      expect(covered.size).toBe(n);
      // Error cells get Excel's light red fill.
      const errCf = ours.find((c) => c.fill === "#FFC7CE");
      expect(errCf?.font).toBe("#9C0006");
      expect(JSON.parse(wb.settings.get(SETTING_HIGHLIGHTS) ?? "[]")).toHaveLength(ours.length);

      f.reset();
      const removed = await host.clearHighlights();
      expect(f.syncs()).toBe(2);
      expect(removed).toBe(ours.length);
      expect(wb.cfs).toEqual([]);
    });
  }

  it("leaves the user's own conditional formats alone and replaces its own", async () => {
    const wb = templateLike();
    wb.cfs.push({ id: "user-1", sheetId: "{1}", address: "A1:C6", formula: "=$C$6>2000", fill: "#00FF00" });
    const f = fakeRun(wb);
    const host = new ExcelHost({ run: f.run });
    await host.readSnapshot();
    await host.writeHighlights(marks(5));
    const first = wb.cfs.filter((c) => c.id !== "user-1").map((c) => c.id);
    await host.writeHighlights(marks(3));
    const second = wb.cfs.filter((c) => c.id !== "user-1").map((c) => c.id);
    expect(second.some((id) => first.includes(id))).toBe(false);
    expect(host.highlightedCells()).toHaveLength(3);
    // The user deletes one of ours by hand: clearing still works and removes the rest.
    wb.cfs = wb.cfs.filter((c) => c.id !== second[0]);
    await host.clearHighlights();
    expect(wb.cfs.map((c) => c.id)).toEqual(["user-1"]);
  });

  it("finds highlights made in an earlier session through the workbook setting", async () => {
    const wb = templateLike();
    const f = fakeRun(wb);
    await (async () => {
      const earlier = new ExcelHost({ run: f.run });
      await earlier.readSnapshot();
      await earlier.writeHighlights(marks(4));
    })();
    expect(wb.cfs.length).toBeGreaterThan(0);
    const later = new ExcelHost({ run: f.run });
    await later.readSnapshot();
    f.reset();
    await later.clearHighlights();
    expect(f.syncs()).toBe(2);
    expect(wb.cfs).toEqual([]);
  });

  it("says which sheet is gone instead of highlighting the wrong place", async () => {
    const wb = templateLike();
    const host = new ExcelHost({ run: fakeRun(wb).run });
    await host.readSnapshot();
    await expect(host.writeHighlights([{ sheet: "Volymer", cell: "C5", severity: "error" }])).rejects.toThrow(
      /Volymer/,
    );
  });
});

describe("ExcelHost cells, settings and selection", () => {
  it("reads and writes cells and settings in one sync each", async () => {
    const wb = templateLike();
    const f = fakeRun(wb);
    const host = new ExcelHost({ run: f.run });
    await host.writeCells([
      { sheet: "Uppgifter", cell: "C6", value: 2026 },
      { sheet: "Ekonomi", cell: "C5", value: null },
    ]);
    expect(f.syncs()).toBe(1);
    f.reset();
    expect(
      await host.readCells([
        { sheet: "Uppgifter", cell: "C6" },
        { sheet: "Ekonomi", cell: "C5" },
        { sheet: "Ekonomi", cell: "C6" },
      ]),
    ).toEqual([2026, null, "#DIV/0!"]);
    expect(f.syncs()).toBe(1);
    await host.setSetting("uppf.sync.cursor", "c-17");
    expect(await host.getSetting("uppf.sync.cursor")).toBe("c-17");
    expect(await host.getSetting("saknas")).toBeUndefined();
    await host.selectCell("Ekonomi", "D6");
    expect(wb.selected).toEqual({ sheet: "Ekonomi", cell: "D6" });
    expect(wb.active).toBe("Ekonomi");
  });

  it("readAll lists the non-empty cells of the synced sheets only", async () => {
    const host = new ExcelHost({ run: fakeRun(templateLike()).run });
    const all = await host.readAll();
    expect(all.some((c) => c.sheet === "_uppf_meta")).toBe(false);
    expect(all).toContainEqual({ sheet: "Ekonomi", cell: "C6", value: "#DIV/0!" });
    expect(all).toContainEqual({ sheet: "Uppgifter", cell: "C5", value: "556036-0793" });
  });
});

describe("ExcelHost change events", () => {
  it("reports changes by sheet name and source, and unsubscribes", async () => {
    const wb = templateLike();
    const f = fakeRun(wb);
    const host = new ExcelHost({ run: f.run });
    await host.readSnapshot();
    const seen: string[] = [];
    const off = await host.onChange((c) => seen.push(`${c.sheet}!${c.address} ${c.source}`));
    expect(wb.changeHandlers).toHaveLength(1);
    await wb.changeHandlers[0]({ worksheetId: "{2}", address: "C5", source: "Local" });
    await wb.changeHandlers[0]({ worksheetId: "{1}", address: "C5:C6", source: "Remote" });
    expect(seen).toEqual(["Ekonomi!C5 local", "Uppgifter!C5:C6 remote"]);
    off();
    await new Promise((r) => setTimeout(r, 0));
    expect(wb.changeHandlers).toHaveLength(0);
  });
});

describe("chunkAddresses", () => {
  it("keeps every chunk under the limit and loses no cell", () => {
    const cells = Array.from({ length: 5000 }, (_, i) => `AB${i + 1}`);
    const chunks = chunkAddresses(cells, 100);
    expect(chunks.every((c) => c.length <= 100)).toBe(true);
    expect(chunks.join(",").split(",")).toEqual(cells);
  });
});
