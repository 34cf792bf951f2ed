/**
 * The template workbook providers fill in, generated with ExcelJS entirely from a
 * {@link TemplateDefinition}: sheets, labels, units and help text, input cells (unlocked,
 * yellow, with Excel data validation and Swedish prompts), computed cells (the definition's
 * formulas, grey, locked), sv-SE number formats, protected sheets (no password), the stamp
 * (a defined name pointing at a very hidden meta sheet with the field manifest), and an
 * Instruktioner sheet in front.
 *
 * Browser-safe (no Node APIs): returns bytes; writing them to disk is the CLI's business.
 */
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { a1ToPosition, quoteSheetName, type CellValue, type SnapshotValue } from "../domain/snapshot";
import { appliesToArea, codeLabel, computeCells, metaSheet } from "../domain/template/values";
import {
  FMT_DATE,
  FMT_DECIMAL,
  FMT_DECIMAL_INPUT,
  FMT_INTEGER,
  FMT_KR,
  FMT_PERCENT,
  FMT_PLAIN_INTEGER,
  FMT_TEXT,
} from "../domain/template/formats";
import { helpFor, introFor } from "../domain/template/help";
import { validationPlan } from "../domain/validate/plan";
import {
  templateStamp,
  type AreaCode,
  type ComputedCell,
  type InputField,
  type TemplateDefinition,
} from "../domain/template/types";
import { errorFor, INSTRUCTIONS_SHEET, instructionLines, isPlainNumber, promptFor } from "./text";

/** Options for {@link buildTemplateWorkbook}. */
export interface TemplateWorkbookOptions {
  /** Prepare for one verksamhetsområde: preselect it and hide rows that do not apply. */
  area?: AreaCode;
  /** Input values by field key, as they stand in cells (labels for code lists, fractions for %, serials for dates). */
  values?: Record<string, CellValue>;
  /** Last day to hand in (shown in the instructions). */
  deadline?: string;
  /** Who to contact (shown in the instructions). */
  contact?: string;
  /** Creation time (default now); fixed in tests for reproducible files. */
  created?: Date;
}

/** Colours (ARGB). */
export const COLORS = {
  input: "FFFFF2CC",
  inputBorder: "FFBF9000",
  computed: "FFEDEDED",
  header: "FFD9E1F2",
  section: "FF1F4E79",
  help: "FF595959",
  title: "FF1F4E79",
} as const;

/** A font with an explicit name (without one, LibreOffice falls back to a serif face). */
const font = (f: Partial<ExcelJS.Font> = {}): Partial<ExcelJS.Font> => ({ name: "Calibri", size: 11, ...f });

const thin = (argb: string): Partial<ExcelJS.Border> => ({ style: "thin", color: { argb } });

/**
 * Number format for an input field (written in the file's invariant syntax; Excel shows it the
 * sv-SE way). See ../domain/template/formats.ts for why no format has a bare space.
 */
export function inputNumFmt(f: InputField, template: TemplateDefinition): string {
  switch (f.type) {
    case "integer":
      return isPlainNumber(f, template) ? FMT_PLAIN_INTEGER : FMT_INTEGER;
    case "decimal":
      return FMT_DECIMAL_INPUT;
    case "percent":
      return FMT_PERCENT;
    case "amount":
      return FMT_KR;
    case "date":
      return FMT_DATE;
    default:
      return FMT_TEXT;
  }
}

/** Number format for a computed cell. */
export function computedNumFmt(c: ComputedCell): string {
  switch (c.format) {
    case "integer":
      return FMT_INTEGER;
    case "decimal":
      return FMT_DECIMAL;
    case "percent":
      return FMT_PERCENT;
    case "amount":
      return FMT_KR;
  }
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const serialDate = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

/** True when a code list fits inline in a list validation (≤ 255 characters, no commas or quotes). */
export function inlineListOk(labels: readonly string[]): boolean {
  return labels.join(",").length <= 255 && labels.every((l) => !l.includes(",") && !l.includes('"'));
}

/**
 * Code lists that cannot be written inline go on the meta sheet, one column per list from
 * column E (A–C hold the stamp and manifest); the validation refers to that range.
 */
export function codeListRanges(
  template: TemplateDefinition,
): Map<string, { col: number; ref: string; labels: string[] }> {
  const out = new Map<string, { col: number; ref: string; labels: string[] }>();
  let col = 5;
  for (const [id, list] of Object.entries(template.codeLists)) {
    const labels = list.options.map((o) => o.label);
    if (inlineListOk(labels)) continue;
    const letter = String.fromCharCode(64 + col);
    out.set(id, {
      col,
      ref: `${quoteSheetName(template.stamp.metaSheet)}!$${letter}$2:$${letter}$${labels.length + 1}`,
      labels,
    });
    col++;
  }
  return out;
}

/** Excel data validation for an input field. */
export function dataValidationFor(
  f: InputField,
  template: TemplateDefinition,
  required: boolean,
  listRef?: string,
  area?: AreaCode,
): ExcelJS.DataValidation {
  const prompt = promptFor(f, template, required, area);
  const error = errorFor(f, template);
  const common = {
    allowBlank: true,
    showInputMessage: true,
    showErrorMessage: true,
    promptTitle: prompt.title,
    prompt: prompt.text,
    errorTitle: error.title,
    error: error.text,
    errorStyle: "stop",
  };
  const bounds = (): Pick<ExcelJS.DataValidation, "operator" | "formulae"> => {
    if (f.min !== undefined && f.max !== undefined) return { operator: "between", formulae: [f.min, f.max] };
    if (f.min !== undefined) return { operator: "greaterThanOrEqual", formulae: [f.min] };
    if (f.max !== undefined) return { operator: "lessThanOrEqual", formulae: [f.max] };
    return { operator: "between", formulae: [-1e15, 1e15] };
  };
  switch (f.type) {
    case "integer":
      return { type: "whole", ...bounds(), ...common };
    case "decimal":
    case "percent":
    case "amount":
      return { type: "decimal", ...bounds(), ...common };
    case "date":
      return {
        type: "date",
        operator: "between",
        formulae: [serialDate(1990, 1, 1), serialDate(2100, 1, 1)],
        ...common,
      };
    case "code": {
      const list = template.codeLists[f.codeList ?? ""];
      const labels = list ? list.options.map((o) => o.label) : [];
      const inline = `"${labels.join(",")}"`;
      const formula = listRef ?? inline;
      return { type: "list", formulae: [formula], ...common };
    }
    case "orgnr":
      return { type: "textLength", operator: "between", formulae: [10, 11], ...common };
    case "text":
      return { type: "textLength", operator: "lessThanOrEqual", formulae: [f.maxLength ?? 32767], ...common };
  }
}

/** A cell value for ExcelJS from a snapshot/field value (dates as Date so ExcelJS keeps the format). */
function excelValue(f: InputField | undefined, v: CellValue | undefined): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (f?.type === "date" && typeof v === "number")
    return new Date(EXCEL_EPOCH_MS + Math.round(v * 86_400_000));
  return v;
}

function formulaResult(v: SnapshotValue | undefined): ExcelJS.CellFormulaValue["result"] {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "object") return { error: v.code as ExcelJS.CellErrorValue["error"] };
  return v as number | string | boolean;
}

/** Rough row height (points) for wrapped text in a column of `width` characters. */
function wrappedHeight(text: string, width: number, fontSize = 11, base = 15): number {
  const perLine = Math.max(10, Math.floor((width * 1.2 * 11) / fontSize));
  const lines = text.split("\n").reduce((n, part) => n + Math.max(1, Math.ceil(part.length / perLine)), 0);
  return Math.max(base, Math.ceil(lines * fontSize * 1.3 + 3));
}

/**
 * Column widths: the definition's suggestion, widened where the content needs it (text inputs
 * such as names and e-mail addresses, units like "NNNNNN-NNNN").
 */
export function columnWidthsFor(template: TemplateDefinition, sheet: string): Record<string, number> {
  const def = template.sheets.find((s) => s.name === sheet);
  const widths: Record<string, number> = { ...(def?.columnWidths ?? {}) };
  const widen = (col: string, w: number) => (widths[col] = Math.max(widths[col] ?? 9, w));
  for (const f of template.fields.filter((x) => x.sheet === sheet)) {
    const col = f.cell.replace(/\d+$/, "");
    if (f.type === "text" || f.type === "code") widen(col, 34);
    if (f.type === "orgnr" || f.type === "date") widen(col, 14);
    if (f.unit) widen("B", f.unit.length + 3);
  }
  for (const c of template.computed.filter((x) => x.sheet === sheet))
    if (c.unit) widen("B", c.unit.length + 3);
  return widths;
}

/** Everything placed on a row of a template sheet, to decide which rows an area hides. */
interface RowItems {
  items: { appliesTo?: AreaCode[]; optionalElsewhere?: boolean }[];
}

/** Rows (1-based) a template prepared for `area` hides: the other areas' rows and their headings. */
export function hiddenRows(
  template: TemplateDefinition,
  sheet: string,
  area: AreaCode | undefined,
): Set<number> {
  const hidden = new Set<number>();
  if (!area) return hidden;
  const byRow = new Map<number, RowItems>();
  const add = (cell: string, item: RowItems["items"][number]) => {
    const r = a1ToPosition(cell).row + 1;
    if (!byRow.has(r)) byRow.set(r, { items: [] });
    byRow.get(r)!.items.push(item);
  };
  for (const f of template.fields) if (f.sheet === sheet) add(f.cell, f);
  for (const c of template.computed) if (c.sheet === sheet) add(c.cell, c);
  for (const [row, { items }] of byRow) {
    if (items.every((i) => !appliesToArea(i, area) && !i.optionalElsewhere)) hidden.add(row);
  }
  // A section heading is hidden when every item row below it (up to the next heading) is hidden.
  const def = template.sheets.find((s) => s.name === sheet);
  const headings = Object.keys(def?.sections ?? {})
    .map((a1) => a1ToPosition(a1).row + 1)
    .sort((a, b) => a - b);
  // The title, intro and column headings above the first data row always stay visible.
  const headerRow = Math.max(0, ...Object.keys(def?.headers ?? {}).map((a1) => a1ToPosition(a1).row + 1));
  const headingRows = new Set(headings);
  headings.forEach((h, i) => {
    const end = headings[i + 1] ?? Number.MAX_SAFE_INTEGER;
    const rows = [...byRow.keys()].filter((r) => r > h && r < end);
    if (rows.length > 0 && rows.every((r) => hidden.has(r))) {
      hidden.add(h);
      // The blank spacer row a section leaves above its heading goes with it.
      const spacer = h - 1;
      if (spacer > headerRow && !byRow.has(spacer) && !headingRows.has(spacer)) hidden.add(spacer);
    }
  });
  return hidden;
}

function protect(ws: ExcelJS.Worksheet): Promise<void> {
  return ws.protect("", {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatCells: false,
    formatRows: false,
    insertRows: false,
    deleteRows: false,
    insertColumns: false,
    deleteColumns: false,
    sort: false,
    autoFilter: false,
  });
}

function addInstructions(
  wb: ExcelJS.Workbook,
  template: TemplateDefinition,
  o: TemplateWorkbookOptions,
  created: string,
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(INSTRUCTIONS_SHEET, {
    properties: { tabColor: { argb: COLORS.title } },
    pageSetup: { orientation: "portrait", fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 },
    views: [{ showGridLines: false }],
  });
  ws.getColumn(1).width = 4;
  ws.getColumn(2).width = 110;
  const areaLabel = o.area
    ? codeLabel(template, template.fields.find((f) => f.key === template.roles.area)?.codeList ?? "", o.area)
    : undefined;
  let r = 1;
  for (const line of instructionLines(template, {
    areaLabel,
    area: o.area,
    deadline: o.deadline,
    contact: o.contact,
    created,
  })) {
    if (line.kind === "heading") r++;
    const row = ws.getRow(r);
    if (line.kind === "legend-input" || line.kind === "legend-computed") {
      const swatch = row.getCell(1);
      swatch.fill = {
        type: "pattern",
        pattern: "solid",
        fgColor: { argb: line.kind === "legend-input" ? COLORS.input : COLORS.computed },
      };
      swatch.border = {
        top: thin("FFA6A6A6"),
        bottom: thin("FFA6A6A6"),
        left: thin("FFA6A6A6"),
        right: thin("FFA6A6A6"),
      };
    }
    const cell = row.getCell(2);
    cell.value = line.text;
    if (line.kind === "title") {
      cell.font = font({ bold: true, size: 16, color: { argb: COLORS.title } });
      row.height = 24;
    } else if (line.kind === "heading") {
      cell.font = font({ bold: true, size: 12, color: { argb: COLORS.section } });
      row.height = 18;
    } else {
      cell.alignment = { wrapText: true, vertical: "top" };
      row.height = wrappedHeight(line.text, 110);
      cell.font = font();
    }
    r++;
  }
  return ws;
}

function labelFor(template: TemplateDefinition, item: InputField | ComputedCell): string {
  if (item.series) return template.series.find((s) => s.key === item.series)?.label ?? item.label;
  return item.label;
}

/**
 * Build the template as an ExcelJS workbook (protection is applied; call
 * {@link templateWorkbookBytes} or {@link writeTemplate} to get the file).
 */
export async function buildTemplateWorkbook(
  template: TemplateDefinition,
  options: TemplateWorkbookOptions = {},
): Promise<ExcelJS.Workbook> {
  const created = options.created ?? new Date();
  const createdIso = created.toISOString().slice(0, 10);
  const wb = new ExcelJS.Workbook();
  wb.creator = "Uppföljning";
  wb.created = created;
  wb.modified = created;
  wb.title = template.title;
  wb.calcProperties.fullCalcOnLoad = true;

  const values: Record<string, CellValue> = { ...(options.values ?? {}) };
  const areaField = template.fields.find((f) => f.key === template.roles.area);
  if (options.area && areaField && (values[areaField.key] === undefined || values[areaField.key] === null)) {
    values[areaField.key] = codeLabel(template, areaField.codeList ?? "", options.area) ?? null;
  }

  const instructions = addInstructions(wb, template, options, createdIso);
  await protect(instructions);

  const sheets = new Map<string, ExcelJS.Worksheet>();
  for (const def of template.sheets) {
    const ws = wb.addWorksheet(def.name, {
      pageSetup: { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 },
      views: [{ state: "frozen", xSplit: 0, ySplit: 4, showGridLines: false }],
    });
    sheets.set(def.name, ws);
    for (const [col, width] of Object.entries(columnWidthsFor(template, def.name)))
      ws.getColumn(col).width = width;
    const title = ws.getCell("A1");
    title.value = def.title;
    title.font = font({ bold: true, size: 14, color: { argb: COLORS.title } });
    ws.getRow(1).height = 22;
    const intro = ws.getCell("A2");
    intro.value = introFor(def, options.area);
    intro.font = font({ italic: true, color: { argb: COLORS.help } });
    for (const [a1, text] of Object.entries(def.headers)) {
      const c = ws.getCell(a1);
      c.value = text;
      c.font = font({ bold: true });
      c.fill = { type: "pattern", pattern: "solid", fgColor: { argb: COLORS.header } };
      c.border = { bottom: thin("FF8EA9DB") };
      c.alignment = {
        vertical: "middle",
        horizontal: a1ToPosition(a1).col >= 2 && def.name === template.series[0]?.sheet ? "center" : "left",
      };
    }
    // Fill the header band across every used column so it reads as one bar.
    const headerRow = Object.keys(def.headers).map((a) => a1ToPosition(a).row + 1)[0] ?? 4;
    const lastCol = Math.max(...Object.keys(def.columnWidths).map((c) => a1ToPosition(`${c}1`).col + 1));
    for (let col = 1; col <= lastCol; col++) {
      const c = ws.getRow(headerRow).getCell(col);
      if (!c.fill || (c.fill as ExcelJS.FillPattern).pattern !== "solid") {
        c.fill = { type: "pattern", pattern: "solid", fgColor: { argb: COLORS.header } };
        c.border = { bottom: thin("FF8EA9DB") };
      }
    }
    ws.getRow(headerRow).height = 18;
    for (const [a1, text] of Object.entries(def.sections)) {
      const c = ws.getCell(a1);
      c.value = text;
      c.font = font({ bold: true, size: 12, color: { argb: COLORS.section } });
      ws.getRow(a1ToPosition(a1).row + 1).height = 20;
    }
  }

  const area = options.area;
  const required = (f: InputField) => f.required && (area ? appliesToArea(f, area) : true);
  const labelled = new Set<string>();
  const listRanges = codeListRanges(template);
  const writeLabel = (ws: ExcelJS.Worksheet, item: InputField | ComputedCell, withHelp: boolean) => {
    if (!item.labelCell) return;
    const key = `${item.sheet}!${item.labelCell}`;
    if (labelled.has(key)) return;
    labelled.add(key);
    const row = a1ToPosition(item.labelCell).row + 1;
    const label = ws.getCell(item.labelCell);
    label.value = labelFor(template, item);
    label.alignment = { vertical: "top", wrapText: true };
    const unit = item.series ? template.series.find((s) => s.key === item.series)?.unit : item.unit;
    if (unit) {
      const u = ws.getRow(row).getCell(2);
      u.value = unit;
      u.font = font({ color: { argb: COLORS.help } });
      u.alignment = { vertical: "top" };
    }
    const help = "type" in item ? helpFor(item, area) : item.help;
    if (withHelp) {
      const h = ws.getRow(row).getCell(4);
      h.value = help;
      h.font = font({ size: 9, color: { argb: COLORS.help } });
      h.alignment = { wrapText: true, vertical: "top" };
      const def = template.sheets.find((s) => s.name === item.sheet);
      const width = def?.columnWidths.D ?? 60;
      const labelWidth = def?.columnWidths.A ?? 52;
      ws.getRow(row).height = Math.max(
        wrappedHeight(help, width, 9),
        wrappedHeight(label.value as string, labelWidth),
      );
    } else if (item.series) {
      // Monthly rows have no help column: the help is the label's note and each cell's prompt.
      label.note = help;
    }
  };

  for (const f of template.fields) {
    const ws = sheets.get(f.sheet);
    if (!ws) throw new Error(`Mallfel: bladet ${f.sheet} saknas för ${f.key}`);
    writeLabel(ws, f, !f.series);
    const c = ws.getCell(f.cell);
    c.value = excelValue(f, values[f.key]);
    c.numFmt = inputNumFmt(f, template);
    // A template prepared for one area keeps that area: the other areas' rows are hidden.
    const fixedArea = Boolean(area) && f.key === template.roles.area;
    c.protection = { locked: fixedArea };
    c.fill = {
      type: "pattern",
      pattern: "solid",
      fgColor: { argb: fixedArea ? COLORS.computed : COLORS.input },
    };
    c.border = {
      top: thin(COLORS.inputBorder),
      bottom: thin(COLORS.inputBorder),
      left: thin(COLORS.inputBorder),
      right: thin(COLORS.inputBorder),
    };
    c.alignment = {
      vertical: "top",
      horizontal: f.type === "text" || f.type === "code" || f.type === "orgnr" ? "left" : "right",
      wrapText: f.type === "text" && (f.maxLength ?? 0) > 200,
    };
    c.dataValidation = dataValidationFor(
      f,
      template,
      required(f),
      listRanges.get(f.codeList ?? "")?.ref,
      area,
    );
  }

  const results = cachedResults(template, values);
  for (const cc of template.computed) {
    const ws = sheets.get(cc.sheet);
    if (!ws) throw new Error(`Mallfel: bladet ${cc.sheet} saknas för ${cc.key}`);
    writeLabel(ws, cc, !cc.series);
    const c = ws.getCell(cc.cell);
    c.value = {
      formula: cc.formula.replace(/^=/, ""),
      result: formulaResult(results[cc.key]),
    } as ExcelJS.CellFormulaValue;
    c.numFmt = computedNumFmt(cc);
    c.fill = { type: "pattern", pattern: "solid", fgColor: { argb: COLORS.computed } };
    c.font = font({ bold: cc.checkCode !== "COMPUTED_MISMATCH" || !!cc.series });
    c.alignment = { vertical: "top", horizontal: "right" };
  }

  for (const def of template.sheets) {
    const ws = sheets.get(def.name)!;
    for (const r of hiddenRows(template, def.name, area)) ws.getRow(r).hidden = true;
    await protect(ws);
  }

  addMetaSheet(wb, template, values, areaField);
  return wb;
}

/**
 * The cached results to write with the formulas: what Excel would show, for the computed cells
 * that depend on at least one filled input. A formula over empty inputs gets no cached result
 * (not a 0): a program that fills the file without recalculating it then leaves the cell empty,
 * which the validator reads as "not calculated", instead of a stale 0 that looks overwritten.
 * Excel and LibreOffice calculate it on opening (fullCalcOnLoad).
 */
export function cachedResults(
  template: TemplateDefinition,
  values: Record<string, CellValue | SnapshotValue>,
): Record<string, SnapshotValue> {
  const all = computeCells(template, values as Record<string, SnapshotValue>);
  const plan = validationPlan(template);
  const filled = (key: string) => {
    const v = values[key];
    return v !== null && v !== undefined && v !== "";
  };
  const out: Record<string, SnapshotValue> = {};
  plan.computed.forEach((c, ci) => {
    if (plan.depFields[ci].some((slot) => filled(plan.slotKey[slot]))) out[c.key] = all[c.key];
  });
  return out;
}

function addMetaSheet(
  wb: ExcelJS.Workbook,
  template: TemplateDefinition,
  values: Record<string, CellValue>,
  areaField: InputField | undefined,
): void {
  const st = template.stamp;
  const areaValue = areaField ? values[areaField.key] : null;
  const meta = metaSheet(template, typeof areaValue === "string" ? areaValue : null);
  const ws = wb.addWorksheet(st.metaSheet, { state: "veryHidden" });
  meta.rows.forEach((row, r) => {
    row.forEach((v, c) => {
      if (v === null || v === undefined || typeof v === "object") return;
      ws.getRow(r + 1).getCell(c + 1).value = v;
    });
  });
  for (const [id, { col, labels }] of codeListRanges(template)) {
    ws.getRow(1).getCell(col).value = id;
    labels.forEach((l, i) => (ws.getRow(i + 2).getCell(col).value = l));
  }
  // The area follows the provider's choice: a formula over the area cell.
  if (areaField) {
    const ref = `${quoteSheetName(areaField.sheet)}!${areaField.cell}`;
    ws.getCell(st.areaCell).value = {
      formula: `${ref}&""`,
      result: typeof areaValue === "string" ? areaValue : "",
    } as ExcelJS.CellFormulaValue;
  }
  ws.getColumn(1).width = 28;
  ws.getColumn(2).width = 28;
  ws.getColumn(3).width = 10;
  const stampRef = `${quoteSheetName(st.metaSheet)}!$${st.stampCell.replace(/(\d+)/, "$$$1")}`;
  wb.definedNames.add(stampRef, st.definedName);
  void ws.protect("", { selectLockedCells: true, selectUnlockedCells: true });
}

/**
 * Write an ExcelJS workbook to .xlsx bytes; with `lockStructure`, the workbook structure is
 * protected (no password) so sheets cannot be renamed, hidden, moved or deleted by mistake.
 */
export async function workbookBytes(
  wb: ExcelJS.Workbook,
  options: { lockStructure?: boolean } = {},
): Promise<Uint8Array> {
  const buf = await wb.xlsx.writeBuffer();
  const bytes = new Uint8Array(buf as ArrayBuffer);
  if (!options.lockStructure) return bytes;
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file("xl/workbook.xml")!.async("string");
  if (!xml.includes("<workbookProtection")) {
    const patched = xml.replace(
      /<bookViews>|<bookViews\/>|<sheets>/,
      (m) => `<workbookProtection lockStructure="1"/>${m}`,
    );
    zip.file("xl/workbook.xml", patched);
  }
  return zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
}

/** The template as .xlsx bytes. */
export async function writeTemplate(
  template: TemplateDefinition,
  options: TemplateWorkbookOptions = {},
): Promise<Uint8Array> {
  return workbookBytes(await buildTemplateWorkbook(template, options), { lockStructure: true });
}

/** The stamp text the generator writes ("uppf-mall@1.1.0"). */
export function generatedStamp(template: TemplateDefinition): string {
  return templateStamp(template);
}

/**
 * Set input values in a generated template (ExcelJS workbook) and refresh every computed cell's
 * cached result with the domain's evaluator, which mirrors the formulas exactly, as Excel would
 * on recalculation. For tests and `--example`; values are written as they stand in cells.
 */
export function setTemplateValues(
  wb: ExcelJS.Workbook,
  template: TemplateDefinition,
  values: Record<string, CellValue | SnapshotValue>,
): void {
  const current: Record<string, SnapshotValue> = {};
  for (const f of template.fields) {
    const ws = wb.getWorksheet(f.sheet);
    if (!ws) continue;
    if (f.key in values) {
      const v = values[f.key];
      ws.getCell(f.cell).value =
        v !== null && typeof v === "object"
          ? { error: v.code as ExcelJS.CellErrorValue["error"] }
          : excelValue(f, v);
      current[f.key] = v ?? null;
    } else {
      const raw = ws.getCell(f.cell).value;
      current[f.key] =
        raw instanceof Date ? (raw.getTime() - EXCEL_EPOCH_MS) / 86_400_000 : ((raw as CellValue) ?? null);
    }
  }
  // Excel's SUM/AVERAGE skip text, so only numbers reach the evaluator as numbers.
  const results = cachedResults(template, current);
  for (const c of template.computed) {
    const ws = wb.getWorksheet(c.sheet);
    if (!ws) continue;
    ws.getCell(c.cell).value = {
      formula: c.formula.replace(/^=/, ""),
      result: formulaResult(results[c.key]),
    } as ExcelJS.CellFormulaValue;
  }
  const areaField = template.fields.find((f) => f.key === template.roles.area);
  const meta = wb.getWorksheet(template.stamp.metaSheet);
  if (meta && areaField) {
    const v = current[areaField.key];
    const cell = meta.getCell(template.stamp.areaCell);
    const formula = (cell.value as ExcelJS.CellFormulaValue | null)?.formula;
    if (formula) cell.value = { formula, result: typeof v === "string" ? v : "" } as ExcelJS.CellFormulaValue;
  }
}
