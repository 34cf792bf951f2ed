/**
 * Reading typed values out of cells: numbers, Swedish numeric text, dates, code lists and
 * organisationsnummer. Each read gives the typed value (or null) and, when something is off, the
 * finding that explains it.
 */
import { formatNumber, parseSwedishDate, parseSwedishNumberDetailed } from "../format";
import { parseOrgNumber } from "../orgnr";
import {
  isCellError,
  isEmptyValue,
  resolveDefinedName,
  serialToIsoDate,
  type SnapshotValue,
  type WorkbookSnapshot,
} from "../snapshot";
import { lastMonthOfPeriod } from "../template/values";
import {
  AREA_CODES,
  parseTemplateStamp,
  type AreaCode,
  type InputField,
  type TemplateDefinition,
} from "../template/types";
import { displayValue, rawAt, type AddressMap } from "./cells";
import { finding, type Finding } from "./findings";
import { checkIntegrity } from "./integrity";
import { TEMPLATES } from "../template/registry";

export { displayValue, rawAt };
export type { AddressMap };

/** A typed value: numbers for numeric types, text for text/code (the code)/orgnr/date (ISO). */
export type TypedValue = number | string;

/** Result of reading one cell. */
export interface ReadResult {
  value: TypedValue | null;
  /** True when the cell was empty. */
  empty: boolean;
  /** Type findings (at most one). */
  findings: Finding[];
}

function fmt(n: number): string {
  return formatNumber(n, { maxDecimals: 4 });
}

function readNumber(
  raw: SnapshotValue,
  field: InputField,
  at: { sheet: string; cell: string; field: string },
): ReadResult {
  const label = field.label;
  let value: number;
  const findings: Finding[] = [];
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) {
      return {
        value: null,
        empty: false,
        findings: [
          finding("INVALID_TYPE", at, `”${label}” innehåller inget giltigt tal.`, { expected: "ett tal" }),
        ],
      };
    }
    value = raw;
  } else if (typeof raw === "string") {
    const p = parseSwedishNumberDetailed(raw);
    if (!p || (p.kr && field.type !== "amount")) {
      return {
        value: null,
        empty: false,
        findings: [
          finding("NOT_A_NUMBER", at, `”${label}” ska vara ett tal, men cellen innehåller texten ”${raw}”.`, {
            actual: raw,
            expected: field.type === "percent" ? "andel i procent, t.ex. 81,5 %" : "ett tal",
          }),
        ],
      };
    }
    value = p.percent ? p.value / 100 : p.value;
    if (p.percent && field.type !== "percent") {
      return {
        value: null,
        empty: false,
        findings: [
          finding("NOT_A_NUMBER", at, `”${label}” ska vara ett tal, inte en procentsats (”${raw}”).`, {
            actual: raw,
            expected: "ett tal",
          }),
        ],
      };
    }
    findings.push(
      finding(
        "NUMBER_AS_TEXT",
        at,
        `”${label}” är inskrivet som text (”${raw}”) och tolkas som ${fmt(value)}. Skriv in det som ett tal.`,
        { actual: raw, parsed: value },
      ),
    );
  } else {
    return {
      value: null,
      empty: false,
      findings: [
        finding("INVALID_TYPE", at, `”${label}” ska vara ett tal, inte ${raw ? "SANT" : "FALSKT"}.`, {
          actual: raw as boolean,
          expected: "ett tal",
        }),
      ],
    };
  }
  if (field.type === "percent" && value > 1 && value <= 100 && (field.max ?? 1) <= 1) {
    return {
      value: null,
      empty: false,
      findings: [
        finding(
          "PERCENT_SCALE",
          at,
          `”${label}” ska anges i procent. ${fmt(value)} tolkas som ${fmt(value * 100)} %; menade du ${fmt(value)} %? Skriv ${fmt(value)} % eller ${fmt(value / 100)}.`,
          {
            actual: typeof raw === "number" ? raw : String(raw),
            expected: value / 100,
            delta: value - value / 100,
          },
        ),
      ],
    };
  }
  if (field.type === "integer" && !Number.isInteger(value)) {
    return {
      value: null,
      empty: false,
      findings: [
        finding("NOT_AN_INTEGER", at, `”${label}” ska vara ett heltal, men är ${fmt(value)}.`, {
          actual: value,
          expected: Math.round(value),
          delta: value - Math.round(value),
        }),
      ],
    };
  }
  return { value, empty: false, findings };
}

function readDate(
  raw: SnapshotValue,
  field: InputField,
  at: { sheet: string; cell: string; field: string },
): ReadResult {
  if (typeof raw === "number") {
    const iso = serialToIsoDate(raw);
    if (iso && raw >= 32874 /* 1990-01-01 */ && raw <= 73051 /* 2100-01-01 */)
      return { value: iso, empty: false, findings: [] };
  } else if (typeof raw === "string") {
    const iso = parseSwedishDate(raw);
    if (iso) {
      return {
        value: iso,
        empty: false,
        findings: [
          finding(
            "DATE_AS_TEXT",
            at,
            `”${field.label}” är inskrivet som text (”${raw}”) och tolkas som ${iso}. Skriv in det som ett datum.`,
            { actual: raw, parsed: iso },
          ),
        ],
      };
    }
  }
  return {
    value: null,
    empty: false,
    findings: [
      finding("INVALID_DATE", at, `”${field.label}” ska vara ett datum (ÅÅÅÅ-MM-DD).`, {
        actual: displayValue(raw),
        expected: "ÅÅÅÅ-MM-DD",
      }),
    ],
  };
}

function readText(
  raw: SnapshotValue,
  field: InputField,
  at: { sheet: string; cell: string; field: string },
): ReadResult {
  if (typeof raw === "boolean") {
    return {
      value: null,
      empty: false,
      findings: [finding("INVALID_TYPE", at, `”${field.label}” ska vara en text.`, { actual: raw })],
    };
  }
  const text = String(raw).trim();
  if (field.maxLength !== undefined && text.length > field.maxLength) {
    return {
      value: null,
      empty: false,
      findings: [
        finding(
          "TEXT_TOO_LONG",
          at,
          `”${field.label}” får vara högst ${field.maxLength} tecken, men är ${text.length}.`,
          {
            expected: field.maxLength,
            actual: text.length,
            delta: text.length - field.maxLength,
          },
        ),
      ],
    };
  }
  if (field.pattern && !new RegExp(field.pattern).test(text)) {
    return {
      value: null,
      empty: false,
      findings: [
        finding("TEXT_PATTERN", at, field.patternMessage ?? `”${field.label}” har fel format.`, {
          actual: text,
        }),
      ],
    };
  }
  return { value: text, empty: false, findings: [] };
}

function normaliseLabel(s: string): string {
  return s.toLowerCase().replace(/\s+/g, " ").trim();
}

function readCode(
  raw: SnapshotValue,
  field: InputField,
  template: TemplateDefinition,
  at: { sheet: string; cell: string; field: string },
): ReadResult {
  const list = template.codeLists[field.codeList ?? ""];
  const text = typeof raw === "string" || typeof raw === "number" ? normaliseLabel(String(raw)) : "";
  const hit = list?.options.find((o) => normaliseLabel(o.label) === text || o.code === text);
  if (hit) return { value: hit.code, empty: false, findings: [] };
  const allowed = list ? list.options.map((o) => o.label).join(", ") : "";
  return {
    value: null,
    empty: false,
    findings: [
      finding("CODE_INVALID", at, `”${field.label}” ska vara ett av: ${allowed}.`, {
        actual: displayValue(raw),
        expected: allowed,
      }),
    ],
  };
}

function readOrgnr(
  raw: SnapshotValue,
  field: InputField,
  at: { sheet: string; cell: string; field: string },
): ReadResult {
  if (typeof raw !== "string" && typeof raw !== "number") {
    return {
      value: null,
      empty: false,
      findings: [
        finding("ORGNR_INVALID", at, `”${field.label}” ska skrivas NNNNNN-NNNN.`, {
          expected: "NNNNNN-NNNN",
        }),
      ],
    };
  }
  const r = parseOrgNumber(raw);
  if (r.ok) return { value: r.value, empty: false, findings: [] };
  if (r.personnummerLike) {
    // Never echo a personnummer back.
    return {
      value: null,
      empty: false,
      findings: [finding("ORGNR_PERSONNUMMER", at, r.reason, { expected: "NNNNNN-NNNN", actual: "(dolt)" })],
    };
  }
  return {
    value: null,
    empty: false,
    findings: [finding("ORGNR_INVALID", at, r.reason, { expected: "NNNNNN-NNNN", actual: String(raw) })],
  };
}

/**
 * Read one input cell as its field's type. Empty cells give `{ value: null, empty: true }`;
 * Excel errors give a CELL_ERROR finding; Swedish numeric text is accepted with a NUMBER_AS_TEXT
 * warning and its parsed value.
 */
export function readField(
  raw: SnapshotValue | undefined,
  field: InputField,
  template: TemplateDefinition,
  cell = field.cell,
  sheet = field.sheet,
): ReadResult {
  const at = { sheet, cell, field: field.key };
  const v = raw === undefined ? null : raw;
  if (isEmptyValue(v)) return { value: null, empty: true, findings: [] };
  if (isCellError(v)) {
    return {
      value: null,
      empty: false,
      findings: [
        finding(
          "CELL_ERROR",
          at,
          `”${field.label}” visar felet ${v.code}. Skriv in värdet igen eller rätta formeln.`,
          { actual: v.code },
        ),
      ],
    };
  }
  switch (field.type) {
    case "integer":
    case "decimal":
    case "percent":
    case "amount":
      return readNumber(v, field, at);
    case "date":
      return readDate(v, field, at);
    case "code":
      return readCode(v, field, template, at);
    case "orgnr":
      return readOrgnr(v, field, at);
    case "text":
      return readText(v, field, at);
  }
}

/** Typed values of a submission plus its context. */
export interface Submission {
  templateId: string;
  templateVersion: string;
  area: AreaCode | null;
  year: number | null;
  periodType: "manad" | "kvartal" | "ar" | null;
  period: number | null;
  /** Last month (1–12) of the reporting period, or null when the period is unknown. */
  lastMonth: number | null;
  /** Submission date (ISO) from the template, or null. */
  submittedOn: string | null;
  /** Organisationsnummer (normalised), or null (never a personnummer). */
  orgnr: string | null;
  avtalId: string | null;
  /** Typed input values by field key (null when empty or unreadable). */
  values: Record<string, TypedValue | null>;
  /** Numeric values of computed cells as they stand in the workbook (null when empty/error). */
  computed: Record<string, number | null>;
}

/** The stamp "<id>@<version>" found in the workbook (defined name first, then meta sheet). */
export function readStamp(
  snapshot: WorkbookSnapshot,
  template: TemplateDefinition,
): { id: string; version: string } | undefined {
  const byName = resolveDefinedName(snapshot, template.stamp.definedName);
  if (typeof byName === "string" && parseTemplateStamp(byName)) return parseTemplateStamp(byName);
  const meta = rawAt(snapshot, template.stamp.metaSheet, template.stamp.stampCell);
  if (typeof meta === "string") return parseTemplateStamp(meta);
  return undefined;
}

/**
 * Read every input as its typed value, by field key. Cells that cannot be read (errors, bad text)
 * are null; Swedish numeric text ("1 234,5") is parsed. Use {@link validateSubmission} to learn why.
 */
export function readSubmission(
  snapshot: WorkbookSnapshot,
  template: TemplateDefinition,
  addresses: AddressMap = checkIntegrity(snapshot, template, TEMPLATES, false).addresses,
): Submission {
  const values: Record<string, TypedValue | null> = {};
  for (const f of template.fields) {
    const addr = addresses?.get(f.key) ?? { sheet: f.sheet, cell: f.cell };
    values[f.key] = readField(
      rawAt(snapshot, addr.sheet, addr.cell),
      f,
      template,
      addr.cell,
      addr.sheet,
    ).value;
  }
  const computed: Record<string, number | null> = {};
  for (const c of template.computed) {
    const addr = addresses?.get(c.key) ?? { sheet: c.sheet, cell: c.cell };
    const raw = rawAt(snapshot, addr.sheet, addr.cell);
    computed[c.key] = typeof raw === "number" && Number.isFinite(raw) ? raw : null;
  }
  const r = template.roles;
  const areaValue = values[r.area];
  const area =
    typeof areaValue === "string" && (AREA_CODES as readonly string[]).includes(areaValue)
      ? (areaValue as AreaCode)
      : null;
  const pt = values[r.periodType];
  const periodType = pt === "manad" || pt === "kvartal" || pt === "ar" ? pt : null;
  const period = typeof values[r.period] === "number" ? (values[r.period] as number) : null;
  const lastMonth = periodType ? (lastMonthOfPeriod(periodType, period) ?? null) : null;
  const stamp = readStamp(snapshot, template);
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : null);
  return {
    templateId: stamp?.id ?? template.id,
    templateVersion: stamp?.version ?? template.version,
    area,
    year: typeof values[r.year] === "number" ? (values[r.year] as number) : null,
    periodType,
    period,
    lastMonth,
    submittedOn: str(r.submittedOn),
    orgnr: str(r.orgnr),
    avtalId: str(r.avtalId),
    values,
    computed,
  };
}

/** A number from typed values, or null. */
export function numberValue(values: Record<string, TypedValue | null>, key: string): number | null {
  const v = values[key];
  return typeof v === "number" ? v : null;
}
