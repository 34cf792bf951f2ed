/**
 * Avtal: evaluate the workbook against an avtal (a bundled example or a JSON file). Each clause
 * shows its status against the contract (not a peer ranking), the clause it comes from, sanction
 * and åtgärdsplan due date. The provider can explain a deviation; a controller accepts or rejects
 * the explanation. The server has no API for this yet, so explanations and decisions are kept in
 * this browser (localStorage), and the view says so.
 */
import { useMemo, useRef, useState } from "react";
import {
  Badge,
  Button,
  Checkbox,
  Field,
  Select,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import {
  computeMetrics,
  evaluateContract,
  formatKr,
  formatNumber,
  formatPercent,
  parseAvtal,
  type Avtal,
  type Deviation,
} from "../../src/domain";
import primarvardLov from "../../examples/avtal/primarvard-lov.json";
import hemtjanstLov from "../../examples/avtal/hemtjanst-lov.json";
import type { Me } from "../api/client";
import type { Analysis } from "../state/analyse";
import { periodText } from "./Overview";
import { sv } from "../text/sv";
import { ErrorState, Notice, useCommonStyles } from "../components/common";

const EXAMPLES: unknown[] = [primarvardLov, hemtjanstLov];

const useStyles = makeStyles({
  list: { listStyle: "none", padding: 0, margin: 0, display: "flex", flexDirection: "column", gap: "8px" },
  card: {
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderLeftWidth: "4px",
    borderRadius: tokens.borderRadiusMedium,
    padding: "8px",
    display: "flex",
    flexDirection: "column",
    gap: "6px",
  },
  hidden: { position: "absolute", width: "1px", height: "1px", overflow: "hidden", clip: "rect(0 0 0 0)" },
});

/** Colours mean the status against the contract's own target and tolerance. */
const STATUS_STYLE = {
  ok: { border: "#0E700E", badge: "success" },
  warning: { border: "#BC4B09", badge: "warning" },
  deviation: { border: "#B10E1C", badge: "danger" },
  not_evaluable: { border: "#616161", badge: "informative" },
} as const;

interface Decision {
  justification?: string;
  decision?: "accepted" | "rejected";
  decidedBy?: string;
  decidedAt?: string;
}

const STORAGE_PREFIX = "uppf.avtal.";

function loadDecision(key: string): Decision {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_PREFIX + key) ?? "{}") as Decision;
  } catch {
    return {};
  }
}

function saveDecision(key: string, d: Decision): void {
  try {
    localStorage.setItem(STORAGE_PREFIX + key, JSON.stringify(d));
  } catch {
    /* storage full or blocked: the decision stays on screen only */
  }
}

function showMeasure(v: number | null, unit: string): string {
  if (v === null) return "–";
  if (unit === "%") return formatPercent(v);
  if (unit === "kr") return formatKr(v);
  return `${formatNumber(v, { maxDecimals: 2 })}${unit ? `\u00a0${unit}` : ""}`;
}

/** File text (FileReader where Blob.text is missing, e.g. older WebViews). */
function readText(f: File): Promise<string> {
  if (typeof f.text === "function") return f.text();
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result ?? ""));
    r.onerror = () => reject(r.error ?? new Error("Filen kunde inte läsas"));
    r.readAsText(f);
  });
}

const TODAY = () => new Date().toISOString().slice(0, 10);

function DeviationCard({
  d,
  unit,
  storageKey,
  me,
}: {
  d: Deviation;
  unit: string;
  storageKey: string;
  me?: Me;
}) {
  const c = useCommonStyles();
  const s = useStyles();
  const [state, setState] = useState<Decision>(() => loadDecision(storageKey));
  const [draft, setDraft] = useState(state.justification ?? "");
  const [saved, setSaved] = useState("");
  const style = STATUS_STYLE[d.status];
  const canExplain = !me || me.role === "utforare";
  const canDecide = !me || me.role === "controller";
  const update = (next: Decision) => {
    setState(next);
    saveDecision(storageKey, next);
    setSaved(sv.contract.saved);
  };
  const needsAttention = d.status !== "ok";
  return (
    <li
      className={s.card}
      style={{ borderLeftColor: style.border }}
      data-testid="clause"
      data-status={d.status}
    >
      <div className={c.row}>
        <Badge appearance="filled" color={style.badge}>
          {sv.contract.status[d.status]}
        </Badge>
        <strong>
          {sv.contract.clause} {d.clauseId}: {d.clauseTitle}
        </strong>
      </div>
      {d.reference && <span className={c.muted}>{d.reference}</span>}
      <p style={{ margin: 0 }}>{d.message}</p>
      <dl className={c.dl}>
        {d.target !== null && (
          <>
            <dt>{sv.contract.target}</dt>
            <dd>
              {d.comparator === "gte" ? "≥ " : d.comparator === "lte" ? "≤ " : ""}
              {showMeasure(d.target, unit)}
            </dd>
          </>
        )}
        {d.actual !== null && (
          <>
            <dt>{sv.contract.value}</dt>
            <dd>{showMeasure(d.actual, unit)}</dd>
          </>
        )}
        <dt>{sv.contract.severityLabel}</dt>
        <dd>{d.severity}</dd>
        {d.sanction && (
          <>
            <dt>{sv.contract.sanction}</dt>
            <dd>
              {d.sanction.description}
              {d.sanction.amountKr !== null ? ` (${formatKr(d.sanction.amountKr)})` : ""}
            </dd>
          </>
        )}
        {d.actionPlanDue && (
          <>
            <dt>{sv.contract.actionPlanDue}</dt>
            <dd>{d.actionPlanDue}</dd>
          </>
        )}
      </dl>
      {needsAttention && (
        <div className={c.section}>
          {canExplain ? (
            <Field label={sv.contract.justificationLabel}>
              <Textarea value={draft} onChange={(_, v) => setDraft(v.value)} resize="vertical" />
            </Field>
          ) : (
            <div>
              <strong>{sv.contract.justification}:</strong> {state.justification ?? "–"}
            </div>
          )}
          <div className={c.row}>
            {canExplain && (
              <Button
                size="small"
                onClick={() => update({ ...state, justification: draft.trim(), decision: undefined })}
                disabled={!draft.trim()}
              >
                {sv.contract.saveJustification}
              </Button>
            )}
            {canDecide && state.justification && (
              <>
                <Button
                  size="small"
                  onClick={() =>
                    update({ ...state, decision: "accepted", decidedBy: me?.name ?? "", decidedAt: TODAY() })
                  }
                >
                  {sv.contract.accept}
                </Button>
                <Button
                  size="small"
                  onClick={() =>
                    update({ ...state, decision: "rejected", decidedBy: me?.name ?? "", decidedAt: TODAY() })
                  }
                >
                  {sv.contract.reject}
                </Button>
              </>
            )}
          </div>
          <div role="status" aria-live="polite" className={c.muted}>
            {state.decision
              ? `${sv.contract.decision[state.decision]}${state.decidedBy ? ` – ${sv.contract.decidedBy(state.decidedBy, state.decidedAt ?? "")}` : ""}`
              : state.justification
                ? sv.contract.decision.open
                : ""}{" "}
            {saved}
          </div>
        </div>
      )}
    </li>
  );
}

export function Contract({ analysis, me }: { analysis: Analysis; me?: Me }) {
  const c = useCommonStyles();
  const s = useStyles();
  const examples = useMemo(
    () => EXAMPLES.map((e) => parseAvtal(e)).flatMap((r) => (r.ok ? [r.avtal] : [])),
    [],
  );
  const matching = examples.find((a) => a.id === analysis.submission.avtalId);
  const [avtal, setAvtal] = useState<Avtal | undefined>(matching);
  const [error, setError] = useState("");
  const [showAll, setShowAll] = useState(false);
  const file = useRef<HTMLInputElement>(null);

  const results = useMemo(() => {
    if (!avtal) return [];
    const metrics = computeMetrics(
      analysis.submission,
      analysis.template,
      avtal.resultRequirement ? { rule: avtal.resultRequirement } : {},
    );
    return evaluateContract(analysis.submission, metrics, avtal, TODAY());
  }, [analysis, avtal]);
  const shown = showAll ? results : results.filter((r) => r.status !== "ok");
  const unitOf = (d: Deviation) =>
    avtal?.clauses.find((k) => k.id === d.clauseId)?.unit ?? (d.kind === "deadline" ? "dagar" : "");
  const period = periodText(analysis);

  async function loadFile(f: File) {
    setError("");
    try {
      const parsed = parseAvtal(JSON.parse(await readText(f)));
      if (!parsed.ok) setError(sv.contract.invalid(parsed.errors.slice(0, 5).join("; ")));
      else setAvtal(parsed.avtal);
    } catch (e) {
      setError(sv.contract.invalid(e instanceof Error ? e.message : String(e)));
    }
  }

  return (
    <section className={c.section} aria-labelledby="contract-h">
      <h2 id="contract-h" className={c.h2}>
        {sv.contract.heading}
      </h2>
      <Field label={sv.contract.examples}>
        <Select
          value={avtal && examples.includes(avtal) ? avtal.id : ""}
          onChange={(_, d) => setAvtal(examples.find((a) => a.id === d.value))}
          data-testid="avtal-select"
          style={{ width: "100%", minWidth: 0 }}
        >
          <option value="">{sv.contract.chooseExample}</option>
          {examples.map((a) => (
            <option key={a.id} value={a.id}>
              {`${a.id} (${a.kind}, ${a.version})`}
            </option>
          ))}
        </Select>
      </Field>
      <label className={s.hidden} htmlFor="avtal-file">
        {sv.contract.loadLabel}
      </label>
      <input
        id="avtal-file"
        ref={file}
        type="file"
        accept=".json,application/json"
        className={s.hidden}
        tabIndex={-1}
        data-testid="avtal-file"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void loadFile(f);
          e.target.value = "";
        }}
      />
      <div>
        <Button onClick={() => file.current?.click()}>{sv.contract.load}</Button>
      </div>
      {error && <ErrorState message={error} />}
      {!avtal && <Notice>{sv.contract.none}</Notice>}
      {avtal && (
        <>
          <p style={{ margin: 0, fontWeight: 600 }}>{avtal.title}</p>
          <p className={c.muted} style={{ margin: 0 }}>
            {sv.contract.evaluatedOn(TODAY())} {avtal.id} ({avtal.version}), {period}.
          </p>
          <Notice intent="info">{sv.contract.storedLocally}</Notice>
          {me && me.role !== "utforare" && me.role !== "controller" && (
            <Notice>{sv.contract.signInRole}</Notice>
          )}
          <Checkbox
            checked={showAll}
            onChange={(_, d) => setShowAll(Boolean(d.checked))}
            label={sv.contract.showAll}
          />
          <h3 className={c.h3}>{sv.contract.deviations}</h3>
          {shown.length === 0 ? (
            <Notice intent="success">{sv.contract.noDeviations}</Notice>
          ) : (
            <ul className={s.list}>
              {shown.map((d) => (
                <DeviationCard
                  key={`${avtal.id}-${d.clauseId}`}
                  d={d}
                  unit={unitOf(d)}
                  me={me}
                  storageKey={`${avtal.id}@${avtal.version}:${analysis.submission.orgnr ?? ""}:${analysis.submission.year ?? ""}-${analysis.submission.period ?? ""}:${d.clauseId}`}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
