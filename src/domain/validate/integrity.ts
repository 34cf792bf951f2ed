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
  type WorkbookSnapshot,
} from "../snapshot";
import {
  compareVersions,
  parseTemplateStamp,
  templateStamp,
  type TemplateDefinition,
} from "../template/types";
import { templateIndex } from "../template/values";
import { displayValue, rawAt, type AddressMap } from "./cells";
import { finding, type Finding } from "./findings";

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

function norm(s: unknown): string {
  return typeof s === "string"
    ? s
        .toLowerCase()
        .replace(/\s+/g, " ")
        .replace(/[:*]+$/, "")
        .trim()
    : "";
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

/** Expected label text per label cell, per sheet. */
function labelRows(
  template: TemplateDefinition,
): Map<string, Map<string, { label: string; keys: string[] }>> {
  const out = new Map<string, Map<string, { label: string; keys: string[] }>>();
  const add = (sheet: string, cell: string, label: string, key: string) => {
    if (!out.has(sheet)) out.set(sheet, new Map());
    const m = out.get(sheet)!;
    const e = m.get(cell);
    if (e) e.keys.push(key);
    else m.set(cell, { label, keys: [key] });
  };
  const seriesLabel = (key?: string) => template.series.find((s) => s.key === key)?.label;
  for (const f of template.fields)
    add(f.sheet, f.labelCell, f.series ? (seriesLabel(f.series) ?? f.label) : f.label, f.key);
  for (const c of template.computed)
    if (c.labelCell)
      add(c.sheet, c.labelCell, c.series ? (seriesLabel(c.series) ?? c.label) : c.label, c.key);
  return out;
}

function mapSheets(
  snapshot: WorkbookSnapshot,
  template: TemplateDefinition,
  findings: Finding[],
): Map<string, string | null> {
  const map = new Map<string, string | null>();
  const expectedNames = new Set(template.sheets.map((s) => s.name.toLowerCase()));
  const auxiliary = new Set((template.auxiliarySheets ?? []).map((n) => n.toLowerCase()));
  const extras = snapshot.sheets.filter(
    (s) =>
      !expectedNames.has(s.name.toLowerCase()) &&
      s.name.toLowerCase() !== template.stamp.metaSheet.toLowerCase(),
  );
  const rows = labelRows(template);
  const claimed = new Set<string>();
  for (const def of template.sheets) {
    const found = findSheet(snapshot, def.name);
    if (found) {
      map.set(def.name, found.name);
      continue;
    }
    const labels = [...(rows.get(def.name) ?? new Map()).entries()];
    const candidate = extras.find((x) => {
      if (claimed.has(x.name)) return false;
      if (norm(getSheetCell(x, { row: 0, col: 0 })) === norm(def.title)) return true;
      const hits = labels.filter(
        ([cell, e]) => norm(getSheetCell(x, a1ToPosition(cell))) === norm(e.label),
      ).length;
      return labels.length > 0 && hits >= Math.ceil(labels.length / 2);
    });
    if (candidate) {
      claimed.add(candidate.name);
      map.set(def.name, candidate.name);
      findings.push(
        finding(
          "SHEET_RENAMED",
          { sheet: candidate.name },
          `Bladet ”${def.name}” har bytt namn till ”${candidate.name}”. Byt tillbaka namnet till ”${def.name}”.`,
          { expected: def.name, actual: candidate.name },
        ),
      );
    } else {
      map.set(def.name, null);
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
    if (!claimed.has(x.name) && !auxiliary.has(x.name.toLowerCase()))
      findings.push(
        finding(
          "SHEET_EXTRA",
          { sheet: x.name },
          `Bladet ”${x.name}” ingår inte i mallen och granskas inte.`,
          { actual: x.name },
        ),
      );
  }
  return map;
}

function rowText(n: number): string {
  return n === 1 ? "1 rad" : `${n} rader`;
}

/** Detect moved label rows; fills `addresses` with the actual cells. */
function checkMoved(
  snapshot: WorkbookSnapshot,
  template: TemplateDefinition,
  sheets: Map<string, string | null>,
  addresses: AddressMap,
  findings: Finding[],
): void {
  for (const [sheetName, rows] of labelRows(template)) {
    const actualName = sheets.get(sheetName);
    if (!actualName) continue;
    const sheet = findSheet(snapshot, actualName)!;
    // Column A's labels by text, built only when some label is not where the template puts it.
    let colAIndex: Map<string, number[]> | null = null;
    const colA = (): Map<string, number[]> => {
      if (colAIndex) return colAIndex;
      colAIndex = new Map();
      (Array.isArray(sheet.rows) ? sheet.rows : []).forEach((r, i) => {
        const t = norm(Array.isArray(r) ? r[0] : null);
        if (t) colAIndex!.set(t, [...(colAIndex!.get(t) ?? []), i]);
      });
      return colAIndex;
    };
    const moved = new Map<number, { cells: string[]; labels: string[] }>();
    const changed: { cell: string; label: string; actual: unknown }[] = [];
    for (const [labelCell, e] of rows) {
      const pos = a1ToPosition(labelCell);
      const actual = getSheetCell(sheet, pos);
      let offset = 0;
      if (norm(actual) !== norm(e.label)) {
        const candidates = colA().get(norm(e.label));
        if (candidates && candidates.length > 0) {
          const nearest = candidates.reduce((a, b) =>
            Math.abs(b - pos.row) < Math.abs(a - pos.row) ? b : a,
          );
          offset = nearest - pos.row;
          const g = moved.get(offset) ?? { cells: [], labels: [] };
          g.cells.push(labelCell);
          g.labels.push(e.label);
          moved.set(offset, g);
        } else {
          changed.push({ cell: labelCell, label: e.label, actual });
        }
      }
      for (const key of e.keys) {
        const item = templateIndex(template).cells.get(key)!;
        const p = a1ToPosition(item.cell);
        addresses.set(key, { sheet: actualName, cell: toA1(Math.max(p.row + offset, 0), p.col) });
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
}

/** Run the integrity checks. */
export function checkIntegrity(
  snapshot: WorkbookSnapshot,
  template: TemplateDefinition,
  registry: readonly TemplateDefinition[],
  requireStamp: boolean,
): IntegrityResult {
  const stamp = checkStamp(snapshot, template, registry, requireStamp);
  const t = stamp.template;
  const findings = [...stamp.findings];
  const sheets = mapSheets(snapshot, t, findings);
  const addresses: AddressMap = new Map();
  for (const f of t.fields) addresses.set(f.key, { sheet: sheets.get(f.sheet) ?? f.sheet, cell: f.cell });
  for (const c of t.computed) addresses.set(c.key, { sheet: sheets.get(c.sheet) ?? c.sheet, cell: c.cell });
  checkMoved(snapshot, t, sheets, addresses, findings);
  return { findings, template: t, sheets, addresses };
}
