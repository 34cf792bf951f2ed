/**
 * Cheap checks on a file's bytes before ExcelJS loads it: what kind of file it is (empty, old
 * .xls, password-protected, CSV, ODS, PDF, corrupt zip, ...), and whether it is small enough to
 * load (zip entry sizes from the central directory, each sheet's declared dimension from the
 * first kilobytes of its XML). Nothing here inflates a whole sheet.
 *
 * Browser-safe: works on Uint8Array only (no Node APIs), so the task pane can use it too.
 */
import { Inflate } from "fflate";
import JSZip from "jszip";
import { formatNumber } from "../domain/format";
import { MAX_ROWS } from "../domain/snapshot";

/** Why a file cannot be read as a workbook. Stable codes (used in `uppf validate --json`). */
export type UnreadableCode =
  | "EMPTY"
  | "TOO_LARGE"
  | "XLS"
  | "ENCRYPTED"
  | "OLE_OTHER"
  | "CSV"
  | "HTML"
  | "PDF"
  | "ODS"
  | "XLSB"
  | "NOT_XLSX"
  | "NOT_ZIP"
  | "CORRUPT"
  | "ZIP_TOO_LARGE"
  | "TOO_MANY_ROWS"
  | "TOO_MANY_COLUMNS"
  | "NOT_TEMPLATE"
  | "READ_FAILED";

/** A workbook that cannot be read, with a one-line Swedish reason. */
export class UnreadableWorkbookError extends Error {
  constructor(
    readonly code: UnreadableCode,
    message: string,
  ) {
    super(message);
    this.name = "UnreadableWorkbookError";
  }
}

/**
 * Size limits. A filled-in template is about 50 kB; these leave a wide margin. The row and
 * column limits apply to the sheets that are reviewed (see {@link ProbeOptions}); a sheet of the
 * provider's own is only held to the byte limits.
 */
export interface ReadLimits {
  /** Largest file accepted (bytes). Default 50 MB. */
  maxFileBytes: number;
  /** Largest total uncompressed size of the zip (bytes). Default 200 MB. */
  maxUncompressedBytes: number;
  /** Largest uncompressed size of one sheet's XML (bytes). Default 50 MB. */
  maxSheetXmlBytes: number;
  /** Most rows a sheet may declare (its dimension). Default 10 000. */
  maxRows: number;
  /** Most columns a sheet may declare. Default 500. */
  maxColumns: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxSheetXmlBytes: 50 * 1024 * 1024,
  maxRows: 10_000,
  maxColumns: 500,
};

const SAVE_AS = "öppna den i Excel och spara den som Excel-arbetsbok (.xlsx)";

/** Swedish size text: 104 857 600 -> "100 MB". */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${formatNumber(bytes / (1024 * 1024), { maxDecimals: 1 })} MB`;
  if (bytes >= 1024) return `${formatNumber(bytes / 1024, { maxDecimals: 0 })} kB`;
  return `${bytes} byte`;
}

/** The reason for a file that is larger than the limit (checked from the file size alone). */
export function tooLargeError(bytes: number, limits: ReadLimits = DEFAULT_LIMITS): UnreadableWorkbookError {
  return new UnreadableWorkbookError(
    "TOO_LARGE",
    `filen är ${sizeText(bytes)}; högst ${sizeText(limits.maxFileBytes)} godtas (en ifylld mall är normalt under 1 MB)`,
  );
}

/** The reason for an empty file. */
export function emptyFileError(): UnreadableWorkbookError {
  return new UnreadableWorkbookError("EMPTY", "filen är tom (0 byte)");
}

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  return bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
}

const OLE_SIG = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_SIG = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY_SIG = [0x50, 0x4b, 0x05, 0x06];

/** Directory entry names of an OLE2 compound file (Excel 97–2003, or an encrypted OOXML package). */
export function compoundFileEntryNames(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 512) return [];
  const sectorShift = view.getUint16(0x1e, true);
  if (sectorShift < 7 || sectorShift > 16) return [];
  const sectorSize = 1 << sectorShift;
  const numFatSectors = view.getUint32(0x2c, true);
  const firstDirSector = view.getUint32(0x30, true);
  const sectorOffset = (s: number) => (s + 1) * sectorSize;
  // FAT sector numbers: the first 109 are in the header (DIFAT); enough for files up to ~7 MB.
  const fatSectors: number[] = [];
  for (let i = 0; i < Math.min(numFatSectors, 109); i++) fatSectors.push(view.getUint32(0x4c + i * 4, true));
  const perSector = sectorSize / 4;
  const next = (s: number): number => {
    const fs = fatSectors[Math.floor(s / perSector)];
    if (fs === undefined) return 0xfffffffe;
    const off = sectorOffset(fs) + (s % perSector) * 4;
    return off + 4 <= bytes.length ? view.getUint32(off, true) : 0xfffffffe;
  };
  const names: string[] = [];
  let s = firstDirSector;
  for (let guard = 0; s < 0xfffffffa && guard < 1000; guard++) {
    const base = sectorOffset(s);
    if (base + sectorSize > bytes.length) break;
    for (let e = 0; e < sectorSize / 128; e++) {
      const off = base + e * 128;
      const len = view.getUint16(off + 0x40, true);
      if (len < 2 || len > 64) continue;
      let name = "";
      for (let i = 0; i < len / 2 - 1; i++) name += String.fromCharCode(view.getUint16(off + i * 2, true));
      names.push(name);
    }
    s = next(s);
  }
  return names;
}

/** Scan for a UTF-16LE string (fallback when the compound file's directory cannot be walked). */
function containsUtf16(bytes: Uint8Array, text: string): boolean {
  const pattern: number[] = [];
  for (const ch of text) pattern.push(ch.charCodeAt(0) & 0xff, ch.charCodeAt(0) >> 8);
  outer: for (let i = 0; i + pattern.length <= bytes.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return true;
  }
  return false;
}

function classifyOle(bytes: Uint8Array): UnreadableWorkbookError {
  const names = compoundFileEntryNames(bytes).map((n) => n.toLowerCase());
  const has = (n: string) =>
    names.includes(n.toLowerCase()) || (names.length === 0 && containsUtf16(bytes, n));
  if (has("EncryptedPackage") || has("EncryptionInfo")) {
    return new UnreadableWorkbookError(
      "ENCRYPTED",
      "arbetsboken är lösenordsskyddad; ta bort lösenordet (Arkiv > Info > Skydda arbetsbok > Kryptera med lösenord) och skicka den igen",
    );
  }
  if (has("Workbook") || has("Book")) {
    return new UnreadableWorkbookError("XLS", `filen är i det gamla Excel-formatet (.xls); ${SAVE_AS}`);
  }
  return new UnreadableWorkbookError(
    "OLE_OTHER",
    `filen är ett äldre Office-dokument, inte en Excel-arbetsbok; ${SAVE_AS}`,
  );
}

function classifyNonZip(bytes: Uint8Array): UnreadableWorkbookError {
  const head = bytes.subarray(0, 4096);
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46])) {
    return new UnreadableWorkbookError(
      "PDF",
      "filen är en PDF, inte en Excel-arbetsbok; skicka den ifyllda mallen (.xlsx)",
    );
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head).replace(/^\uFEFF/, "");
  const printable =
    head.length > 0 &&
    !head.includes(0) &&
    [...text].filter((c) => c === "\uFFFD").length <= head.length / 50;
  if (printable) {
    if (/^\s*<(!doctype html|html|\?xml[^>]*>\s*<html)/i.test(text) || /<table[\s>]/i.test(text)) {
      return new UnreadableWorkbookError(
        "HTML",
        `filen är en webbsida (HTML) med fel filändelse, inte en Excel-arbetsbok; ${SAVE_AS}`,
      );
    }
    return new UnreadableWorkbookError(
      "CSV",
      `filen är en textfil (t.ex. CSV), inte en Excel-arbetsbok; fyll i mallen och spara den som .xlsx`,
    );
  }
  return new UnreadableWorkbookError(
    "NOT_ZIP",
    "filen är inte en Excel-arbetsbok (.xlsx): innehållet är varken zip-arkiv eller känt kalkylbladsformat",
  );
}

function corrupt(detail?: string): UnreadableWorkbookError {
  return new UnreadableWorkbookError(
    "CORRUPT",
    `filen är skadad (zip-arkivet${detail ? ` ${detail}` : " går inte att läsa"}); be om en ny kopia av filen`,
  );
}

/** One zip entry's uncompressed size, from the central directory (JSZip keeps it on `_data`). */
function uncompressedSize(entry: JSZip.JSZipObject): number | undefined {
  const data = (entry as unknown as { _data?: { uncompressedSize?: unknown } })._data;
  return typeof data?.uncompressedSize === "number" ? data.uncompressedSize : undefined;
}

interface JSZipStreamHelper {
  on(event: "data", cb: (chunk: string) => void): JSZipStreamHelper;
  on(event: "error", cb: (e: Error) => void): JSZipStreamHelper;
  on(event: "end", cb: () => void): JSZipStreamHelper;
  resume(): JSZipStreamHelper;
  pause(): JSZipStreamHelper;
}

/** An entry's stored bytes and method, from JSZip's parsed central directory (its `_data`). */
function storedContent(entry: JSZip.JSZipObject): { deflated: boolean; bytes: Uint8Array } | undefined {
  const data = (
    entry as unknown as { _data?: { compression?: { magic?: unknown }; compressedContent?: unknown } }
  )._data;
  const bytes = data?.compressedContent;
  if (!(bytes instanceof Uint8Array)) return undefined;
  const magic = data?.compression?.magic;
  if (magic === "\x08\x00") return { deflated: true, bytes };
  if (magic === "\x00\x00") return { deflated: false, bytes };
  return undefined;
}

/** Compressed bytes inflated per step at most (so a scan stops close to where it has enough). */
const MAX_STEP = 16 * 1024;
/** A big sheet gives the event loop a turn after this many compressed bytes. */
const YIELD_EVERY = 1024 * 1024;

/**
 * Feed a zip entry's text to `take`, chunk by chunk, until `take` returns true (enough) or the
 * entry ends, never holding all of it. The stored bytes are inflated synchronously with fflate,
 * 512 bytes first and doubling (a sheet's dimension is in its first kilobyte), about ten times
 * cheaper per sheet than JSZip's stream, which hands every chunk on asynchronously; that stream
 * is the fallback when the bytes are not at hand. Corrupt data rejects.
 */
async function readEntryText(entry: JSZip.JSZipObject, take: (text: string) => boolean): Promise<void> {
  const stored = storedContent(entry);
  if (!stored) return streamEntryText(entry, take);
  const { bytes } = stored;
  const decoder = new TextDecoder("utf-8");
  let done = false;
  const onData = (chunk: Uint8Array, final: boolean) => {
    if (!done && take(decoder.decode(chunk, { stream: !final }))) done = true;
  };
  const inflate = stored.deflated ? new Inflate(onData) : undefined;
  if (bytes.length === 0) onData(new Uint8Array(0), true);
  let yieldAt = YIELD_EVERY;
  for (let at = 0, step = 512; at < bytes.length && !done; at += step, step = Math.min(step * 2, MAX_STEP)) {
    if (at >= yieldAt) {
      yieldAt += YIELD_EVERY;
      await new Promise((r) => setTimeout(r, 0)); // a big sheet: let the task pane's UI breathe
    }
    const end = Math.min(at + step, bytes.length);
    if (inflate) inflate.push(bytes.subarray(at, end), end === bytes.length);
    else onData(bytes.subarray(at, end), end === bytes.length);
  }
}

interface JSZipStreamHelper {
  on(event: "data", cb: (chunk: string) => void): JSZipStreamHelper;
  on(event: "error", cb: (e: Error) => void): JSZipStreamHelper;
  on(event: "end", cb: () => void): JSZipStreamHelper;
  resume(): JSZipStreamHelper;
  pause(): JSZipStreamHelper;
}

/** {@link readEntryText} through JSZip's own stream. */
function streamEntryText(entry: JSZip.JSZipObject, take: (text: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    // internalStream is public JSZip API (documented) but missing from its type declarations.
    const stream = (entry as unknown as { internalStream(type: "string"): JSZipStreamHelper }).internalStream(
      "string",
    );
    const finish = () => {
      if (done) return;
      done = true;
      stream.pause();
      resolve();
    };
    stream
      .on("data", (chunk: string) => {
        if (!done && take(chunk)) finish();
      })
      .on("error", (e: Error) => {
        if (!done) {
          done = true;
          reject(e);
        }
      })
      .on("end", finish)
      .resume();
  });
}

/** The start of a zip entry as text, until `stop` matches (or `maxChars`, or its end). */
export async function readEntryStart(
  entry: JSZip.JSZipObject,
  stop: RegExp,
  maxChars = 256 * 1024,
): Promise<string> {
  let text = "";
  await readEntryText(entry, (chunk) => {
    text += chunk;
    return stop.test(text) || text.length >= maxChars;
  });
  return text;
}

/** A whole `<row>` element (self-closing or with its cells), and its `r` attribute. */
const ROW_ELEMENT = /<(?:\w+:)?row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?row>)/g;
/** A value, inline string or formula inside a row's cells: the row holds something. */
const ROW_CONTENT = /<(?:\w+:)?(?:v|is|f)[\s>/]/;

/**
 * The highest row that holds a value, an inline string or a formula in a sheet's XML, read
 * chunk by chunk, stopping as soon as it passes `stopAbove`. Rows that only carry formatting do
 * not count: LibreOffice writes an empty formatted row 1 048 576 (and a dimension to match)
 * after a row has been deleted, and Excel keeps formatted empty rows below the data.
 */
export async function scanMaxRow(entry: JSZip.JSZipObject, stopAbove: number): Promise<number> {
  let max = 0;
  let current = 0;
  let tail = "";
  await readEntryText(entry, (chunk) => {
    const text = tail + chunk;
    let end = 0;
    ROW_ELEMENT.lastIndex = 0;
    for (let m = ROW_ELEMENT.exec(text); m !== null; m = ROW_ELEMENT.exec(text)) {
      const r = /\br="(\d+)"/.exec(m[1]);
      // A row without r="" is the one after the previous row (ECMA-376 18.3.1.73).
      current = r ? Number(r[1]) : current + 1;
      if (m[2] !== undefined && ROW_CONTENT.test(m[2])) max = Math.max(max, current);
      end = ROW_ELEMENT.lastIndex;
    }
    tail = text.slice(end);
    return max > stopAbove;
  });
  return max;
}

/** Sheets larger than this (uncompressed) are scanned row by row, whatever their dimension says. */
const SCAN_ROWS_ABOVE_BYTES = 2 * 1024 * 1024;

/** Column letters of an A1 address -> 1-based column number. */
function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** Last row and column a sheet's `<dimension ref="A1:D40"/>` declares, or undefined. */
export function parseDimension(xmlHead: string): { rows: number; cols: number } | undefined {
  const m = /<(?:\w+:)?dimension\b[^>]*\bref="([^"]+)"/.exec(xmlHead);
  if (!m) return undefined;
  const last = m[1].split(":").pop()!;
  const a = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(last);
  if (!a) return undefined;
  return { rows: Number(a[2]), cols: colNumber(a[1]) };
}

/** Sheet names by their XML part path (xl/worksheets/sheet1.xml -> "Uppgifter"). */
async function sheetParts(zip: JSZip): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wbXml = await zip.file("xl/workbook.xml")?.async("string");
  const relsXml = await zip.file("xl/_rels/workbook.xml.rels")?.async("string");
  if (!wbXml || !relsXml) return out;
  const targets = new Map<string, string>();
  for (const m of relsXml.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]+)"/.exec(m[0])?.[1];
    const target = /\bTarget="([^"]+)"/.exec(m[0])?.[1];
    if (id && target)
      targets.set(id, target.startsWith("/") ? target.slice(1) : `xl/${target.replace(/^\.\//, "")}`);
  }
  for (const m of wbXml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[0])?.[1];
    const rid = /\br:id="([^"]+)"/.exec(m[0])?.[1] ?? /\b\w+:id="([^"]+)"/.exec(m[0])?.[1];
    const target = rid ? targets.get(rid) : undefined;
    if (name !== undefined && target) out.set(target, decodeXml(name));
  }
  return out;
}

/** Options for {@link probeWorkbook}. */
export interface ProbeOptions {
  /**
   * The sheets that are reviewed (case-insensitive names); the row and column limits apply to
   * these only. Absent: to every sheet.
   */
  reviewedSheets?: readonly string[];
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/**
 * Check that the bytes are a readable .xlsx within the limits. Throws
 * {@link UnreadableWorkbookError} with a one-line Swedish reason otherwise.
 */
export async function probeWorkbook(
  bytes: Uint8Array,
  limits: ReadLimits = DEFAULT_LIMITS,
  options: ProbeOptions = {},
): Promise<void> {
  const reviewed = options.reviewedSheets
    ? new Set(options.reviewedSheets.map((n) => n.toLocaleLowerCase("sv-SE")))
    : undefined;
  if (bytes.length === 0) throw emptyFileError();
  if (bytes.length > limits.maxFileBytes) throw tooLargeError(bytes.length, limits);
  if (startsWith(bytes, OLE_SIG)) throw classifyOle(bytes);
  if (startsWith(bytes, ZIP_EMPTY_SIG)) throw corrupt("är tomt");
  if (!startsWith(bytes, ZIP_SIG)) throw classifyNonZip(bytes);
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch {
    throw corrupt();
  }
  const mimetype = zip.file("mimetype");
  if (mimetype) {
    const mt = (await mimetype.async("string").catch(() => "")).trim();
    if (mt.includes("opendocument.spreadsheet")) {
      throw new UnreadableWorkbookError(
        "ODS",
        `filen är ett OpenDocument-kalkylark (.ods) med fel filändelse; ${SAVE_AS}`,
      );
    }
    if (mt.includes("opendocument")) {
      throw new UnreadableWorkbookError(
        "NOT_XLSX",
        "filen är ett OpenDocument-dokument, inte en Excel-arbetsbok (.xlsx)",
      );
    }
  }
  if (!zip.file("xl/workbook.xml")) {
    if (zip.file("xl/workbook.bin")) {
      throw new UnreadableWorkbookError("XLSB", `filen är en binär Excel-arbetsbok (.xlsb); ${SAVE_AS}`);
    }
    if (zip.file("word/document.xml")) {
      throw new UnreadableWorkbookError(
        "NOT_XLSX",
        "filen är ett Word-dokument, inte en Excel-arbetsbok (.xlsx)",
      );
    }
    throw new UnreadableWorkbookError(
      "NOT_XLSX",
      "filen är ett zip-arkiv men ingen Excel-arbetsbok (xl/workbook.xml saknas)",
    );
  }
  let total = 0;
  for (const entry of Object.values(zip.files)) total += uncompressedSize(entry) ?? 0;
  if (total > limits.maxUncompressedBytes) {
    throw new UnreadableWorkbookError(
      "ZIP_TOO_LARGE",
      `arbetsboken packas upp till ${sizeText(total)}; högst ${sizeText(limits.maxUncompressedBytes)} godtas`,
    );
  }
  let names: Map<string, string>;
  try {
    names = await sheetParts(zip);
  } catch {
    throw corrupt("har en skadad arbetsboksdel");
  }
  for (const [path, name] of names) {
    const entry = zip.file(path);
    if (!entry) continue;
    const size = uncompressedSize(entry) ?? 0;
    if (size > limits.maxSheetXmlBytes) {
      throw new UnreadableWorkbookError(
        "TOO_MANY_ROWS",
        `bladet ”${name}” är för stort (${sizeText(size)} okomprimerat); ta bort överflödiga rader och spara igen`,
      );
    }
    // A sheet that is not reviewed (the provider's own) is held to the byte limits only.
    if (reviewed && !reviewed.has(name.toLocaleLowerCase("sv-SE"))) continue;
    let head: string;
    try {
      head = await readEntryStart(entry, /<(?:\w+:)?(?:dimension\b[^>]*>|sheetData\b)/);
    } catch {
      throw corrupt(`har ett skadat blad (”${name}”)`);
    }
    const dim = parseDimension(head);
    let rows = dim?.rows ?? 0;
    let atLeast = false;
    if (!dim || rows > limits.maxRows || size > SCAN_ROWS_ABOVE_BYTES) {
      // No dimension, one beyond the limit (LibreOffice declares every row of a sheet whose last
      // row is formatted), or a sheet far bigger than a filled-in template: count the rows that
      // hold something.
      try {
        rows = await scanMaxRow(entry, limits.maxRows);
        atLeast = rows > limits.maxRows && rows < MAX_ROWS;
      } catch {
        throw corrupt(`har ett skadat blad (”${name}”)`);
      }
    }
    if (rows > limits.maxRows) {
      const all = rows >= MAX_ROWS ? " (alla rader i bladet)" : "";
      throw new UnreadableWorkbookError(
        "TOO_MANY_ROWS",
        `bladet ”${name}” sträcker sig till ${atLeast ? "minst " : ""}rad ${formatNumber(rows)}${all}; högst ${formatNumber(limits.maxRows)} rader godtas. Ta bort överflödiga rader och spara igen`,
      );
    }
    if (dim && dim.cols > limits.maxColumns) {
      throw new UnreadableWorkbookError(
        "TOO_MANY_COLUMNS",
        `bladet ”${name}” sträcker sig till kolumn ${formatNumber(dim.cols)}; högst ${formatNumber(limits.maxColumns)} kolumner godtas`,
      );
    }
  }
}
