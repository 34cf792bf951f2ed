/**
 * Load/sync order of the ExcelHost against office-addin-mock: a property read before load() and
 * context.sync() comes back from the mock as an error text instead of the value, so these tests
 * fail if the adapter reads too early.
 */
import { describe, expect, it } from "vitest";
import { OfficeMockObject } from "office-addin-mock";
import { ExcelHost, type ExcelRun } from "../../taskpane/office/excelHost";

function runWith(mock: OfficeMockObject): ExcelRun {
  return async (batch) => batch(mock as unknown as Excel.RequestContext);
}

describe("ExcelHost with office-addin-mock", () => {
  it("getSetting loads the value and syncs before reading it", async () => {
    const ctx = new OfficeMockObject({
      workbook: {
        settings: {
          cursor: { value: "c-42", isNullObject: false },
          getItemOrNullObject(this: { cursor: unknown }) {
            return this.cursor;
          },
        },
      },
    });
    (
      ctx as unknown as { workbook: { settings: { cursor: { isNullObject: boolean } } } }
    ).workbook.settings.cursor.isNullObject = false;
    const host = new ExcelHost({ run: runWith(ctx) });
    expect(await host.getSetting("uppf.sync.cursor")).toBe("c-42");
  });

  it("readCells loads values of each range and syncs once before reading", async () => {
    const range = new OfficeMockObject({ values: [[1234.5]] });
    const ctx = new OfficeMockObject({
      workbook: {
        worksheets: {
          getItem() {
            return { getRange: () => range };
          },
        },
      },
    });
    let syncs = 0;
    const origSync = ctx.sync.bind(ctx);
    ctx.sync = async () => {
      syncs++;
      await origSync();
      await range.sync();
    };
    const host = new ExcelHost({ run: runWith(ctx) });
    expect(await host.readCells([{ sheet: "Ekonomi", cell: "C5" }])).toEqual([1234.5]);
    expect(syncs).toBe(1);
  });

  it("selectCell and setSetting queue their commands before the one sync", async () => {
    const log: string[] = [];
    const range = new OfficeMockObject({ select: () => log.push("select") });
    const ctx = new OfficeMockObject({
      workbook: {
        worksheets: {
          getItem: (name: string) => {
            log.push(`getItem ${name}`);
            return {
              activate: () => log.push("activate"),
              getRange: (a: string) => (log.push(`getRange ${a}`), range),
            };
          },
        },
        settings: { add: (k: string, v: string) => log.push(`add ${k}=${v}`) },
      },
    });
    const origSync = ctx.sync.bind(ctx);
    ctx.sync = async () => {
      log.push("sync");
      await origSync();
    };
    const host = new ExcelHost({ run: runWith(ctx) });
    await host.selectCell("Ekonomi", "C5");
    await host.setSetting("uppf.sync", "{}");
    expect(log).toEqual([
      "getItem Ekonomi",
      "activate",
      "getRange C5",
      "select",
      "sync",
      "add uppf.sync={}",
      "sync",
    ]);
  });

  it("a read without sync would surface the mock's error text (the mock is strict)", () => {
    const range = new OfficeMockObject({ values: [[1]] });
    range.load("values");
    expect(String(range.values)).toMatch(/sync/i);
  });
});
