/**
 * A small builder that lays out a template definition row by row, so cell addresses are assigned
 * in one place and formulas are generated from the same expressions the domain evaluates.
 */
import { indexToCol } from "../snapshot";
import { formulaFor, type CellRef } from "./formula";
import type {
  AreaCode,
  CodeList,
  ComputedCell,
  CrossCheck,
  Expr,
  InputField,
  MetricRule,
  Series,
  SheetDef,
  TemplateDefinition,
} from "./types";

/** Swedish month abbreviations used as column headers. */
export const MONTH_LABELS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "Maj",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Okt",
  "Nov",
  "Dec",
];

/** The month columns on the Volymer sheet: C..N. */
export const MONTH_COLUMNS = MONTH_LABELS.map((_, i) => indexToCol(2 + i));
/** The aggregate column on the Volymer sheet. */
export const TOTAL_COLUMN = "O";

/** Month key suffix: 1 -> "m01". */
export function monthSuffix(month: number): string {
  return `m${String(month).padStart(2, "0")}`;
}

type FieldSpec = Omit<InputField, "sheet" | "cell" | "labelCell">;
type ComputedSpec = Omit<
  ComputedCell,
  "sheet" | "cell" | "labelCell" | "formula" | "checkCode" | "tolerance" | "rule"
> &
  Partial<Pick<ComputedCell, "checkCode" | "tolerance" | "rule">>;

/** Lays out one single-value sheet (labels in A, unit in B, value in C, help in D). */
export class SheetLayout {
  row: number;
  readonly def: SheetDef;
  constructor(
    private readonly builder: TemplateBuilder,
    name: string,
    title: string,
    intro: string,
    headers: Record<string, string>,
    firstRow = 5,
  ) {
    this.row = firstRow;
    this.def = { name, title, intro, headers, sections: {}, columnWidths: { A: 52, B: 14, C: 18, D: 60 } };
    builder.sheets.push(this.def);
  }

  /** A section heading in column A; leaves a blank row before it unless at the top. */
  section(text: string, blankBefore = true): this {
    if (blankBefore) this.row++;
    this.def.sections[`A${this.row}`] = text;
    this.row++;
    return this;
  }

  /** An input in column C of the next row. */
  input(spec: FieldSpec): this {
    this.builder.fields.push({
      ...spec,
      sheet: this.def.name,
      cell: `C${this.row}`,
      labelCell: `A${this.row}`,
    });
    this.row++;
    return this;
  }

  /** A computed cell in column C of the next row. */
  computed(spec: ComputedSpec): this {
    this.builder.addComputed(spec, this.def.name, `C${this.row}`, `A${this.row}`);
    this.row++;
    return this;
  }
}

/** Assembles a {@link TemplateDefinition}. */
export class TemplateBuilder {
  readonly sheets: SheetDef[] = [];
  readonly fields: InputField[] = [];
  readonly computed: ComputedCell[] = [];
  readonly series: Series[] = [];
  readonly checks: CrossCheck[] = [];
  readonly metrics: MetricRule[] = [];
  private pendingComputed: { spec: ComputedSpec; sheet: string; cell: string; labelCell?: string }[] = [];

  sheet(name: string, title: string, intro: string, headers: Record<string, string>): SheetLayout {
    return new SheetLayout(this, name, title, intro, headers);
  }

  addComputed(spec: ComputedSpec, sheet: string, cell: string, labelCell?: string): void {
    this.pendingComputed.push({ spec, sheet, cell, labelCell });
  }

  /** A monthly series row on a month sheet (labels A, unit B, months C..N, aggregate O). */
  seriesRow(
    layout: SheetLayout,
    spec: {
      key: string;
      label: string;
      unit: string;
      type: "integer" | "decimal";
      aggregate: "sum" | "average";
      appliesTo?: AreaCode[];
      help: string;
      min?: number;
      max?: number;
      plausible?: InputField["plausible"];
      /** When set, each month is computed as the sum of these series' months. */
      sumOf?: string[];
      checkJumps?: boolean;
    },
  ): void {
    const row = layout.row++;
    const sheet = layout.def.name;
    const monthKeys = MONTH_COLUMNS.map((_, i) => `${spec.key}.${monthSuffix(i + 1)}`);
    MONTH_COLUMNS.forEach((col, i) => {
      const month = i + 1;
      const key = monthKeys[i];
      if (spec.sumOf) {
        this.addComputed(
          {
            key,
            label: `${spec.label}, ${MONTH_LABELS[i].toLowerCase()}`,
            unit: spec.unit,
            format: spec.type,
            appliesTo: spec.appliesTo,
            expr: { op: "sum", of: spec.sumOf.map((s) => `${s}.${monthSuffix(month)}`) },
            help: spec.help,
            series: spec.key,
            month,
            checkCode: "CROSS_SUM",
            tolerance: 0.0001,
            rule: `${spec.label} ska vara summan av kategorierna`,
            group: spec.key,
          },
          sheet,
          `${col}${row}`,
          `A${row}`,
        );
      } else {
        this.fields.push({
          key,
          sheet,
          cell: `${col}${row}`,
          labelCell: `A${row}`,
          label: `${spec.label}, ${MONTH_LABELS[i].toLowerCase()}`,
          type: spec.type,
          unit: spec.unit,
          required: true,
          appliesTo: spec.appliesTo,
          min: spec.min ?? 0,
          max: spec.max,
          help: spec.help,
          plausible: spec.plausible,
          series: spec.key,
          month,
        });
      }
    });
    const totalKey = `${spec.key}.total`;
    this.addComputed(
      {
        key: totalKey,
        label: `${spec.label}, ${spec.aggregate === "sum" ? "summa för perioden" : "medel för perioden"}`,
        unit: spec.unit,
        format: spec.aggregate === "sum" ? spec.type : "decimal",
        appliesTo: spec.appliesTo,
        expr:
          spec.aggregate === "sum"
            ? { op: "sum", of: monthKeys, blankIfEmpty: true }
            : { op: "average", of: monthKeys },
        help:
          spec.aggregate === "sum"
            ? "Summan av månaderna (beräknas)."
            : "Medelvärdet av de ifyllda månaderna (beräknas).",
        series: spec.key,
        checkCode: spec.aggregate === "sum" ? "CROSS_SUM" : "COMPUTED_MISMATCH",
        tolerance: 0.0001,
        rule:
          spec.aggregate === "sum"
            ? `Summan ska vara summan av månaderna`
            : `Medelvärdet ska vara medel av de ifyllda månaderna`,
      },
      sheet,
      `${TOTAL_COLUMN}${row}`,
      `A${row}`,
    );
    this.series.push({
      key: spec.key,
      sheet,
      row,
      label: spec.label,
      unit: spec.unit,
      type: spec.type,
      aggregate: spec.aggregate,
      appliesTo: spec.appliesTo,
      monthKeys,
      totalKey,
      computed: Boolean(spec.sumOf),
      checkJumps: spec.checkJumps ?? true,
    });
  }

  private locate = (key: string): CellRef => {
    const f = this.fields.find((x) => x.key === key);
    if (f) return { sheet: f.sheet, cell: f.cell };
    const c = this.pendingComputed.find((x) => x.spec.key === key);
    if (c) return { sheet: c.sheet, cell: c.cell };
    throw new Error(`Mallfel: okänd nyckel ${key}`);
  };

  /** Finish: resolve formulas and return the definition. */
  build(
    head: Omit<TemplateDefinition, "sheets" | "fields" | "computed" | "series" | "checks" | "metrics">,
  ): TemplateDefinition {
    for (const p of this.pendingComputed) {
      const expr: Expr = p.spec.expr;
      this.computed.push({
        checkCode: "COMPUTED_MISMATCH",
        tolerance: 0.0001,
        rule: "Cellen ska innehålla mallens formel",
        ...p.spec,
        sheet: p.sheet,
        cell: p.cell,
        ...(p.labelCell ? { labelCell: p.labelCell } : {}),
        formula: formulaFor(expr, this.locate, p.sheet),
      });
    }
    this.pendingComputed = [];
    return {
      ...head,
      sheets: this.sheets,
      fields: this.fields,
      computed: this.computed,
      series: this.series,
      checks: this.checks,
      metrics: this.metrics,
    };
  }
}

/** Code list helper. */
export function codeList(id: string, label: string, options: [string, string][]): CodeList {
  return { id, label, options: options.map(([code, l]) => ({ code, label: l })) };
}
