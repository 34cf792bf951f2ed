import { useMemo, useState } from "react";
import { Button, ToggleButton, makeStyles, tokens } from "@fluentui/react-components";
import { FINDING_CODES, type Finding, type Severity } from "../../src/domain/validate/findings";
import type { WorkbookHost } from "../office/types";
import type { Analysis } from "../state/analyse";
import { findingCells } from "../state/findingCells";
import { sv } from "../text/sv";
import { ErrorState, Loading, Notice, SeverityBadge, showValue, useCommonStyles } from "../components/common";
import { formatNumber } from "../../src/domain/format";

const useStyles = makeStyles({
  list: { listStyle: "none", padding: 0, margin: 0, display: "flex", flexDirection: "column", gap: "8px" },
  item: {
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: "8px",
    background: tokens.colorNeutralBackground1,
    display: "flex",
    flexDirection: "column",
    gap: "6px",
  },
  head: { display: "flex", gap: "8px", alignItems: "flex-start" },
  msg: { margin: 0, overflowWrap: "anywhere" },
});

const SEVERITIES: Severity[] = ["error", "warning", "info"];
/** Findings shown per sheet before "Visa alla" (thousands of cards would slow the pane down). */
const PAGE = 50;

export function Review({
  host,
  analysis,
  stale,
  onRevalidate,
}: {
  host: WorkbookHost;
  analysis: Analysis;
  stale: boolean;
  onRevalidate: () => void;
}) {
  const c = useCommonStyles();
  const s = useStyles();
  const [shown, setShown] = useState<Set<Severity>>(new Set(SEVERITIES));
  const [status, setStatus] = useState<string>("");
  const [error, setError] = useState<string>("");
  const [busy, setBusy] = useState(false);
  /** Sheets whose findings are all shown (long lists start with the first PAGE). */
  const [expanded, setExpanded] = useState<Set<string>>(new Set());

  const groups = useMemo(() => {
    const m = new Map<string, Finding[]>();
    for (const f of analysis.findings) {
      if (!shown.has(f.severity)) continue;
      const key = f.sheet ?? sv.review.workbookLevel;
      m.set(key, [...(m.get(key) ?? []), f]);
    }
    return [...m.entries()];
  }, [analysis, shown]);

  const toggle = (sev: Severity) =>
    setShown((prev) => {
      const next = new Set(prev);
      if (next.has(sev)) next.delete(sev);
      else next.add(sev);
      return next;
    });

  async function act(fn: () => Promise<string>) {
    setBusy(true);
    setError("");
    try {
      setStatus(await fn());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const highlight = () =>
    act(async () => {
      const marks = analysis.findings.flatMap((f) =>
        f.sheet
          ? findingCells(f).map((cell) => ({ sheet: f.sheet as string, cell, severity: f.severity }))
          : [],
      );
      const n = await host.writeHighlights(marks);
      return sv.review.highlighted(n);
    });
  const clear = () =>
    act(async () => {
      await host.clearHighlights();
      return sv.review.cleared;
    });
  const goTo = (sheet: string, cell: string) =>
    act(async () => {
      await host.selectCell(sheet, cell);
      return host.kind === "memory" ? sv.review.selectedOutside(sheet, cell) : sv.review.goTo(sheet, cell);
    });

  return (
    <section className={c.section} aria-labelledby="review-h">
      <h2 id="review-h" className={c.h2}>
        {sv.review.heading}
      </h2>
      <div className={c.row}>
        <Button onClick={onRevalidate}>{sv.review.validate}</Button>
        <Button onClick={highlight} disabled={busy}>
          {sv.review.highlight}
        </Button>
        <Button onClick={clear} disabled={busy}>
          {sv.review.clear}
        </Button>
      </div>
      <div role="group" aria-labelledby="severity-filter-label" className={c.row}>
        <span id="severity-filter-label" className={c.muted}>
          {sv.review.filter}:
        </span>
        {SEVERITIES.map((sev) => (
          <ToggleButton
            key={sev}
            size="small"
            checked={shown.has(sev)}
            onClick={() => toggle(sev)}
            data-testid={`filter-${sev}`}
          >
            {`${sv.severity[sev]} (${analysis.counts[sev]})`}
          </ToggleButton>
        ))}
      </div>
      {busy && <Loading label={sv.review.working} />}
      <div aria-live="polite" role="status" data-testid="review-status">
        {stale ? sv.review.stale : status}
      </div>
      {error && <ErrorState message={error} />}
      <p className={c.muted} style={{ margin: 0 }} data-testid="finding-count">
        {sv.review.count(groups.reduce((n, [, fs]) => n + fs.length, 0))}
      </p>
      {analysis.findings.length === 0 && <Notice intent="success">{sv.review.none}</Notice>}
      {analysis.findings.length > 0 && groups.length === 0 && <Notice>{sv.review.noneFiltered}</Notice>}
      {groups.map(([sheet, findings]) => (
        <section key={sheet} aria-label={`${sheet}: ${sv.review.count(findings.length)}`}>
          <h3 className={c.h3}>
            {sheet} <span className={c.muted}>({findings.length})</span>
          </h3>
          <ul className={s.list}>
            {(expanded.has(sheet) ? findings : findings.slice(0, PAGE)).map((f, i) => {
              const cells = findingCells(f);
              return (
                <li
                  key={`${f.code}-${f.cell}-${i}`}
                  className={s.item}
                  data-testid="finding"
                  data-code={f.code}
                >
                  <div className={s.head}>
                    <SeverityBadge severity={f.severity} />
                    <p className={s.msg}>{f.message}</p>
                  </div>
                  <dl className={c.dl}>
                    <dt>{sv.review.rule}</dt>
                    <dd>{FINDING_CODES[f.code]?.description ?? f.code}</dd>
                    {(f.expected !== null || f.actual !== null) && (
                      <>
                        <dt>{sv.review.expected}</dt>
                        <dd>{showValue(f.expected)}</dd>
                        <dt>{sv.review.actual}</dt>
                        <dd>{showValue(f.actual)}</dd>
                      </>
                    )}
                    {f.delta !== null && (
                      <>
                        <dt>{sv.review.delta}</dt>
                        <dd>{formatNumber(f.delta, { maxDecimals: 4 })}</dd>
                      </>
                    )}
                  </dl>
                  {f.sheet && cells.length > 0 && (
                    <div className={c.row}>
                      <Button
                        size="small"
                        appearance="secondary"
                        onClick={() => goTo(f.sheet as string, cells[0])}
                        data-testid="goto"
                      >
                        {sv.review.goTo(f.sheet, cells[0])}
                      </Button>
                      {cells.length > 1 && (
                        <span className={c.muted}>{sv.review.more(cells.length - 1)}</span>
                      )}
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
          {findings.length > PAGE && !expanded.has(sheet) && (
            <Button appearance="subtle" onClick={() => setExpanded((e) => new Set(e).add(sheet))}>
              {sv.review.showAll(findings.length)}
            </Button>
          )}
        </section>
      ))}
    </section>
  );
}
