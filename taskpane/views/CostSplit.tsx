import { useCallback, useEffect, useMemo, useState } from "react";
import { Badge, Button, Field, Input, makeStyles, tokens } from "@fluentui/react-components";
import { formatKr, formatPercent, parseSwedishNumber } from "../../src/domain/format";
import { ApiError, type Agreement, type ApiClient, type CostKeyVersion, type Me } from "../../src/api";
import { refreshKeyFunctions } from "../state/keyClientBridge";
import { REFERENCE_PARTIES, REFERENCE_VERSIONS, splitColumns, type SplitColumn } from "../state/costsplit";
import { sv } from "../text/sv";
import { ErrorState, Loading, Notice, useCommonStyles } from "../components/common";

const useStyles = makeStyles({
  scroll: { overflowX: "auto" },
  versions: {
    listStyle: "none",
    padding: 0,
    margin: 0,
    display: "flex",
    flexDirection: "column",
    gap: "8px",
  },
  card: {
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: "8px",
    display: "flex",
    flexDirection: "column",
    gap: "6px",
  },
  form: {
    display: "flex",
    flexDirection: "column",
    gap: "8px",
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    paddingTop: "8px",
  },
});

/** Two readable colours per region (contrast ≥ 3:1 against white for graphics). */
const REGION_COLORS = ["#0F6CBD", "#8A3707", "#5C2E91", "#0B6A0B"];

function signedKr(v: number): string {
  if (v === 0) return formatKr(0);
  return `${v > 0 ? "+" : ""}${formatKr(v)}`;
}

/** Horizontal stacked bars, one per key; x positions in percent so text keeps its size at any width. */
export function SplitChart({
  columns,
  parties,
  total,
}: {
  columns: SplitColumn[];
  parties: { orgId: string; name: string }[];
  total: number;
}) {
  const barH = 22;
  const rowH = 44;
  const height = columns.length * rowH + 22;
  return (
    <figure style={{ margin: 0 }}>
      <svg role="img" aria-labelledby="split-chart-title split-chart-desc" width="100%" height={height}>
        <title id="split-chart-title">{sv.costsplit.chartTitle(formatKr(total))}</title>
        <desc id="split-chart-desc">
          {columns
            .map(
              (c) =>
                `${c.version.basis}: ${parties.map((p) => `${p.name} ${formatPercent(c.shares[p.orgId] ?? 0)}`).join(", ")}`,
            )
            .join(". ")}
        </desc>
        {columns.map((c, i) => {
          let x = 0;
          const y = i * rowH + 16;
          return (
            <g key={c.version.id}>
              <text x="0" y={y - 4} fontSize="12" fill="#242424">
                {`v${c.version.versionNo}${c.current ? ` (${sv.costsplit.current.toLowerCase()})` : ""}`}
              </text>
              {parties.map((p, k) => {
                const w = (c.shares[p.orgId] ?? 0) * 100;
                const el = (
                  <g key={p.orgId}>
                    <rect
                      x={`${x}%`}
                      y={y}
                      width={`${Math.max(0, w)}%`}
                      height={barH}
                      fill={REGION_COLORS[k % REGION_COLORS.length]}
                    />
                    {w > 15 && (
                      <text x={`${x + 1.5}%`} y={y + 15} fontSize="12" fill="#ffffff">
                        {formatPercent(c.shares[p.orgId] ?? 0)}
                      </text>
                    )}
                  </g>
                );
                x += w;
                return el;
              })}
            </g>
          );
        })}
        {parties.map((p, k) => (
          <g key={p.orgId}>
            <rect
              x={`${k * 50}%`}
              y={height - 12}
              width={10}
              height={10}
              fill={REGION_COLORS[k % REGION_COLORS.length]}
            />
            <text x={`${k * 50 + 4}%`} y={height - 3} fontSize="12" fill="#242424">
              {p.name}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

export function CostSplit({ api, me }: { api: ApiClient; me?: Me }) {
  const c = useCommonStyles();
  const s = useStyles();
  const [totalText, setTotalText] = useState("10 000 000");
  const [agreements, setAgreements] = useState<Agreement[] | undefined>();
  const [loadState, setLoadState] = useState<"idle" | "loading" | "ready" | "fallback" | "error">("idle");
  const [loadError, setLoadError] = useState("");
  const [actionError, setActionError] = useState("");
  const [status, setStatus] = useState("");
  const [basis, setBasis] = useState("");
  const [weights, setWeights] = useState<Record<string, string>>({});

  const load = useCallback(async () => {
    if (!me) {
      setLoadState("fallback");
      return;
    }
    setLoadState("loading");
    try {
      setAgreements(await api.costKeys());
      setLoadState("ready");
    } catch (e) {
      if (e instanceof ApiError && (e.offline || e.status === 403)) {
        setLoadError(e.offline ? sv.costsplit.offlineFallback : sv.costsplit.forbidden);
        setLoadState("fallback");
      } else {
        setLoadError(e instanceof Error ? e.message : String(e));
        setLoadState("error");
      }
    }
  }, [api, me]);

  useEffect(() => {
    void load();
  }, [load]);

  const total = parseSwedishNumber(totalText);
  const totalValid = total !== null && Number.isFinite(total) && total >= 0;
  const agreement = agreements?.[0];
  const key = agreement?.keys[0];
  const fallback = loadState === "fallback";
  const versions = fallback
    ? REFERENCE_VERSIONS
    : (key?.versions.filter((v) => v.status !== "superseded") ?? []);
  const parties = fallback ? REFERENCE_PARTIES : (agreement?.parties ?? []);
  const columns = useMemo(
    () =>
      totalValid
        ? splitColumns(versions, total as number).sort(
            (a, b) => Number(b.current) - Number(a.current) || a.version.versionNo - b.version.versionNo,
          )
        : [],
    [versions, total, totalValid],
  );
  const orgName = (id: string) => parties.find((p) => p.orgId === id)?.name ?? id;

  async function act(fn: () => Promise<string>) {
    setActionError("");
    try {
      setStatus(await fn());
      refreshKeyFunctions(); // a key may have become active: KOSTNADSNYCKEL cells update now
      await load();
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e));
    }
  }

  const canAct = !fallback && me?.role === "finance" && parties.some((p) => p.orgId === me.orgId);

  return (
    <section className={c.section} aria-labelledby="cs-h">
      <h2 id="cs-h" className={c.h2}>
        {sv.costsplit.heading}
      </h2>
      {!me && <Notice>{sv.costsplit.signInNeeded}</Notice>}
      {fallback && loadError && <Notice intent="warning">{loadError}</Notice>}
      {loadState === "loading" && <Loading label={sv.loading} />}
      {loadState === "error" && <ErrorState message={loadError} onRetry={() => void load()} />}
      <Field
        label={sv.costsplit.total}
        hint={sv.costsplit.totalHelp}
        validationMessage={totalValid ? undefined : sv.costsplit.totalInvalid}
      >
        <Input
          value={totalText}
          onChange={(_, d) => setTotalText(d.value)}
          inputMode="decimal"
          data-testid="cost-total"
        />
      </Field>
      {agreement && (
        <p className={c.muted} style={{ margin: 0 }}>
          {agreement.description}
        </p>
      )}
      {columns.length > 0 && (
        <>
          <div className={s.scroll}>
            <table className={c.table} data-testid="split-table">
              <caption style={{ textAlign: "left", fontWeight: 600, paddingBottom: 4 }}>
                {sv.costsplit.chartTitle(formatKr(total as number))}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{sv.costsplit.region}</th>
                  {columns.map((col) => (
                    <th scope="col" key={col.version.id} className="num">
                      {`v${col.version.versionNo}`}{" "}
                      {col.current ? `(${sv.costsplit.current.toLowerCase()})` : ""}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {parties.map((p) => (
                  <tr key={p.orgId}>
                    <th scope="row">{p.name}</th>
                    {columns.map((col) => (
                      <td key={col.version.id} className="num">
                        <div>{formatPercent(col.shares[p.orgId] ?? 0)}</div>
                        <div>{formatKr(col.amounts[p.orgId] ?? 0)}</div>
                        {!col.current && (
                          <div aria-label={sv.costsplit.diff}>{signedKr(col.diff[p.orgId] ?? 0)}</div>
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className={c.muted} style={{ margin: 0, fontSize: 12 }}>
            {sv.costsplit.share} · {sv.costsplit.amount} · {sv.costsplit.diff}
          </p>
          <SplitChart columns={columns} parties={parties} total={total as number} />
        </>
      )}
      <h3 className={c.h3}>{sv.costsplit.key}</h3>
      <ul className={s.versions}>
        {versions.map((v: CostKeyVersion) => {
          const approvedOrgs = new Set(v.approvals.map((a) => a.orgId));
          const missing = parties.filter((p) => !approvedOrgs.has(p.orgId)).map((p) => p.name);
          return (
            <li key={v.id} className={s.card} data-testid={`version-${v.versionNo}`}>
              <div className={c.row}>
                <strong>{`v${v.versionNo}`}</strong>
                <Badge
                  appearance="tint"
                  color={
                    v.status === "active" ? "success" : v.status === "proposed" ? "warning" : "informative"
                  }
                >
                  {sv.costsplit.status[v.status]}
                </Badge>
              </div>
              <span>{v.basis}</span>
              {v.note && <span className={c.muted}>{v.note}</span>}
              {!fallback && v.status !== "draft" && (
                <div>
                  <span>{sv.costsplit.approvals}: </span>
                  {v.approvals.length === 0 ? (
                    <span className={c.muted}>{sv.costsplit.none}</span>
                  ) : (
                    <span data-testid="approvals">
                      {v.approvals.map((a) => `${a.userName} (${orgName(a.orgId)})`).join(", ")}
                    </span>
                  )}
                  {v.status === "proposed" && missing.length > 0 && (
                    <div className={c.muted}>{sv.costsplit.waiting(missing.join(", "))}</div>
                  )}
                </div>
              )}
              {canAct && me && v.status === "draft" && (
                <div>
                  <Button
                    size="small"
                    onClick={() =>
                      act(async () => sv.costsplit.proposed((await api.propose(v.id)).versionNo))
                    }
                  >
                    {sv.costsplit.propose}
                  </Button>
                </div>
              )}
              {canAct && me && v.status === "proposed" && !approvedOrgs.has(me.orgId) && (
                <div>
                  <Button
                    size="small"
                    appearance="primary"
                    onClick={() =>
                      act(
                        async () =>
                          `${sv.costsplit.approvedBy} ${me.name}: v${(await api.approve(v.id)).versionNo}`,
                      )
                    }
                  >
                    {sv.costsplit.approve(orgName(me.orgId))}
                  </Button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {canAct && key && (
        <form
          className={s.form}
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              const ws = parties.map((p) => ({
                orgId: p.orgId,
                weight: parseSwedishNumber(weights[p.orgId] ?? "") ?? NaN,
              }));
              if (!basis.trim() || ws.some((w) => !Number.isFinite(w.weight) || w.weight < 0))
                throw new Error(sv.costsplit.totalInvalid);
              const draft = await api.createDraft(key.id, { basis: basis.trim(), weights: ws });
              const proposed = await api.propose(draft.id);
              setBasis("");
              setWeights({});
              return sv.costsplit.proposed(proposed.versionNo);
            });
          }}
        >
          <h3 className={c.h3}>{sv.costsplit.propose}</h3>
          <Field label={sv.costsplit.newBasis} required>
            <Input value={basis} onChange={(_, d) => setBasis(d.value)} data-testid="new-basis" />
          </Field>
          {parties.map((p) => (
            <Field key={p.orgId} label={sv.costsplit.weightFor(p.name)} required>
              <Input
                value={weights[p.orgId] ?? ""}
                inputMode="decimal"
                onChange={(_, d) => setWeights((w) => ({ ...w, [p.orgId]: d.value }))}
                data-testid={`weight-${p.orgId}`}
              />
            </Field>
          ))}
          <div>
            <Button type="submit" appearance="primary">
              {sv.costsplit.createAndPropose}
            </Button>
          </div>
        </form>
      )}
      <div role="status" aria-live="polite" data-testid="cs-status">
        {status}
      </div>
      {actionError && <ErrorState message={actionError} />}
    </section>
  );
}
