/**
 * Types and zod schemas of a template definition (uppföljningsmall). A definition is plain,
 * JSON-serialisable data: the workbook generator, the validator, the task pane and the CLI all
 * read input positions, types and rules from it, so they never disagree about where a value lives.
 */
import { z } from "zod";

/** Verksamhetsområde codes. */
export const AREA_CODES = [
  "primarvard",
  "hemtjanst",
  "sarskilt_boende",
  "forskola",
  "grundskola",
  "lss_boende",
] as const;
export type AreaCode = (typeof AREA_CODES)[number];
export const AreaCodeSchema = z.enum(AREA_CODES);

/** Input types. Percent values are fractions (0,795 = 79,5 %), as Excel stores a %-formatted cell. */
export const FIELD_TYPES = [
  "integer",
  "decimal",
  "percent",
  "amount",
  "text",
  "date",
  "code",
  "orgnr",
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** How a computed cell's value is shown. */
export type ComputedFormat = "integer" | "decimal" | "percent" | "amount";

export const CodeOptionSchema = z.object({ code: z.string().min(1), label: z.string().min(1) });
export type CodeOption = z.infer<typeof CodeOptionSchema>;

export const CodeListSchema = z.object({
  id: z.string().min(1),
  label: z.string().min(1),
  options: z.array(CodeOptionSchema).min(1),
});
/** A code list: the cell shows the label (Excel list validation); code is what the domain uses. */
export type CodeList = z.infer<typeof CodeListSchema>;

const A1 = z.string().regex(/^[A-Z]{1,3}[1-9][0-9]{0,6}$/, "Celladress på formen A1");

export const PlausibleRangeSchema = z.object({
  min: z.number().optional(),
  max: z.number().optional(),
  /** Why the range is what it is (source), shown to the provider. */
  note: z.string().min(1),
});
/** A reference range: values outside give a warning, not an error. */
export type PlausibleRange = z.infer<typeof PlausibleRangeSchema>;

export const InputFieldSchema = z.object({
  key: z.string().min(1),
  sheet: z.string().min(1).max(31),
  cell: A1,
  /** The cell holding the Swedish label; used to detect moved rows. */
  labelCell: A1,
  label: z.string().min(1),
  type: z.enum(FIELD_TYPES),
  unit: z.string().optional(),
  /** Required where the field applies (see appliesTo; months only within the reporting period). */
  required: z.boolean(),
  /** Verksamhetsområden where the field is shown and required; absent = all. */
  appliesTo: z.array(AreaCodeSchema).optional(),
  /** The field may also be filled in for other areas without a finding (e.g. staff categories). */
  optionalElsewhere: z.boolean().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  maxLength: z.number().int().positive().optional(),
  /** Regular expression source the text must match (text fields). */
  pattern: z.string().optional(),
  patternMessage: z.string().optional(),
  codeList: z.string().optional(),
  /** Help text for every area (the generic template shows this one). */
  help: z.string().min(1),
  /** Help text for particular areas, where the generic one does not fit (see ./help.ts). */
  areaHelp: z.partialRecord(AreaCodeSchema, z.string().min(1)).optional(),
  plausible: PlausibleRangeSchema.optional(),
  /** For monthly cells: the series key and month (1–12). */
  series: z.string().optional(),
  month: z.number().int().min(1).max(12).optional(),
});
/** One input cell. */
export type InputField = z.infer<typeof InputFieldSchema>;

/** A computation, mirrored exactly by the generated Excel formula. Keys refer to fields or computed cells. */
export type Expr =
  | { op: "sum"; of: string[]; blankIfEmpty?: boolean }
  | { op: "average"; of: string[] }
  | { op: "linear"; terms: { key: string; coef: number }[] }
  | { op: "ratio"; num: string; den: string[] };

export const ExprSchema: z.ZodType<Expr> = z.union([
  z.object({ op: z.literal("sum"), of: z.array(z.string()).min(1), blankIfEmpty: z.boolean().optional() }),
  z.object({ op: z.literal("average"), of: z.array(z.string()).min(1) }),
  z.object({
    op: z.literal("linear"),
    terms: z.array(z.object({ key: z.string(), coef: z.number() })).min(1),
  }),
  z.object({ op: z.literal("ratio"), num: z.string(), den: z.array(z.string()).min(1) }),
]);

export const ComputedCellSchema = z.object({
  key: z.string().min(1),
  sheet: z.string().min(1).max(31),
  cell: A1,
  labelCell: A1.optional(),
  label: z.string().min(1),
  unit: z.string().optional(),
  format: z.enum(["integer", "decimal", "percent", "amount"]),
  appliesTo: z.array(AreaCodeSchema).optional(),
  expr: ExprSchema,
  /** The Excel formula (English function names, as ExcelJS writes it), starting with "=". */
  formula: z.string().startsWith("="),
  help: z.string().min(1),
  series: z.string().optional(),
  month: z.number().int().min(1).max(12).optional(),
  /**
   * Finding code when the cell's value does not match its formula evaluated over the snapshot
   * (a formula overwritten or broken): CROSS_SUM for totals, CROSS_RESULT for rörelseresultat,
   * COMPUTED_MISMATCH otherwise.
   */
  checkCode: z.enum(["CROSS_SUM", "CROSS_RESULT", "COMPUTED_MISMATCH"]),
  /** Allowed absolute difference (1 kr for amounts). */
  tolerance: z.number().nonnegative(),
  /** Swedish statement of the rule, e.g. "Rörelseresultat = intäkter − kostnader − avskrivningar". */
  rule: z.string(),
  /** Cells with the same group are reported as one finding (e.g. one total in twelve months). */
  group: z.string().optional(),
});
/** A formula cell the template computes (totals, rörelseresultat, productivity, cost per unit). */
export type ComputedCell = z.infer<typeof ComputedCellSchema>;

export const SeriesSchema = z.object({
  key: z.string().min(1),
  sheet: z.string(),
  row: z.number().int().positive(),
  label: z.string(),
  unit: z.string(),
  type: z.enum(["integer", "decimal"]),
  /** "sum" for flows (visits, hours), "average" for stocks (listed patients, users, places). */
  aggregate: z.enum(["sum", "average"]),
  appliesTo: z.array(AreaCodeSchema).optional(),
  /** Month keys m01..m12 (input or computed). */
  monthKeys: z.array(z.string()).length(12),
  /** Key of the aggregate (column O) computed cell. */
  totalKey: z.string(),
  /** True when the months are computed (a total of other series). */
  computed: z.boolean(),
  /** Check month-to-month jumps for this series. */
  checkJumps: z.boolean(),
});
/** A monthly series on the Volymer sheet (one row, twelve month columns and an aggregate). */
export type Series = z.infer<typeof SeriesSchema>;

export const CrossCheckSchema = z.object({
  id: z.string(),
  /** Finding code emitted when the check fails. */
  code: z.enum(["CROSS_SUM", "CROSS_RESULT", "CROSS_EQUITY", "CROSS_RELATION"]),
  /** target must equal Σ coef·term (within tolerance). */
  target: z.string(),
  terms: z.array(z.object({ key: z.string(), coef: z.number() })).min(1),
  tolerance: z.number().nonnegative(),
  severity: z.enum(["error", "warning", "info"]),
  /** Swedish explanation of the rule, e.g. "Rörelseresultat = intäkter − kostnader − avskrivningar". */
  rule: z.string(),
  /** Checks with the same group are reported as one finding (e.g. the same total in 12 months). */
  group: z.string().optional(),
  appliesTo: z.array(AreaCodeSchema).optional(),
});
/** A cross-field rule. */
export type CrossCheck = z.infer<typeof CrossCheckSchema>;

export const MetricRuleSchema = z.object({
  id: z.string(),
  label: z.string(),
  unit: z.string(),
  appliesTo: z.array(AreaCodeSchema).optional(),
  /** numerator key (a series total or an input/computed cell) */
  num: z.string(),
  /** denominator keys, summed */
  den: z.array(z.string()).min(1),
  /** "productivity" (volume per årsarbetare) or "unitCost" (kr per unit) or "ratio" */
  kind: z.enum(["productivity", "unitCost", "ratio"]),
  plausible: PlausibleRangeSchema.optional(),
  /** Computed cell that shows this metric in the workbook, if any. */
  computedKey: z.string().optional(),
});
/** A derived ratio (productivity, cost per unit) with an optional reference range. */
export type MetricRule = z.infer<typeof MetricRuleSchema>;

export const SheetDefSchema = z.object({
  name: z.string().min(1).max(31),
  title: z.string(),
  intro: z.string(),
  /** The intro for particular areas, where the generic one does not fit (see ./help.ts). */
  areaIntro: z.partialRecord(AreaCodeSchema, z.string().min(1)).optional(),
  /** Column header texts by A1 cell (row 4). */
  headers: z.record(z.string(), z.string()),
  /** Section headings by A1 cell (e.g. "Primärvård" above its rows). */
  sections: z.record(z.string(), z.string()),
  /** Suggested column widths in characters, by column letter. */
  columnWidths: z.record(z.string(), z.number()),
});
/** One visible sheet of the template. */
export type SheetDef = z.infer<typeof SheetDefSchema>;

export const TemplateStampSchema = z.object({
  /** Workbook-level defined name whose value is "<id>@<version>". */
  definedName: z.string(),
  /** Very hidden sheet with the stamp and the field manifest. */
  metaSheet: z.string(),
  /** Meta-sheet cell holding "<id>@<version>"; the defined name refers to it. */
  stampCell: A1,
  /** Cells on the meta sheet. */
  idCell: A1,
  versionCell: A1,
  areaCell: A1,
  /**
   * Meta-sheet cell holding the id of the shared workbook this file is bound to (empty in a blank
   * template; written by a round's personalised template or when the pane links the file).
   */
  workbookIdCell: A1,
  /** First row (1-based) of the manifest table: key | sheet | cell (header one row above). */
  manifestStartRow: z.number().int().positive(),
});
export type TemplateStamp = z.infer<typeof TemplateStampSchema>;

export const TemplateDefinitionSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  title: z.string(),
  stamp: TemplateStampSchema,
  /** Sheets the generator adds besides the data sheets (e.g. "Instruktioner"); not validated, not "extra". */
  auxiliarySheets: z.array(z.string().min(1).max(31)).optional(),
  codeLists: z.record(z.string(), CodeListSchema),
  sheets: z.array(SheetDefSchema).min(1),
  fields: z.array(InputFieldSchema).min(1),
  computed: z.array(ComputedCellSchema),
  series: z.array(SeriesSchema),
  checks: z.array(CrossCheckSchema),
  metrics: z.array(MetricRuleSchema),
  /** Field keys with a special role. */
  roles: z.object({
    area: z.string(),
    year: z.string(),
    periodType: z.string(),
    period: z.string(),
    orgnr: z.string(),
    avtalId: z.string(),
    submittedOn: z.string(),
    revenue: z.string(),
    costsTotal: z.string(),
    depreciation: z.string(),
    operatingResult: z.string(),
    operatingMargin: z.string(),
    equityOpening: z.string(),
    equityOther: z.string(),
    equityClosing: z.string(),
    staffTotal: z.string(),
  }),
  /** Staff category field keys (Resurser), in order. */
  staffCategories: z.array(z.string()),
});
/** A complete, versioned template definition. */
export type TemplateDefinition = z.infer<typeof TemplateDefinitionSchema>;

/** "uppf-mall@1.0.0" */
export function templateStamp(t: Pick<TemplateDefinition, "id" | "version">): string {
  return `${t.id}@${t.version}`;
}

/** Parse "id@1.2.3" into its parts, or undefined. */
export function parseTemplateStamp(text: string): { id: string; version: string } | undefined {
  let hit = STAMP_CACHE.get(text);
  if (hit === undefined) {
    const m = /^\s*([a-z0-9-]+)@(\d+\.\d+\.\d+)\s*$/.exec(text);
    hit = m ? { id: m[1], version: m[2] } : null;
    // Validation reads the same stamp on every run: remember it (bounded).
    if (STAMP_CACHE.size < 1_000) STAMP_CACHE.set(text, hit);
  }
  return hit ? { id: hit.id, version: hit.version } : undefined;
}

const STAMP_CACHE = new Map<string, { id: string; version: string } | null>();

/** Compare semver strings "1.0.0" < "1.1.0": negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
