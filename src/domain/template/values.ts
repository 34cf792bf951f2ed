/**
 * Field values <-> snapshots without Excel: which fields apply to an area, realistic example
 * values (reference figures), and a WorkbookSnapshot built from values with every computed
 * cell evaluated exactly like its Excel formula.
 */
import {
  isoDateToSerial,
  setSheetCell,
  type CellValue,
  type SheetSnapshot,
  type SnapshotValue,
  type WorkbookSnapshot,
} from "../snapshot";
import { evaluateExpr } from "./formula";
import { monthSuffix } from "./build";
import {
  templateStamp,
  type AreaCode,
  type ComputedCell,
  type InputField,
  type TemplateDefinition,
} from "./types";

/** Field values keyed by field key, as they stand in the cells. */
export type FieldValues = Record<string, CellValue>;

/** True when a field or computed cell applies to the area (no appliesTo = all areas). */
export function appliesToArea(item: { appliesTo?: AreaCode[] }, area: AreaCode | undefined): boolean {
  return !item.appliesTo || area === undefined || item.appliesTo.includes(area);
}

/** The input fields that are shown for an area (applicable or optional elsewhere). */
export function fieldsForArea(template: TemplateDefinition, area: AreaCode): InputField[] {
  return template.fields.filter((f) => appliesToArea(f, area) || f.optionalElsewhere);
}

/** Lookup tables for a template, built once per definition object. */
export interface TemplateIndex {
  fields: Map<string, InputField>;
  computed: Map<string, ComputedCell>;
  /** Input or computed cell by key. */
  cells: Map<string, InputField | ComputedCell>;
  series: Map<string, TemplateDefinition["series"][number]>;
}

const indexCache = new WeakMap<TemplateDefinition, TemplateIndex>();

/** Cached lookup tables for a template (keys -> fields, computed cells, series). */
export function templateIndex(template: TemplateDefinition): TemplateIndex {
  let idx = indexCache.get(template);
  if (!idx) {
    const fields = new Map(template.fields.map((f) => [f.key, f]));
    const computed = new Map(template.computed.map((c) => [c.key, c]));
    const cells = new Map<string, InputField | ComputedCell>([...fields, ...computed]);
    idx = { fields, computed, cells, series: new Map(template.series.map((s) => [s.key, s])) };
    indexCache.set(template, idx);
  }
  return idx;
}

/** Find an input field by key. */
export function findField(template: TemplateDefinition, key: string): InputField | undefined {
  return templateIndex(template).fields.get(key);
}

/** Find a computed cell by key. */
export function findComputed(template: TemplateDefinition, key: string): ComputedCell | undefined {
  return templateIndex(template).computed.get(key);
}

/** The label shown in the cell for a code ("primarvard" -> "Primärvård"). */
export function codeLabel(template: TemplateDefinition, listId: string, code: string): string | undefined {
  return template.codeLists[listId]?.options.find((o) => o.code === code)?.label;
}

/** Last month (1–12) covered by a period: månad m -> m, kvartal q -> 3q, år -> 12. */
export function lastMonthOfPeriod(
  periodType: "manad" | "kvartal" | "ar",
  period: number | null,
): number | undefined {
  if (periodType === "ar") return 12;
  if (period === null || !Number.isInteger(period)) return undefined;
  if (periodType === "manad") return period >= 1 && period <= 12 ? period : undefined;
  return period >= 1 && period <= 4 ? period * 3 : undefined;
}

interface AreaExample {
  orgnr: string;
  provider: string;
  unit: string;
  avtal: string;
  /** Series values per month (index 0 = January), keyed by series key. */
  series: Record<string, number[]>;
  staff: Record<string, number>;
  costs: {
    personal: number;
    lokaler: number;
    ovrigt: number;
    avskrivningar: number;
    intakter: number;
    ekIb: number;
  };
  quality: FieldValues;
  reports: FieldValues;
}

const SEASON = [1, 1, 1, 1, 1, 0.9, 0.68, 0.9, 1, 1, 1, 0.92];
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function flow(base: number, decimals = 0): number[] {
  return SEASON.map((f) => Number((base * f).toFixed(decimals)));
}
function stock(start: number, stepPerMonth: number): number[] {
  return SEASON.map((_, i) => Math.round(start + stepPerMonth * i));
}

const EXAMPLES: Record<AreaCode, AreaExample> = {
  primarvard: {
    orgnr: "559214-8604",
    provider: "Vårdcentralen Exempel AB",
    unit: "Vårdcentralen Exempel",
    avtal: "PV-LOV-2024",
    series: {
      "volymer.pv_listade_0_17": stock(1890, 2),
      "volymer.pv_listade_18_64": stock(5580, 4),
      "volymer.pv_listade_65": stock(1990, 3),
      "volymer.pv_lakarbesok": flow(1650),
      "volymer.pv_ovriga_besok": flow(2400),
      "volymer.pv_digitala": flow(450),
    },
    staff: {
      lakare: 5.2,
      sjukskoterskor: 7.5,
      underskoterskor: 4,
      rehab: 2.5,
      psykosocial: 1.5,
      ledning: 3,
      ovriga: 1,
    },
    costs: {
      personal: 19_200_000,
      lokaler: 2_100_000,
      ovrigt: 4_300_000,
      avskrivningar: 300_000,
      intakter: 26_760_000,
      ekIb: 2_400_000,
    },
    quality: {
      "kvalitet.helhetsintryck": 0.81,
      "kvalitet.bemotande": 0.858,
      "kvalitet.tillganglighet": 0.8,
      "kvalitet.kvalitetsregister": "Ja",
      "kvalitet.register_namn": "Nationella diabetesregistret, Svenska palliativregistret",
      "kvalitet.medicinsk_bedomning": 0.87,
      "kvalitet.telefon_samma_dag": 0.92,
    },
    reports: {
      "avvikelser.synpunkter": 46,
      "avvikelser.klagomal": 18,
      "avvikelser.avvikelser": 64,
      "avvikelser.lex_maria": 1,
    },
  },
  hemtjanst: {
    orgnr: "559301-2775",
    provider: "Omsorg i Hemmet Exempel AB",
    unit: "Hemtjänst Norr",
    avtal: "HT-LOV-2023",
    series: {
      "volymer.ht_brukare": stock(118, 0.4),
      "volymer.ht_beviljade": SEASON.map(() => 3600),
      "volymer.ht_utforda": SEASON.map((_, i) => 3240 + (i % 3) * 10),
    },
    staff: { underskoterskor: 22, vardbitraden: 14, ledning: 2.5, ovriga: 1 },
    costs: {
      personal: 17_100_000,
      lokaler: 700_000,
      ovrigt: 2_590_400,
      avskrivningar: 150_000,
      intakter: 21_220_000,
      ekIb: 1_500_000,
    },
    quality: {
      "kvalitet.helhetsintryck": 0.88,
      "kvalitet.bemotande": 0.95,
      "kvalitet.kvalitetsregister": "Ja",
      "kvalitet.register_namn": "Senior alert",
      "kvalitet.kontinuitet": 15.2,
    },
    reports: {
      "avvikelser.synpunkter": 30,
      "avvikelser.klagomal": 12,
      "avvikelser.avvikelser": 85,
      "avvikelser.lex_sarah": 2,
    },
  },
  sarskilt_boende: {
    orgnr: "556789-0123",
    provider: "Äldreboende Exempel AB",
    unit: "Solgården",
    avtal: "SAB-LOU-2022",
    series: {
      "volymer.sab_platser": SEASON.map(() => 60),
      "volymer.sab_boende": SEASON.map((_, i) => 58 - (i % 4 === 3 ? 1 : 0)),
      "volymer.sab_varddygn": DAYS.map((d) => 58 * d),
    },
    staff: { sjukskoterskor: 5, underskoterskor: 30, vardbitraden: 16, ledning: 3, ovriga: 2 },
    costs: {
      personal: 31_000_000,
      lokaler: 6_000_000,
      ovrigt: 2_799_600,
      avskrivningar: 400_000,
      intakter: 41_530_000,
      ekIb: 3_000_000,
    },
    quality: {
      "kvalitet.helhetsintryck": 0.83,
      "kvalitet.kvalitetsregister": "Ja",
      "kvalitet.register_namn": "Senior alert, BPSD, Svenska palliativregistret",
    },
    reports: {
      "avvikelser.synpunkter": 22,
      "avvikelser.klagomal": 9,
      "avvikelser.avvikelser": 140,
      "avvikelser.lex_maria": 1,
      "avvikelser.lex_sarah": 1,
    },
  },
  forskola: {
    orgnr: "802471-2344",
    provider: "Föräldrakooperativet Exempel ek. för.",
    unit: "Förskolan Exempel",
    avtal: "FSK-GODK-2021",
    series: {
      "volymer.fsk_barn": stock(94, 0.3),
      "volymer.fsk_oppetdagar": [21, 20, 21, 20, 20, 20, 10, 21, 22, 23, 20, 19],
    },
    staff: { forskollarare: 8, barnskotare: 10, ledning: 1.5, ovriga: 1.5 },
    costs: {
      personal: 11_000_000,
      lokaler: 2_600_000,
      ovrigt: 1_800_000,
      avskrivningar: 100_000,
      intakter: 16_010_000,
      ekIb: 600_000,
    },
    quality: { "kvalitet.helhetsintryck": 0.9 },
    reports: {
      "avvikelser.synpunkter": 12,
      "avvikelser.klagomal": 3,
      "avvikelser.avvikelser": 10,
      "avvikelser.krankande": 2,
    },
  },
  grundskola: {
    orgnr: "559112-2337",
    provider: "Skolan Exempel AB",
    unit: "Exempelskolan F–9",
    avtal: "GR-GODK-2019",
    series: {
      "volymer.gr_elever": stock(418, 0.2),
      "volymer.gr_skoldagar": [15, 19, 21, 18, 19, 8, 0, 9, 22, 18, 20, 14],
    },
    staff: { larare: 33, elevhalsa: 3.5, ledning: 4, ovriga: 6 },
    costs: {
      personal: 36_000_000,
      lokaler: 7_500_000,
      ovrigt: 4_800_000,
      avskrivningar: 500_000,
      intakter: 50_410_000,
      ekIb: 4_000_000,
    },
    quality: { "kvalitet.helhetsintryck": 0.78 },
    reports: {
      "avvikelser.synpunkter": 15,
      "avvikelser.klagomal": 7,
      "avvikelser.avvikelser": 25,
      "avvikelser.krankande": 11,
    },
  },
  lss_boende: {
    orgnr: "212000-0142",
    provider: "Stockholms kommun (egen regi)",
    unit: "Gruppbostaden Exempel",
    avtal: "IO-LSS-2025",
    series: {
      "volymer.lss_boende": SEASON.map(() => 6),
      "volymer.lss_dygn": DAYS.map((d) => 6 * d),
    },
    staff: { underskoterskor: 2, vardbitraden: 1, stodpersonal: 8, ledning: 0.8, ovriga: 0.5 },
    costs: {
      personal: 5_500_000,
      lokaler: 700_000,
      ovrigt: 400_000,
      avskrivningar: 50_000,
      intakter: 6_870_000,
      ekIb: 250_000,
    },
    quality: { "kvalitet.helhetsintryck": 0.86, "kvalitet.bemotande": 0.93 },
    reports: {
      "avvikelser.synpunkter": 4,
      "avvikelser.klagomal": 1,
      "avvikelser.avvikelser": 18,
      "avvikelser.lex_sarah": 0,
    },
  },
};

/**
 * Realistic, valid input values for an area, keyed by field key, as they would stand in the cells
 * (code lists as their labels, percentages as fractions, dates as Excel serials). A full year
 * 2025 report; figures follow /work/shared/data/reference-figures.md (e.g. 472 kr per granted
 * home-care hour, 1 880 kr per nursing-home day, ~1 800 listed patients per GP, margin above 3 %).
 */
export function exampleSubmission(
  area: AreaCode,
  template?: TemplateDefinition,
  options: { year?: number } = {},
): FieldValues {
  const ex = EXAMPLES[area];
  const year = options.year ?? 2025;
  const areaLabel = template ? codeLabel(template, "verksamhetsomrade", area) : undefined;
  const values: FieldValues = {
    "uppgifter.orgnr": ex.orgnr,
    "uppgifter.utforare": ex.provider,
    "uppgifter.enhet": ex.unit,
    "uppgifter.verksamhetsomrade": areaLabel ?? AREA_LABELS[area],
    "uppgifter.avtal_id": ex.avtal,
    "uppgifter.ar": year,
    "uppgifter.periodicitet": "År",
    "uppgifter.period": null,
    "uppgifter.kontaktperson": "Anna Andersson",
    "uppgifter.epost": "anna.andersson@exempel.se",
    "uppgifter.telefon": "08-123 456 78",
    "uppgifter.inlamningsdatum": isoDateToSerial(`${year + 1}-01-12`) ?? null,
  };
  for (const [series, months] of Object.entries(ex.series)) {
    months.forEach((v, i) => (values[`${series}.${monthSuffix(i + 1)}`] = v));
  }
  const staffKeys = [
    "lakare",
    "sjukskoterskor",
    "underskoterskor",
    "vardbitraden",
    "rehab",
    "psykosocial",
    "forskollarare",
    "barnskotare",
    "larare",
    "elevhalsa",
    "stodpersonal",
    "ledning",
    "ovriga",
  ];
  for (const k of staffKeys) values[`resurser.${k}`] = ex.staff[k] ?? 0;
  const c = ex.costs;
  const result = c.intakter - c.personal - c.lokaler - c.ovrigt - c.avskrivningar;
  Object.assign(values, {
    "ekonomi.intakter": c.intakter,
    "ekonomi.kostnad_personal": c.personal,
    "ekonomi.kostnad_lokaler": c.lokaler,
    "ekonomi.kostnad_ovrigt": c.ovrigt,
    "ekonomi.avskrivningar": c.avskrivningar,
    "ekonomi.ek_ib": c.ekIb,
    "ekonomi.ek_ovrigt": null,
    "ekonomi.ek_ub": c.ekIb + result,
  });
  Object.assign(values, ex.quality, ex.reports);
  if (template) {
    for (const key of Object.keys(values)) if (!findField(template, key)) delete values[key];
  }
  return values;
}

const AREA_LABELS: Record<AreaCode, string> = {
  primarvard: "Primärvård",
  hemtjanst: "Hemtjänst",
  sarskilt_boende: "Särskilt boende",
  forskola: "Förskola",
  grundskola: "Grundskola",
  lss_boende: "Bostad med särskild service (LSS)",
};

/**
 * Evaluate every computed cell from the given values (memoised, in dependency order). Values
 * given for a computed key override the evaluation (to simulate an overwritten formula).
 */
export function computeCells(
  template: TemplateDefinition,
  values: Record<string, SnapshotValue>,
): Record<string, SnapshotValue> {
  const out: Record<string, SnapshotValue> = {};
  const byKey = new Map(template.computed.map((c) => [c.key, c]));
  const visiting = new Set<string>();
  const read = (key: string): SnapshotValue | undefined => {
    if (key in out) return out[key];
    if (key in values) return values[key];
    const c = byKey.get(key);
    if (!c) return null;
    if (visiting.has(key)) return { kind: "error", code: "#REF!" };
    visiting.add(key);
    const v = evaluateExpr(c.expr, read);
    visiting.delete(key);
    out[key] = v;
    return v;
  };
  for (const c of template.computed) read(c.key);
  return out;
}

function labelSheet(template: TemplateDefinition, sheet: SheetSnapshot): void {
  const def = template.sheets.find((s) => s.name === sheet.name);
  if (!def) return;
  setSheetCell(sheet, "A1", def.title);
  setSheetCell(sheet, "A2", def.intro);
  for (const [a1, text] of Object.entries(def.headers)) setSheetCell(sheet, a1, text);
  for (const [a1, text] of Object.entries(def.sections)) setSheetCell(sheet, a1, text);
}

/** Options for {@link snapshotFromValues}. */
export interface SnapshotFromValuesOptions {
  /** Evaluate computed cells (default true). When false they are left empty, as in an uncalculated file. */
  computeFormulas?: boolean;
  /** Leave out the stamp (defined name and meta sheet), e.g. to test integrity checks. */
  omitStamp?: boolean;
}

/**
 * Build the WorkbookSnapshot a provider's workbook would give for these values: titles, headers,
 * labels, units and help text where the generator puts them, inputs in their cells, computed cells
 * evaluated like Excel, and the stamp (defined name + very hidden meta sheet with the manifest).
 * Values keyed by a computed key replace that cell's result.
 */
export function snapshotFromValues(
  template: TemplateDefinition,
  values: Record<string, SnapshotValue>,
  options: SnapshotFromValuesOptions = {},
): WorkbookSnapshot {
  const sheets = template.sheets.map<SheetSnapshot>((s) => ({
    name: s.name,
    visibility: "visible",
    rows: [],
  }));
  const byName = new Map(sheets.map((s) => [s.name, s]));
  for (const s of sheets) labelSheet(template, s);
  const seriesLabelled = new Set<string>();
  for (const f of template.fields) {
    const sheet = byName.get(f.sheet)!;
    if (f.series) {
      if (!seriesLabelled.has(f.series)) {
        const series = template.series.find((x) => x.key === f.series)!;
        setSheetCell(sheet, f.labelCell, series.label);
        setSheetCell(sheet, f.labelCell.replace(/^A/, "B"), series.unit);
        seriesLabelled.add(f.series);
      }
    } else {
      setSheetCell(sheet, f.labelCell, f.label);
      if (f.unit) setSheetCell(sheet, f.labelCell.replace(/^A/, "B"), f.unit);
      setSheetCell(sheet, f.labelCell.replace(/^A/, "D"), f.help);
    }
    const v = values[f.key];
    setSheetCell(sheet, f.cell, v === undefined ? null : v);
  }
  const computed = options.computeFormulas === false ? {} : computeCells(template, values);
  for (const c of template.computed) {
    const sheet = byName.get(c.sheet)!;
    if (c.labelCell && !c.series) {
      setSheetCell(sheet, c.labelCell, c.label);
      if (c.unit) setSheetCell(sheet, c.labelCell.replace(/^A/, "B"), c.unit);
      setSheetCell(sheet, c.labelCell.replace(/^A/, "D"), c.help);
    } else if (c.labelCell && c.series && c.month === 1) {
      const series = template.series.find((x) => x.key === c.series)!;
      setSheetCell(sheet, c.labelCell, series.label);
      setSheetCell(sheet, c.labelCell.replace(/^A/, "B"), series.unit);
    }
    const v = c.key in values ? values[c.key] : (computed[c.key] ?? null);
    setSheetCell(sheet, c.cell, v);
  }
  const snapshot: WorkbookSnapshot = { sheets };
  if (!options.omitStamp) {
    const area = values[template.roles.area];
    sheets.push(metaSheet(template, typeof area === "string" ? area : null));
    snapshot.definedNames = {
      [template.stamp.definedName]:
        `${template.stamp.metaSheet}!$${template.stamp.stampCell.replace(/(\d+)/, "$$$1")}`,
    };
  }
  return snapshot;
}

/**
 * The very hidden meta sheet: stamp, id, version, area, the shared workbook the file is bound to
 * (when given) and the field manifest (key | sheet | cell).
 */
export function metaSheet(
  template: TemplateDefinition,
  areaLabel: string | null,
  workbookId: string | null = null,
): SheetSnapshot {
  const st = template.stamp;
  const sheet: SheetSnapshot = { name: st.metaSheet, visibility: "veryHidden", rows: [] };
  const put = (cell: string, label: string, value: CellValue) => {
    setSheetCell(sheet, cell.replace(/^[A-Z]+/, "A"), label);
    setSheetCell(sheet, cell, value);
  };
  put(st.stampCell, "stämpel", templateStamp(template));
  put(st.idCell, "mall", template.id);
  put(st.versionCell, "version", template.version);
  put(st.areaCell, "verksamhetsområde", areaLabel);
  put(st.workbookIdCell, "arbetsbok", workbookId);
  const header = st.manifestStartRow - 1;
  setSheetCell(sheet, `A${header}`, "nyckel");
  setSheetCell(sheet, `B${header}`, "blad");
  setSheetCell(sheet, `C${header}`, "cell");
  template.fields.forEach((f, i) => {
    const r = st.manifestStartRow + i;
    setSheetCell(sheet, `A${r}`, f.key);
    setSheetCell(sheet, `B${r}`, f.sheet);
    setSheetCell(sheet, `C${r}`, f.cell);
  });
  return sheet;
}
