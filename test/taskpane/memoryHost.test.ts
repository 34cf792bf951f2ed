import { describe, expect, it } from "vitest";
import { MemoryHost } from "../../taskpane/office/memoryHost";

const snap = {
  sheets: [
    {
      name: "Ekonomi",
      visibility: "visible" as const,
      rows: [[], [null, null, 100, { kind: "error" as const, code: "#REF!" }]],
    },
    { name: "_uppf_meta", visibility: "veryHidden" as const, rows: [["x"]] },
  ],
};

describe("MemoryHost", () => {
  it("reads a copy, edits fire change events, highlights are tracked and cleared", async () => {
    const host = new MemoryHost(snap, "fil.xlsx");
    const changes: string[] = [];
    const off = await host.onChange((c) => changes.push(`${c.sheet}!${c.address}`));
    host.editCell("Ekonomi", "C2", 200);
    off();
    host.editCell("Ekonomi", "C3", 1);
    expect(changes).toEqual(["Ekonomi!C2"]);
    expect((await host.readSnapshot()).sheets[0].rows[1][2]).toBe(200);
    expect(snap.sheets[0].rows[1][2]).toBe(100);
    expect(
      await host.readCells([
        { sheet: "Ekonomi", cell: "D2" },
        { sheet: "Ekonomi", cell: "Z9" },
      ]),
    ).toEqual(["#REF!", null]);
    expect((await host.readAll()).map((c) => c.cell)).toEqual(["C2", "D2", "C3"]);
    expect(
      await host.writeHighlights([
        { sheet: "Ekonomi", cell: "C2", severity: "error" },
        { sheet: "Ekonomi", cell: "C2", severity: "error" },
      ]),
    ).toBe(1);
    expect(await host.clearHighlights()).toBe(1);
    await expect(host.selectCell("Volymer", "A1")).rejects.toThrow(/Volymer/);
    await host.selectCell("Ekonomi", "C2");
    expect(host.selected).toEqual({ sheet: "Ekonomi", cell: "C2" });
    await host.setSetting("k", "v");
    expect(await host.getSetting("k")).toBe("v");
  });
});
