import { describe, expect, it } from "vitest";
import JSZip from "jszip";
import { probeWorkbook, type UnreadableWorkbookError, DEFAULT_LIMITS } from "../../src/xlsx/probe";
import { LATEST_TEMPLATE } from "../../src/domain/template/registry";
import { writeTemplate } from "../../src/xlsx/template";
import { FIXED_DATE } from "./helpers";

async function withSheetXml(edit: (xml: string) => string): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(await writeTemplate(LATEST_TEMPLATE, { created: FIXED_DATE }));
  const part = "xl/worksheets/sheet2.xml";
  zip.file(part, edit(await zip.file(part)!.async("string")));
  return zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
}

async function reason(bytes: Uint8Array): Promise<UnreadableWorkbookError | undefined> {
  try {
    await probeWorkbook(bytes);
    return undefined;
  } catch (e) {
    return e as UnreadableWorkbookError;
  }
}

describe("probeWorkbook: rows are counted even when the dimension is missing or wrong", () => {
  it("accepts the generated template", async () => {
    expect(await reason(await writeTemplate(LATEST_TEMPLATE, { created: FIXED_DATE }))).toBeUndefined();
  });

  it("no <dimension>, a row at 1 048 576: TOO_MANY_ROWS", async () => {
    const bytes = await withSheetXml((xml) =>
      xml
        .replace(/<dimension ref="[^"]+"\/>/, "")
        .replace(
          "</sheetData>",
          '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    );
    const e = await reason(bytes);
    expect(e?.code).toBe("TOO_MANY_ROWS");
    expect(e?.message).toMatch(/”Uppgifter” sträcker sig till rad 1\s048\s576 \(alla rader i bladet\)/);
  });

  it("a dimension that understates a sheet of > 2 MB: the rows are scanned (stops early)", async () => {
    const rows = Array.from(
      { length: DEFAULT_LIMITS.maxRows + 40_000 },
      (_, i) => `<row r="${i + 60}"><c r="F${i + 60}"><v>${i}</v></c></row>`,
    ).join("");
    const bytes = await withSheetXml((xml) => xml.replace("</sheetData>", `${rows}</sheetData>`));
    const e = await reason(bytes);
    expect(e?.code).toBe("TOO_MANY_ROWS");
    expect(e?.message).toMatch(/sträcker sig till minst rad 1\d\s\d{3};/);
  });
});
