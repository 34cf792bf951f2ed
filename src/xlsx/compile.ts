/**
 * The yearly compilation (sammanställning) per unit that the follow-up rules ask for: one row
 * per submission with key figures, metrics and verdict as an Excel table, plus one sheet per
 * verksamhetsområde comparing its units (with an average row). Browser-safe (bytes out).
 */
import ExcelJS from "exceljs";
import type { AreaCode, TemplateDefinition } from "../domain/template/types";
import { AREA_CODES } from "../domain/template/types";
import { appliesToArea, codeLabel } from "../domain/template/values";
import { FMT_DECIMAL, FMT_INTEGER, FMT_KR, FMT_PERCENT } from "../domain/template/formats";
import { workbookBytes } from "./template";

/** What the compilation needs per file (a subset of `uppf validate --json`'s file object). */
/** Key facts of a submission (from its Uppgifter sheet). */
export interface SubmissionInfo {
  provider: string | null;
  unit: string | null;
  orgnr: string | null;
  avtalId: string | null;
  area: string | null;
  year: number | null;
  periodType: string | null;
  period: number | null;
}

export interface CompileInput {
  file: string;
  verdict: string;
  reason?: string;
  submission: SubmissionInfo | null;
  counts: { error: number; warning: number; info: number };
  metrics: Record<string, number | boolean | null> | null;
  deviations?: { status: string }[];
  /** The avtal evaluated against (absent when no avtal was given). */
  avtal?: { id: string; version: string } | null;
}

type Fmt = "text" | "int" | "dec" | "pct" | "kr";
interface Column {
  header: string;
  fmt: Fmt;
  value: (r: CompileInput) => string | number | null;
  average?: boolean;
}

const NUMFMT: Record<Fmt, string | undefined> = {
  text: undefined,
  int: FMT_INTEGER,
  dec: FMT_DECIMAL,
  pct: FMT_PERCENT,
  kr: FMT_KR,
};

function periodText(s: CompileInput["submission"]): string | null {
  if (!s?.periodType) return null;
  if (s.periodType === "ar") return "Helår";
  if (s.periodType === "manad") return s.period ? `Månad ${s.period}` : "Månad";
  return s.period ? `Kvartal ${s.period}` : "Kvartal";
}

const metric = (id: string) => (r: CompileInput) => {
  const v = r.metrics?.[id];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
};

function areaLabel(template: TemplateDefinition, area: string | null | undefined): string | null {
  if (!area) return null;
  const list = template.fields.find((f) => f.key === template.roles.area)?.codeList ?? "";
  return codeLabel(template, list, area) ?? area;
}

/** A valid sheet name (≤ 31 characters, no []:*?/\) from an area label. */
export function areaSheetName(label: string): string {
  let name = label.replace(/[[\]:*?/\\]/g, " ").trim();
  if (name.length > 31) name = name.replace(/\s*\(.*\)\s*$/, "");
  return name.slice(0, 31);
}

function keyColumns(): Column[] {
  return [
    { header: "Intäkter", fmt: "kr", value: metric("intakter"), average: true },
    { header: "Kostnader", fmt: "kr", value: metric("kostnader"), average: true },
    { header: "Rörelseresultat", fmt: "kr", value: metric("rorelseresultat"), average: true },
    { header: "Rörelsemarginal", fmt: "pct", value: metric("rorelsemarginal"), average: true },
    { header: "Resultatkrav", fmt: "pct", value: metric("resultatkrav") },
    {
      header: "Klarar resultatkravet",
      fmt: "text",
      value: (r) =>
        r.metrics?.meetsRequirement === true ? "Ja" : r.metrics?.meetsRequirement === false ? "Nej" : null,
    },
    { header: "Årsarbetare", fmt: "dec", value: metric("arsarbetare"), average: true },
  ];
}

function addTable(
  ws: ExcelJS.Worksheet,
  name: string,
  title: string,
  subtitle: string,
  columns: Column[],
  rows: CompileInput[],
  totals: boolean,
): void {
  ws.getCell("A1").value = title;
  ws.getCell("A1").font = { name: "Calibri", bold: true, size: 14, color: { argb: "FF1F4E79" } };
  ws.getCell("A2").value = subtitle;
  ws.getCell("A2").font = { name: "Calibri", italic: true, color: { argb: "FF595959" } };
  const ref = "A4";
  ws.addTable({
    name,
    ref,
    headerRow: true,
    totalsRow: totals,
    style: { theme: "TableStyleMedium2", showRowStripes: true },
    columns: columns.map((c, i) =>
      totals
        ? i === 0
          ? { name: c.header, totalsRowLabel: "Medel", filterButton: true }
          : c.average
            ? { name: c.header, totalsRowFunction: "average" as const, filterButton: true }
            : { name: c.header, filterButton: true }
        : { name: c.header, filterButton: true },
    ),
    rows: rows.map((r) => columns.map((c) => c.value(r))),
  });
  columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    // Numbers get a fixed width and the header wraps; text columns fit their content.
    col.width =
      c.fmt === "text"
        ? Math.max(
            10,
            Math.min(40, Math.max(c.header.length, ...rows.map((r) => String(c.value(r) ?? "").length)) + 2),
          )
        : 15;
    const fmt = NUMFMT[c.fmt];
    if (fmt) for (let r = 5; r <= 5 + rows.length; r++) ws.getRow(r).getCell(i + 1).numFmt = fmt;
  });
  ws.getRow(4).alignment = { wrapText: true, vertical: "top" };
  const longest = Math.max(...columns.map((c) => (c.fmt === "text" ? 0 : c.header.length)));
  ws.getRow(4).height = Math.max(15, Math.ceil(longest / 14) * 15);
  ws.views = [{ state: "frozen", ySplit: 4, xSplit: 1 }];
  ws.pageSetup = { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 };
}

/** Options for {@link buildCompilation}. */
export interface CompileOptions {
  /** Heading text, e.g. "Sammanställning 2025". */
  title?: string;
  created?: Date;
}

/** Build the compilation workbook. */
export function buildCompilation(
  template: TemplateDefinition,
  inputs: readonly CompileInput[],
  options: CompileOptions = {},
): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Uppföljning";
  wb.created = options.created ?? new Date();
  const sorted = [...inputs].sort(
    (a, b) =>
      Number(!a.submission?.area) - Number(!b.submission?.area) ||
      String(a.submission?.area ?? "").localeCompare(String(b.submission?.area ?? "")) ||
      String(a.submission?.unit ?? a.file).localeCompare(String(b.submission?.unit ?? b.file), "sv"),
  );
  const years = [
    ...new Set(sorted.map((r) => r.submission?.year).filter((y): y is number => typeof y === "number")),
  ].sort();
  const title = options.title ?? `Sammanställning${years.length ? ` ${years.join(", ")}` : ""}`;
  const main: Column[] = [
    { header: "Enhet", fmt: "text", value: (r) => r.submission?.unit ?? null },
    { header: "Utförare", fmt: "text", value: (r) => r.submission?.provider ?? null },
    { header: "Organisationsnummer", fmt: "text", value: (r) => r.submission?.orgnr ?? null },
    { header: "Avtal", fmt: "text", value: (r) => r.submission?.avtalId ?? null },
    { header: "Verksamhetsområde", fmt: "text", value: (r) => areaLabel(template, r.submission?.area) },
    { header: "År", fmt: "text", value: (r) => r.submission?.year ?? null },
    { header: "Period", fmt: "text", value: (r) => periodText(r.submission) },
    { header: "Bedömning", fmt: "text", value: (r) => r.verdict },
    { header: "Fel", fmt: "int", value: (r) => (r.verdict === "OLÄSBAR" ? null : r.counts.error) },
    { header: "Varningar", fmt: "int", value: (r) => (r.verdict === "OLÄSBAR" ? null : r.counts.warning) },
    {
      header: "Avtalsavvikelser",
      fmt: "int",
      value: (r) => (r.avtal ? (r.deviations ?? []).filter((d) => d.status === "deviation").length : null),
    },
    ...keyColumns(),
    { header: "Fil", fmt: "text", value: (r) => r.file },
    { header: "Kommentar", fmt: "text", value: (r) => r.reason ?? null },
  ];
  const unreadable = sorted.filter((r) => r.verdict === "OLÄSBAR").length;
  addTable(
    wb.addWorksheet("Sammanställning"),
    "Sammanstallning",
    title,
    `${sorted.length} inlämningar${unreadable ? `, varav ${unreadable} oläsbara` : ""}. Nyckeltal beräknas för rapportperioden; underkända inlämningar kan ha ofullständiga värden.`,
    main,
    sorted,
    false,
  );

  for (const area of AREA_CODES as readonly AreaCode[]) {
    const rows = sorted.filter((r) => r.submission?.area === area && r.verdict !== "OLÄSBAR");
    if (rows.length === 0) continue;
    const label = areaLabel(template, area) ?? area;
    const volumes: Column[] = template.series
      .filter((s) => appliesToArea(s, area) && !s.computed)
      .map((s) => ({
        header: `${s.label} (${s.aggregate === "sum" ? "summa" : "medel"})`,
        fmt: s.type === "integer" && s.aggregate === "sum" ? "int" : "dec",
        value: metric(`volym.${s.key.replace(/^volymer\./, "")}`),
        average: true,
      }));
    const ratios: Column[] = template.metrics
      .filter((m) => appliesToArea(m, area))
      .map((m) => ({
        header: `${m.label}${m.unit === "%" ? "" : ` (${m.unit})`}`,
        fmt: m.unit === "%" ? "pct" : m.kind === "unitCost" ? "kr" : "dec",
        value: metric(m.id),
        average: true,
      }));
    const cols: Column[] = [
      { header: "Enhet", fmt: "text", value: (r) => r.submission?.unit ?? r.file },
      { header: "Utförare", fmt: "text", value: (r) => r.submission?.provider ?? null },
      { header: "År", fmt: "text", value: (r) => r.submission?.year ?? null },
      { header: "Period", fmt: "text", value: (r) => periodText(r.submission) },
      { header: "Bedömning", fmt: "text", value: (r) => r.verdict },
      ...keyColumns(),
      ...volumes,
      ...ratios,
    ];
    addTable(
      wb.addWorksheet(areaSheetName(label)),
      `Omrade_${area}`,
      `${label}: jämförelse mellan enheter`,
      `${rows.length} ${rows.length === 1 ? "enhet" : "enheter"}. Raden Medel är medelvärdet av enheterna.`,
      cols,
      rows,
      true,
    );
  }
  return wb;
}

/** The compilation as .xlsx bytes. */
export async function writeCompilation(
  template: TemplateDefinition,
  inputs: readonly CompileInput[],
  options: CompileOptions = {},
): Promise<Uint8Array> {
  return workbookBytes(buildCompilation(template, inputs, options));
}
