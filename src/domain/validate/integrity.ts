/**
 * Template integrity: stamp (id + version), sheets (missing, renamed, extra) and moved inputs.
 * Produces the address map the other rules read through, so a renamed sheet or an inserted row
 * gives one finding and the values are still read from where they now stand.
 */
import {
  a1ToPosition,
  findSheet,
  getSheetCell,
  resolveDefinedName,
  toA1,
  type SheetSnapshot,
  type WorkbookSnapshot,
} from "../snapshot";
import {
  compareVersions,
  parseTemplateStamp,
  templateStamp,
  type TemplateDefinition,
} from "../template/types";
import { displayValue, rawAt, type AddressMap } from "./cells";
import { finding, type Finding } from "./findings";
import { cellAt, normLabel, validationPlan, type ValidationPlan } from "./plan";

/** Outcome of the integrity checks. */
export interface IntegrityResult {
  findings: Finding[];
  /** The template to validate against (the workbook's own version when it is a known older one). */
  template: TemplateDefinition;
  /** Expected sheet name -> actual sheet name (null when missing). */
  sheets: Map<string, string | null>;
  /** Key -> where its value actually is. */
  addresses: AddressMap;
}

function checkStamp(
  snapshot: WorkbookSnapshot,
  template: TemplateDefinition,
  registry: readonly TemplateDefinition[],
  requireStamp: boolean,
): { findings: Finding[]; template: TemplateDefinition } {
  const findings: Finding[] = [];
  const nameRaw = resolveDefinedName(snapshot, template.stamp.definedName);
  const metaRaw = rawAt(snapshot, template.stamp.metaSheet, template.stamp.stampCell);
  const byName = typeof nameRaw === "string" ? parseTemplateStamp(nameRaw) : undefined;
  const byMeta = typeof metaRaw === "string" ? parseTemplateStamp(metaRaw) : undefined;
  const stamp = byName ?? byMeta;
  const expected = templateStamp(template);
  if (!stamp) {
    findings.push(
      finding(
        "TEMPLATE_STAMP_MISSING",
        {},
        `Arbetsboken saknar mallens stämpel (${template.stamp.definedName}). Använd en arbetsbok som skapats från mallen ${expected}.`,
        {
          expected,
          actual: displayValue(nameRaw ?? metaRaw ?? null),
          severity: requireStamp ? "error" : "warning",
        },
      ),
    );
    return { findings, template };
  }
  if (byName && byMeta && (byName.id !== byMeta.id || byName.version !== byMeta.version)) {
    findings.push(
      finding(
        "TEMPLATE_STAMP_CONFLICT",
        { sheet: template.stamp.metaSheet, cell: template.stamp.stampCell },
        `Mallens stämpel är motstridig: namnet ${template.stamp.definedName} anger ${byName.id}@${byName.version} men metabladet ${byMeta.id}@${byMeta.version}.`,
        {
          expected: `${byName.id}@${byName.version}`,
          actual: `${byMeta.id}@${byMeta.version}`,
        },
      ),
    );
  }
  const actual = `${stamp.id}@${stamp.version}`;
  if (stamp.id !== template.id) {
    findings.push(
      finding(
        "TEMPLATE_ID_MISMATCH",
        {},
        `Arbetsboken är skapad från mallen ${stamp.id}, men granskas mot ${template.id}.`,
        { expected, actual },
      ),
    );
    return { findings, template };
  }
  if (stamp.version === template.version) return { findings, template };
  const known = registry.find((t) => t.id === stamp.id && t.version === stamp.version);
  if (known && compareVersions(stamp.version, template.version) < 0) {
    findings.push(
      finding(
        "TEMPLATE_VERSION_OLD",
        {},
        `Arbetsboken är skapad från mallversion ${stamp.version}; aktuell version är ${template.version}. Den granskas mot version ${stamp.version} och kan uppgraderas.`,
        { expected: template.version, actual: stamp.version },
      ),
    );
    return { findings, template: known };
  }
  if (known) {
    findings.push(
      finding(
        "TEMPLATE_VERSION_NEWER",
        {},
        `Arbetsboken är skapad från mallversion ${stamp.version}, som är nyare än ${template.version}. Den granskas mot version ${stamp.version}.`,
        { expected: template.version, actual: stamp.version },
      ),
    );
    return { findings, template: known };
  }
  findings.push(
    finding(
      "TEMPLATE_VERSION_UNKNOWN",
      {},
      `Mallversionen ${stamp.version} är okänd för programmet (kända: ${registry
        .filter((t) => t.id === template.id)
        .map((t) => t.version)
        .join(", ")}).`,
      { expected: template.version, actual: stamp.version },
    ),
  );
  return { findings, template };
}

function mapSheets(
  snapshot: WorkbookSnapshot,
  plan: ValidationPlan,
  findings: Finding[],
): { actualNames: (string | null)[]; sheetObjs: (SheetSnapshot | undefined)[] } {
  const template = plan.template;
  const actualNames: (string | null)[] = [];
  const sheetObjs: (SheetSnapshot | undefined)[] = [];
  const extras: SheetSnapshot[] = [];
  for (const s of snapshot.sheets) {
    const lower = s.name.toLowerCase();
    if (!plan.expectedSheetNames.has(lower) && lower !== plan.metaSheetLower) extras.push(s);
  }
  let claimed: Set<string> | null = null;
  for (const def of template.sheets) {
    const found = findSheet(snapshot, def.name);
    if (found) {
      actualNames.push(found.name);
      // The first sheet with exactly found.name is found itself: it was the first match of def.name.
      sheetObjs.push(found);
      continue;
    }
    const labels = plan.labelsBySheet.get(def.name) ?? [];
    const title = normLabel(def.title);
    const candidate = extras.find((x) => {
      if (claimed?.has(x.name)) return false;
      if (normLabel(getSheetCell(x, { row: 0, col: 0 })) === title) return true;
      const hits = labels.filter((e) => normLabel(cellAt(x, e.row, e.col)) === e.norm).length;
      return labels.length > 0 && hits >= Math.ceil(labels.length / 2);
    });
    if (candidate) {
      (claimed ??= new Set()).add(candidate.name);
      actualNames.push(candidate.name);
      sheetObjs.push(findSheet(snapshot, candidate.name));
      findings.push(
        finding(
          "SHEET_RENAMED",
          { sheet: candidate.name },
          `Bladet ”${def.name}” har bytt namn till ”${candidate.name}”. Byt tillbaka namnet till ”${def.name}”.`,
          { expected: def.name, actual: candidate.name },
        ),
      );
    } else {
      actualNames.push(null);
      sheetObjs.push(undefined);
      findings.push(
        finding(
          "SHEET_MISSING",
          { sheet: def.name },
          `Bladet ”${def.name}” saknas. Uppgifterna på bladet kan inte granskas.`,
          { expected: def.name },
        ),
      );
    }
  }
  for (const x of extras) {
    if (claimed?.has(x.name) || plan.auxiliarySheets.has(x.name.toLowerCase())) continue;
    if (hidden(x)) {
      findings.push(
        finding(
          "SHEET_HIDDEN",
          { sheet: x.name },
          `Arbetsboken har ett dolt blad ”${x.name}” som inte ingår i mallen; det granskas inte. Kontrollera att inga uppgifter står där.`,
          { expected: "synligt", actual: visibilityText(x), severity: "warning" },
        ),
      );
    } else {
      findings.push(
        finding(
          "SHEET_EXTRA",
          { sheet: x.name },
          `Bladet ”${x.name}” ingår inte i mallen och granskas inte.`,
          { actual: x.name },
        ),
      );
    }
  }
  // A template sheet the provider has hidden: its values are read, but nobody sees them.
  for (const sheet of sheetObjs) {
    if (sheet && hidden(sheet))
      findings.push(
        finding(
          "SHEET_HIDDEN",
          { sheet: sheet.name },
          `Bladet ”${sheet.name}” är dolt. Visa det igen (högerklicka på en bladflik > Ta fram) så att uppgifterna syns.`,
          { expected: "synligt", actual: visibilityText(sheet) },
        ),
      );
  }
  return { actualNames, sheetObjs };
}

/** Hidden or very hidden (ExcelJS says "hidden", Office.js "Hidden": either spelling). */
function hidden(sheet: SheetSnapshot): boolean {
  const v = String(sheet.visibility ?? "visible").toLowerCase();
  return v === "hidden" || v === "veryhidden";
}

function visibilityText(sheet: SheetSnapshot): string {
  return String(sheet.visibility).toLowerCase() === "veryhidden" ? "mycket dolt" : "dolt";
}

function rowText(n: number): string {
  return n === 1 ? "1 rad" : `${n} rader`;
}

/** Row numbers of each (normalised) text in column A. */
function columnALabels(sheet: SheetSnapshot): Map<string, number[]> {
  const index = new Map<string, number[]>();
  (Array.isArray(sheet.rows) ? sheet.rows : []).forEach((r, i) => {
    const t = normLabel(Array.isArray(r) ? r[0] : null);
    if (t) index.set(t, [...(index.get(t) ?? []), i]);
  });
  return index;
}

/** Detect moved label rows; returns the row offset per slot, or null when nothing moved. */
function checkMoved(
  plan: ValidationPlan,
  actualNames: readonly (string | null)[],
  sheetObjs: readonly (SheetSnapshot | undefined)[],
  findings: Finding[],
): Int32Array | null {
  let offsets: Int32Array | null = null;
  for (const { sheetIndex: ti, entries } of plan.labelSheets) {
    const actualName = ti < 0 ? null : actualNames[ti];
    if (!actualName) continue;
    const sheet = sheetObjs[ti]!;
    // Usually every label is where the template puts it: find the first that is not, if any,
    // before allocating anything.
    let first = 0;
    while (first < entries.length) {
      const e = entries[first];
      const actual = cellAt(sheet, e.row, e.col);
      if (actual !== e.label && normLabel(actual) !== e.norm) break;
      first++;
    }
    if (first === entries.length) continue;
    // Column A's labels by text, built only when some label is not where the template puts it.
    let colA: Map<string, number[]> | null = null;
    const moved = new Map<number, { cells: string[]; labels: string[] }>();
    const changed: { cell: string; label: string; actual: unknown }[] = [];
    for (let k = first; k < entries.length; k++) {
      const e = entries[k];
      const actual = cellAt(sheet, e.row, e.col);
      if (actual === e.label || normLabel(actual) === e.norm) continue;
      colA ??= columnALabels(sheet);
      const candidates = colA.get(e.norm);
      if (candidates && candidates.length > 0) {
        const nearest = candidates.reduce((a, b) => (Math.abs(b - e.row) < Math.abs(a - e.row) ? b : a));
        const offset = nearest - e.row;
        const g = moved.get(offset) ?? { cells: [], labels: [] };
        g.cells.push(e.labelCell);
        g.labels.push(e.label);
        moved.set(offset, g);
        if (offset !== 0) {
          offsets ??= new Int32Array(plan.slotCount);
          for (const s of e.slots) offsets[s] = offset;
        }
      } else {
        changed.push({ cell: e.labelCell, label: e.label, actual });
      }
    }
    for (const [offset, g] of moved) {
      const dir = offset > 0 ? "ned" : "upp";
      const first = a1ToPosition(g.cells[0]).row + 1;
      const msg =
        g.cells.length === 1
          ? `Raden ”${g.labels[0]}” har flyttats ${rowText(Math.abs(offset))} ${dir} (från rad ${first} till rad ${first + offset}). Flytta tillbaka den; värdet läses från den nya raden.`
          : `${g.cells.length} rader (från ”${g.labels[0]}”) har flyttats ${rowText(Math.abs(offset))} ${dir}, troligen för att rader har infogats eller tagits bort. Återställ raderna; värdena läses från de nya raderna.`;
      findings.push(
        finding("INPUT_MOVED", { sheet: actualName, cell: g.cells[0], cells: g.cells }, msg, {
          expected: first,
          actual: first + offset,
          delta: offset,
        }),
      );
    }
    if (changed.length > 3) {
      findings.push(
        finding(
          "LABEL_CHANGED",
          { sheet: actualName, cell: changed[0].cell, cells: changed.map((c) => c.cell) },
          `${changed.length} ledtexter på bladet ”${actualName}” har ändrats eller tagits bort. Kontrollera att värdena står på rätt rader.`,
          {
            expected: changed[0].label,
            actual: displayValue(changed[0].actual as never),
          },
        ),
      );
    } else {
      for (const c of changed) {
        findings.push(
          finding(
            "LABEL_CHANGED",
            { sheet: actualName, cell: c.cell },
            `Ledtexten i ${c.cell} ska vara ”${c.label}”. Kontrollera att värdet på raden hör till den uppgiften.`,
            { expected: c.label, actual: displayValue(c.actual as never) },
          ),
        );
      }
    }
  }
  return offsets;
}

/** The integrity checks' outcome in slot form, for the validator (see ./plan.ts). */
export interface IntegrityCore {
  findings: Finding[];
  template: TemplateDefinition;
  plan: ValidationPlan;
  /** Per template sheet: the workbook's name for it, or null when it is missing. */
  actualNames: (string | null)[];
  /** Per template sheet: the workbook's sheet. */
  sheetObjs: (SheetSnapshot | undefined)[];
  /** Row offset per slot where rows have moved; null when nothing moved. */
  offsets: Int32Array | null;
}

/** Run the integrity checks, giving slot-based results (no per-key maps). */
export function integrityCore(
  snapshot: WorkbookSnapshot,
  template: TemplateDefinition,
  registry: readonly TemplateDefinition[],
  requireStamp: boolean,
): IntegrityCore {
  const stamp = checkStamp(snapshot, template, registry, requireStamp);
  const t = stamp.template;
  const plan = validationPlan(t);
  const findings = stamp.findings;
  const { actualNames, sheetObjs } = mapSheets(snapshot, plan, findings);
  const offsets = checkMoved(plan, actualNames, sheetObjs, findings);
  return { findings, template: t, plan, actualNames, sheetObjs, offsets };
}

/** Where a slot's value actually is: the workbook's sheet name and the (possibly moved) cell. */
export function slotAddress(core: IntegrityCore, slot: number): { sheet: string; cell: string } {
  const plan = core.plan;
  const ti = plan.slotSheet[slot];
  const item = slot < plan.fieldCount ? plan.fields[slot] : plan.computed[slot - plan.fieldCount];
  const sheet = (ti < 0 ? null : core.actualNames[ti]) ?? item.sheet;
  const off = core.offsets === null ? 0 : core.offsets[slot];
  if (off === 0) return { sheet, cell: plan.slotCell[slot] };
  return { sheet, cell: toA1(Math.max(plan.slotRow[slot] + off, 0), plan.slotCol[slot]) };
}

/** Run the integrity checks. */
export function checkIntegrity(
  snapshot: WorkbookSnapshot,
  template: TemplateDefinition,
  registry: readonly TemplateDefinition[],
  requireStamp: boolean,
): IntegrityResult {
  const core = integrityCore(snapshot, template, registry, requireStamp);
  const t = core.template;
  const sheets = new Map<string, string | null>();
  t.sheets.forEach((s, i) => sheets.set(s.name, core.actualNames[i]));
  const addresses: AddressMap = new Map();
  for (let s = 0; s < core.plan.slotCount; s++) {
    const key = core.plan.slotKey[s];
    addresses.set(key, slotAddress(core, s));
  }
  return { findings: core.findings, template: t, sheets, addresses };
}
