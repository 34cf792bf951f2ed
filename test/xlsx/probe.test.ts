import { describe, expect, it } from "vitest";
import JSZip from "jszip";
import {
  probeWorkbook,
  readEntryStart,
  type UnreadableWorkbookError,
  DEFAULT_LIMITS,
} from "../../src/xlsx/probe";
import { LATEST_TEMPLATE } from "../../src/domain/template/registry";
import { writeTemplate } from "../../src/xlsx/template";
import { FIXED_DATE } from "./helpers";
import { findSheet } from "../../src/domain/snapshot";
import { validateSubmission } from "../../src/domain/validate/validate";
import { readWorkbook } from "../../src/xlsx/read";

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

describe("probeWorkbook: what LibreOffice and providers leave in a file is not too many rows", () => {
  it("LibreOffice after a deleted row: an empty formatted row 1 048 576 and a dimension to match", async () => {
    // What LibreOffice Calc 7.4 writes (see the LibreOffice round trip for the real thing).
    const bytes = await withSheetXml((xml) =>
      xml
        .replace(/<dimension ref="[^"]+"\/>/, '<dimension ref="A1:O1048576"/>')
        .replace(
          "</sheetData>",
          '<row r="1048576" customFormat="false" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" collapsed="false"></row></sheetData>',
        ),
    );
    expect(await reason(bytes)).toBeUndefined();
    const snap = await readWorkbook(bytes);
    expect(findSheet(snap, "Uppgifter")!.rows.length).toBeLessThan(100);
  });

  it("a sheet of the provider's own with 25 000 rows is read (not reviewed); a template sheet that long is not", async () => {
    const rows = Array.from(
      { length: 25_000 },
      (_, i) =>
        `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c><c r="B${i + 1}" t="inlineStr"><is><t>Brukare ${i}</t></is></c></row>`,
    ).join("");
    const base = await JSZip.loadAsync(await writeTemplate(LATEST_TEMPLATE, { created: FIXED_DATE }));
    // Add a sheet "Egna anteckningar" of 25 000 rows to the generated template.
    const wbXml = await base.file("xl/workbook.xml")!.async("string");
    const rels = await base.file("xl/_rels/workbook.xml.rels")!.async("string");
    const types = await base.file("[Content_Types].xml")!.async("string");
    base.file(
      "xl/workbook.xml",
      wbXml.replace("</sheets>", '<sheet name="Egna anteckningar" sheetId="99" r:id="rId99"/></sheets>'),
    );
    base.file(
      "xl/_rels/workbook.xml.rels",
      rels.replace(
        "</Relationships>",
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet99.xml"/></Relationships>',
      ),
    );
    base.file(
      "[Content_Types].xml",
      types.replace(
        "</Types>",
        '<Override PartName="/xl/worksheets/sheet99.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
      ),
    );
    base.file(
      "xl/worksheets/sheet99.xml",
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B25000"/><sheetData>${rows}</sheetData></worksheet>`,
    );
    const bytes = await base.generateAsync({ type: "uint8array", compression: "DEFLATE" });
    expect(await reason(bytes)).toBeDefined(); // every sheet limited when nothing says which are reviewed
    const snap = await readWorkbook(bytes);
    expect(findSheet(snap, "Egna anteckningar")).toBeDefined();
    const findings = validateSubmission(snap, LATEST_TEMPLATE);
    expect(findings.filter((f) => f.severity === "error").map((f) => f.code)).not.toContain("TOO_MANY_ROWS");
    expect(findings.find((f) => f.code === "SHEET_EXTRA")?.sheet).toBe("Egna anteckningar");
    // The same rows on a template sheet: unreadable.
    const long = await withSheetXml((xml) =>
      xml.replace(
        "</sheetData>",
        `${rows.replace(/(r="[AB]?)(\d+)"/g, (_, p, n) => `${p}${Number(n) + 100}"`)}</sheetData>`,
      ),
    );
    await expect(readWorkbook(long)).rejects.toMatchObject({ code: "TOO_MANY_ROWS" });
  });
});

describe("readEntryStart: the start of a sheet without inflating all of it", () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetPr/><dimension ref="A1:N34000"/><sheetData>${Array.from(
    { length: 5_000 },
    (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="inlineStr"><is><t>Rad ${i + 1} – åäö</t></is></c></row>`,
  ).join("")}</sheetData></worksheet>`;
  const stop = /<(?:\w+:)?(?:dimension\b[^>]*>|sheetData\b)/;

  for (const compression of ["DEFLATE", "STORE"] as const) {
    it(`${compression}: a prefix of the XML that reaches the dimension, far shorter than the sheet`, async () => {
      const zip = new JSZip();
      zip.file("s.xml", xml);
      const loaded = await JSZip.loadAsync(await zip.generateAsync({ type: "uint8array", compression }));
      const head = await readEntryStart(loaded.file("s.xml")!, stop);
      expect(xml.startsWith(head)).toBe(true);
      expect(head).toMatch(/<dimension ref="A1:N34000"\/>/);
      expect(head.length).toBeLessThan(xml.length / 10);
    });
  }

  it("an entry whose stored bytes are not at hand is read through JSZip's stream, with the same result", async () => {
    const zip = new JSZip();
    zip.file("s.xml", xml);
    const loaded = await JSZip.loadAsync(
      await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" }),
    );
    const entry = loaded.file("s.xml")!;
    const fast = await readEntryStart(entry, stop);
    // An unknown method tag makes the fast path step aside; JSZip still inflates with its own worker.
    const data = (entry as unknown as { _data: { compression: Record<string, unknown> } })._data;
    data.compression = { ...data.compression, magic: "??" };
    const streamed = await readEntryStart(entry, stop);
    expect(xml.startsWith(streamed)).toBe(true);
    expect(streamed).toMatch(/<dimension ref="A1:N34000"\/>/);
    expect(streamed.length).toBeLessThan(xml.length / 10);
    expect(fast).toMatch(/<dimension ref="A1:N34000"\/>/);
  });

  it("an entry that never matches is read whole (up to the limit)", async () => {
    const zip = new JSZip();
    zip.file("s.xml", xml);
    const loaded = await JSZip.loadAsync(
      await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" }),
    );
    expect(await readEntryStart(loaded.file("s.xml")!, /will-not-match/, 10_000_000)).toBe(xml);
    const capped = await readEntryStart(loaded.file("s.xml")!, /will-not-match/, 10_000);
    expect(capped.length).toBeGreaterThanOrEqual(10_000);
    expect(xml.startsWith(capped)).toBe(true);
  });

  it("a dimension beyond the limit is checked against the rows that hold something (stored and deflated)", async () => {
    for (const compression of ["DEFLATE", "STORE"] as const) {
      const zip = await JSZip.loadAsync(await writeTemplate(LATEST_TEMPLATE, { created: FIXED_DATE }));
      const part = "xl/worksheets/sheet2.xml";
      const sheet = (await zip.file(part)!.async("string")).replace(
        /<dimension ref="[^"]+"\/>/,
        '<dimension ref="A1:N50000"/>',
      );
      zip.file(part, sheet);
      expect(await reason(await zip.generateAsync({ type: "uint8array", compression }))).toBeUndefined();
      zip.file(
        part,
        sheet.replace("</sheetData>", '<row r="50000"><c r="B50000"><v>1</v></c></row></sheetData>'),
      );
      const e = await reason(await zip.generateAsync({ type: "uint8array", compression }));
      expect(e?.code).toBe("TOO_MANY_ROWS");
      expect(e?.message).toMatch(/”Uppgifter” sträcker sig till (minst )?rad 50\s000/);
    }
  });

  it("corrupt deflated bytes are reported as a damaged sheet, not a crash", async () => {
    const zip = new JSZip();
    zip.file("xl/workbook.xml", '<workbook><sheets><sheet name="Blad1" r:id="rId1"/></sheets></workbook>');
    zip.file(
      "xl/_rels/workbook.xml.rels",
      '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
    );
    zip.file("xl/worksheets/sheet1.xml", xml);
    const bytes = await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
    const loaded = await JSZip.loadAsync(bytes);
    const stored = (
      loaded.file("xl/worksheets/sheet1.xml") as unknown as { _data: { compressedContent: Uint8Array } }
    )._data.compressedContent;
    // Overwrite the start of the sheet's deflate stream with an invalid block type (binary 11).
    const at = findStart(bytes, stored);
    expect(at).toBeGreaterThan(0);
    const broken = bytes.slice();
    broken.set(new Uint8Array(64).fill(0xff), at);
    const e = await reason(broken);
    expect(e?.code).toBe("CORRUPT");
    expect(e?.message).toMatch(/skadat blad \(”Blad1”\)/);
  });
});

/** Offset of `part` inside `whole`. */
function findStart(whole: Uint8Array, part: Uint8Array): number {
  outer: for (let i = 0; i + part.length <= whole.length; i++) {
    for (let j = 0; j < 32; j++) if (whole[i + j] !== part[j]) continue outer;
    return i;
  }
  return -1;
}
