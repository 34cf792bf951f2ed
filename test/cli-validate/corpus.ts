/**
 * The bad-file corpus, generated in a temporary folder (no committed binaries): every kind of
 * file a controller may receive instead of a good submission.
 */
import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { LATEST_TEMPLATE } from "../../src/domain/template/registry";
import { workbookBytes } from "../../src/xlsx/template";
import { exampleValues, filledTemplateBytes, openGeneratedTemplate } from "../xlsx/helpers";
import { setTemplateValues } from "../../src/xlsx/template";

const T = LATEST_TEMPLATE;

/** A minimal OLE2 compound file with the given stream names (what .xls and encrypted .xlsx are). */
export function compoundFile(streams: string[]): Uint8Array {
  const SECTOR = 512;
  const buf = new Uint8Array(SECTOR * 3);
  const v = new DataView(buf.buffer);
  [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1].forEach((b, i) => (buf[i] = b));
  v.setUint16(0x18, 0x3e, true); // minor version
  v.setUint16(0x1a, 3, true); // major version
  v.setUint16(0x1c, 0xfffe, true); // byte order
  v.setUint16(0x1e, 9, true); // sector shift: 512
  v.setUint16(0x20, 6, true); // mini sector shift
  v.setUint32(0x2c, 1, true); // FAT sectors
  v.setUint32(0x30, 1, true); // first directory sector
  v.setUint32(0x38, 4096, true); // mini stream cutoff
  v.setUint32(0x3c, 0xfffffffe, true); // first mini FAT
  v.setUint32(0x44, 0xfffffffe, true); // first DIFAT
  for (let i = 0; i < 109; i++) v.setUint32(0x4c + i * 4, i === 0 ? 0 : 0xffffffff, true);
  // sector 0: FAT
  const fat = SECTOR;
  for (let i = 0; i < 128; i++) v.setUint32(fat + i * 4, 0xffffffff, true);
  v.setUint32(fat, 0xfffffffd, true);
  v.setUint32(fat + 4, 0xfffffffe, true);
  // sector 1: directory (4 entries of 128 bytes)
  const names = ["Root Entry", ...streams].slice(0, 4);
  names.forEach((name, i) => {
    const off = SECTOR * 2 + i * 128;
    for (let c = 0; c < name.length; c++) v.setUint16(off + c * 2, name.charCodeAt(c), true);
    v.setUint16(off + 0x40, (name.length + 1) * 2, true);
    buf[off + 0x42] = i === 0 ? 5 : 2;
  });
  return buf;
}

/** Build an xlsx with ExcelJS from a function that edits a filled, valid submission. */
async function editedSubmission(edit: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = await openGeneratedTemplate();
  setTemplateValues(wb, T, exampleValues("primarvard"));
  edit(wb);
  return workbookBytes(wb);
}

/** Files that cannot be read at all: name -> expected reason code and a word of the reason. */
export const UNREADABLE: Record<string, { code: string; reason: RegExp }> = {
  "tom.xlsx": { code: "EMPTY", reason: /tom \(0 byte\)/ },
  "inte-zip.xlsx": { code: "NOT_ZIP", reason: /inte en Excel-arbetsbok/ },
  "trasig-zip.xlsx": { code: "CORRUPT", reason: /skadad/ },
  "gammal.xlsx": { code: "XLS", reason: /gamla Excel-formatet \(\.xls\)/ },
  "gammal.xls": { code: "XLS", reason: /gamla Excel-formatet/ },
  "losenord.xlsx": { code: "ENCRYPTED", reason: /lösenordsskyddad/ },
  "csv-omdopt.xlsx": { code: "CSV", reason: /textfil \(t\.ex\. CSV\)/ },
  "ods-omdopt.xlsx": { code: "ODS", reason: /OpenDocument-kalkylark \(\.ods\)/ },
  "annan-arbetsbok.xlsx": { code: "NOT_TEMPLATE", reason: /inte skapad från uppföljningsmallen/ },
  "hundra-mb.xlsx": { code: "TOO_LARGE", reason: /filen är 100 MB; högst 50 MB/ },
  "miljon-rader.xlsx": { code: "TOO_MANY_ROWS", reason: /rad 1\s048\s576/ },
};

/** Readable files with content problems: name -> the one finding code that explains it. */
export const DAMAGED: Record<string, { code: string; sheet: string | null; cell: string | null }> = {
  "formelfel.xlsx": { code: "CELL_ERROR", sheet: "Ekonomi", cell: "C5" },
  "trasig-formel.xlsx": { code: "FORMULA_ERROR", sheet: "Resurser", cell: "C18" },
  "sammanfogad.xlsx": { code: "INPUT_MERGED", sheet: "Uppgifter", cell: "C6" },
  "dolt-blad.xlsx": { code: "SHEET_HIDDEN", sheet: "Kvalitet", cell: null },
  "omdopt-blad.xlsx": { code: "SHEET_RENAMED", sheet: "Ekonomi 2025", cell: null },
};

/** Write the corpus (plus one good file, "godkand.xlsx") into `dir`. */
export async function writeCorpus(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const good = await filledTemplateBytes(exampleValues("primarvard"));
  const put = (name: string, bytes: Uint8Array | string) => writeFileSync(path.join(dir, name), bytes);
  put("godkand.xlsx", good);
  put("tom.xlsx", new Uint8Array(0));
  put(
    "inte-zip.xlsx",
    Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0xff,
      0xfe,
    ]),
  );
  put("trasig-zip.xlsx", good.subarray(0, Math.floor(good.length / 2)));
  put("gammal.xlsx", compoundFile(["Workbook", "\u0005SummaryInformation"]));
  put("gammal.xls", compoundFile(["Workbook"]));
  put("losenord.xlsx", compoundFile(["EncryptionInfo", "EncryptedPackage", "\u0006DataSpaces"]));
  put("csv-omdopt.xlsx", "Organisationsnummer;Utförare;Intäkter\n556036-0793;Saab AB;26760000\n");
  const ods = new JSZip();
  ods.file("mimetype", "application/vnd.oasis.opendocument.spreadsheet", { compression: "STORE" });
  ods.file(
    "content.xml",
    '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
  );
  put("ods-omdopt.xlsx", await ods.generateAsync({ type: "uint8array" }));
  const other = new ExcelJS.Workbook();
  other.addWorksheet("Blad1").addRow(["Budget 2025", 1200]);
  put("annan-arbetsbok.xlsx", new Uint8Array(await other.xlsx.writeBuffer()));
  // 100 MB: a valid submission extended to 100 MB with a sparse tail (cheap on disk).
  put("hundra-mb.xlsx", good);
  truncateSync(path.join(dir, "hundra-mb.xlsx"), 100 * 1024 * 1024);
  // A sheet reaching row 1 048 576: its XML declares the dimension and holds that last row.
  const zip = await JSZip.loadAsync(good);
  const vol = "xl/worksheets/sheet3.xml";
  let xml = await zip.file(vol)!.async("string");
  xml = xml
    .replace(/<dimension ref="[^"]+"\/>/, '<dimension ref="A1:O1048576"/>')
    .replace(
      "</sheetData>",
      '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>slut</t></is></c></row></sheetData>',
    );
  zip.file(vol, xml);
  put("miljon-rader.xlsx", await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" }));

  put(
    "formelfel.xlsx",
    await editedSubmission(
      (wb) =>
        (wb.getWorksheet("Ekonomi")!.getCell("C5").value = { error: "#REF!" } as ExcelJS.CellErrorValue),
    ),
  );
  put(
    "trasig-formel.xlsx",
    await editedSubmission(
      (wb) =>
        (wb.getWorksheet("Resurser")!.getCell("C18").value = {
          formula: "SUM(C5:C17)/0",
          result: { error: "#DIV/0!" },
        } as ExcelJS.CellFormulaValue),
    ),
  );
  put("sammanfogad.xlsx", await editedSubmission((wb) => wb.getWorksheet("Uppgifter")!.mergeCells("C6:D6")));
  put("dolt-blad.xlsx", await editedSubmission((wb) => (wb.getWorksheet("Kvalitet")!.state = "hidden")));
  put(
    "omdopt-blad.xlsx",
    await editedSubmission((wb) => (wb.getWorksheet("Ekonomi")!.name = "Ekonomi 2025")),
  );
}
