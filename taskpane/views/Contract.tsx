/**
 * Avtal: evaluate the workbook against an avtal (a bundled example or a JSON file). Each clause
 * shows its status against the contract (not a peer ranking), the clause it comes from, sanction
 * and åtgärdsplan due date. The provider can explain a deviation; a controller accepts or rejects
 * the explanation. Signed in, with the workbook on the server, explanations and decisions are
 * stored in the shared store (/api/workbooks/{id}/deviation-responses); otherwise they are kept in
 * this browser (localStorage), and the view says so.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
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
import type { ApiClient, DeviationResponse, Me } from "../../src/api";
import type { Analysis } from "../state/analyse";
import { periodText } from "./Overview";
import { sv } from "../text/sv";
import { ErrorState, Loading, Notice, useCommonStyles } from "../components/common";

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
  justifiedBy?: string;
  justifiedAt?: string;
  decision?: "accepted" | "rejected";
  decisionNote?: string;
  decidedBy?: string;
  decidedAt?: string;
}

/** Where a card's justification and decision are kept: this browser or the shared store. */
interface ResponseBackend {
  initial: Decision;
  justify(justification: string, current: Decision): Promise<Decision>;
  decide(decision: "accepted" | "rejected", note: string, current: Decision): Promise<Decision>;
}

const localDate = (iso: string) => new Date(iso).toLocaleDateString("sv-SE");

function fromServer(r: DeviationResponse | undefined): Decision {
  if (!r) return {};
  return {
    justification: r.justification,
    justifiedBy: r.justifiedByName,
    justifiedAt: localDate(r.justifiedAt),
    decision: r.decision ?? undefined,
    decisionNote: r.decisionNote ?? undefined,
    decidedBy: r.decidedByName ?? undefined,
    decidedAt: r.decidedAt ? localDate(r.decidedAt) : undefined,
  };
}

const responseKey = (avtalId: string, avtalVersion: string, clauseId: string) =>
  `${avtalId}@${avtalVersion}:${clauseId}`;

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
  backend,
  canExplain,
  canDecide,
}: {
  d: Deviation;
  unit: string;
  backend: ResponseBackend;
  canExplain: boolean;
  canDecide: boolean;
}) {
  const c = useCommonStyles();
  const s = useStyles();
  const [state, setState] = useState<Decision>(backend.initial);
  const [draft, setDraft] = useState(state.justification ?? "");
  const [note, setNote] = useState("");
  const [saved, setSaved] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState("");
  const style = STATUS_STYLE[d.status];
  const run = async (op: () => Promise<Decision>) => {
    setBusy(true);
    setFailure("");
    setSaved(sv.contract.saving);
    try {
      setState(await op());
      setSaved(sv.contract.saved);
    } catch (e) {
      setSaved("");
      setFailure(sv.contract.saveFailed(e instanceof Error ? e.message : String(e)));
    } finally {
      setBusy(false);
    }
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
                onClick={() => void run(() => backend.justify(draft.trim(), state))}
                disabled={busy || !draft.trim()}
              >
                {sv.contract.saveJustification}
              </Button>
            )}
            {canDecide && state.justification && (
              <>
                <Button
                  size="small"
                  disabled={busy}
                  onClick={() => void run(() => backend.decide("accepted", note.trim(), state))}
                >
                  {sv.contract.accept}
                </Button>
                <Button
                  size="small"
                  disabled={busy}
                  onClick={() => void run(() => backend.decide("rejected", note.trim(), state))}
                >
                  {sv.contract.reject}
                </Button>
              </>
            )}
          </div>
          {canDecide && state.justification && (
            <Field label={sv.contract.decisionNoteLabel}>
              <Textarea value={note} onChange={(_, v) => setNote(v.value)} resize="vertical" />
            </Field>
          )}
          {state.justification && state.justifiedBy && (
            <span className={c.muted}>
              {sv.contract.justifiedBy(state.justifiedBy, state.justifiedAt ?? "")}
            </span>
          )}
          {state.decision && state.decisionNote && (
            <div>
              <strong>{sv.contract.decisionNote}:</strong> {state.decisionNote}
            </div>
          )}
          {failure && <ErrorState message={failure} />}
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

type Remote =
  | { status: "loading" }
  | { status: "ready"; workbookId: string; responses: Map<string, DeviationResponse> }
  | { status: "error"; message: string };

export function Contract({
  analysis,
  me,
  api,
  workbookId,
}: {
  analysis: Analysis;
  me?: Me;
  /** With a signed-in user and the workbook's id on the server, responses live in the shared store. */
  api?: ApiClient;
  workbookId?: string;
}) {
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
  const shared = Boolean(me && api && workbookId);
  const [loaded, setRemote] = useState<Remote>({ status: "loading" });
  // A list loaded for another workbook is not this one's (until the effect below reloads).
  const remote: Remote =
    loaded.status === "ready" && loaded.workbookId !== workbookId ? { status: "loading" } : loaded;
  const [reload, setReload] = useState(0);

  // Keyed on the user id, not the Me object: a refreshed session object must not reload (and
  // remount the cards, losing what is being typed).
  const userId = me?.userId;
  useEffect(() => {
    if (!userId || !api || !workbookId) return;
    let cancelled = false;
    setRemote({ status: "loading" });
    api.deviationResponses(workbookId).then(
      (list) => {
        if (cancelled) return;
        const responses = new Map<string, DeviationResponse>();
        for (const r of list) responses.set(responseKey(r.avtalId, r.avtalVersion, r.clauseId), r);
        setRemote({ status: "ready", workbookId, responses });
      },
      (e: unknown) =>
        !cancelled && setRemote({ status: "error", message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      cancelled = true;
    };
  }, [userId, api, workbookId, reload]);

  /** The backend of one clause's card: the shared store when signed in with a server workbook. */
  const backendFor = useCallback(
    (a: Avtal, clauseId: string, storageKey: string): ResponseBackend => {
      if (api && workbookId && remote.status === "ready") {
        const key = responseKey(a.id, a.version, clauseId);
        const remember = (r: DeviationResponse) => {
          // Keep the view's copy current so a card shown again (another avtal and back) is up to date.
          remote.responses.set(key, r);
          return fromServer(r);
        };
        return {
          initial: fromServer(remote.responses.get(key)),
          justify: async (justification) =>
            remember(
              await api.saveJustification(workbookId, a.id, clauseId, {
                avtalVersion: a.version,
                justification,
              }),
            ),
          decide: async (decision, note) =>
            remember(
              await api.decideDeviation(workbookId, a.id, clauseId, {
                avtalVersion: a.version,
                decision,
                ...(note ? { note } : {}),
              }),
            ),
        };
      }
      return {
        initial: loadDecision(storageKey),
        justify: async (justification, current) => {
          const next: Decision = {
            ...current,
            justification,
            decision: undefined,
            decisionNote: undefined,
            decidedBy: undefined,
            decidedAt: undefined,
          };
          saveDecision(storageKey, next);
          return next;
        },
        decide: async (decision, note, current) => {
          const next: Decision = {
            ...current,
            decision,
            decisionNote: note || undefined,
            decidedBy: me?.name ?? "",
            decidedAt: TODAY(),
          };
          saveDecision(storageKey, next);
          return next;
        },
      };
    },
    [api, workbookId, remote, me],
  );
  // Signed in, the role decides; signed out (local only) both sides can be tried out.
  const canExplain = shared ? me?.role === "utforare" : !me || me.role === "utforare";
  const canDecide = shared ? me?.role === "controller" : !me || me.role === "controller";

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
          <Notice intent="info">{shared ? sv.contract.storedOnServer : sv.contract.storedLocally}</Notice>
          {me && me.role !== "utforare" && me.role !== "controller" && (
            <Notice>{sv.contract.signInRole}</Notice>
          )}
          <Checkbox
            checked={showAll}
            onChange={(_, d) => setShowAll(Boolean(d.checked))}
            label={sv.contract.showAll}
          />
          <h3 className={c.h3}>{sv.contract.deviations}</h3>
          {shared && remote.status === "loading" ? (
            <Loading label={sv.contract.loadingResponses} />
          ) : shared && remote.status === "error" ? (
            <ErrorState
              message={sv.contract.loadFailed(remote.message)}
              onRetry={() => setReload((n) => n + 1)}
            />
          ) : shown.length === 0 ? (
            <Notice intent="success">{sv.contract.noDeviations}</Notice>
          ) : (
            <ul className={s.list}>
              {shown.map((d) => (
                <DeviationCard
                  key={`${shared ? `${workbookId}:` : ""}${avtal.id}@${avtal.version}-${d.clauseId}`}
                  d={d}
                  unit={unitOf(d)}
                  canExplain={canExplain}
                  canDecide={canDecide}
                  backend={backendFor(
                    avtal,
                    d.clauseId,
                    `${avtal.id}@${avtal.version}:${analysis.submission.orgnr ?? ""}:${analysis.submission.year ?? ""}-${analysis.submission.period ?? ""}:${d.clauseId}`,
                  )}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
