/**
 * Nyckeltal: productivity per staff category, cost per unit and other ratios, rörelsemarginal
 * against the result requirement ramp and the gap in kronor, with a small SVG chart.
 */
import { useMemo } from "react";
import { Badge } from "@fluentui/react-components";
import {
  OSTERAKER_RESULT_RULE,
  computeMetrics,
  formatKr,
  formatNumber,
  formatPercent,
  resultRequirement,
  type Computed,
  type MetricValue,
} from "../../src/domain";
import type { Analysis } from "../state/analyse";
import { sv } from "../text/sv";
import { Notice, useCommonStyles } from "../components/common";

function show(c: Computed, format: (v: number) => string): string {
  return c.ok ? format(c.value) : c.reason;
}

function showMetric(m: MetricValue): string {
  if (!m.value.ok) return m.value.reason;
  const decimals = Math.abs(m.value.value) >= 100 ? 0 : 1;
  return `${formatNumber(m.value.value, { decimals })}${m.unit ? `\u00a0${m.unit}` : ""}`;
}

/** Required margin per year (ramp) and the reported margin in the report year. */
export function MarginChart({ year, margin }: { year: number; margin: number | null }) {
  // From the ramp's first year (so the rise shows), at most seven years up to the report year.
  const first = Math.min(year - 4, Math.max(year - 6, OSTERAKER_RESULT_RULE.startYear));
  const years = Array.from({ length: year - first + 1 }, (_, i) => first + i);
  const req = years.map((y) => {
    const r = resultRequirement(y, OSTERAKER_RESULT_RULE);
    return r.ok ? r.value : null;
  });
  const max = Math.max(0.04, ...req.map((r) => r ?? 0), margin ?? 0) * 1.15;
  const min = Math.min(0, margin ?? 0) * 1.15;
  const H = 150;
  const top = 16;
  const bottom = 24;
  const y = (v: number) => top + ((max - v) / (max - min)) * (H - top - bottom);
  const bw = 100 / years.length;
  const desc = years
    .map((yy, i) => `${yy}: krav ${req[i] === null ? "saknas" : formatPercent(req[i] as number)}`)
    .concat(margin !== null ? [`rörelsemarginal ${year}: ${formatPercent(margin)}`] : [])
    .join(", ");
  const last = years.length - 1;
  return (
    <figure style={{ margin: 0 }}>
      <svg role="img" aria-labelledby="margin-chart-title margin-chart-desc" width="100%" height={H}>
        <title id="margin-chart-title">{sv.metrics.chartTitle}</title>
        <desc id="margin-chart-desc">{desc}</desc>
        <line x1="0" x2="100%" y1={y(0)} y2={y(0)} stroke="#616161" strokeWidth={1} />
        {years.map((yy, i) => (
          <g key={yy}>
            {req[i] !== null && (
              <>
                <rect
                  x={`${i * bw + bw * 0.2}%`}
                  width={`${bw * 0.6}%`}
                  y={y(req[i] as number)}
                  height={Math.max(0, y(0) - y(req[i] as number))}
                  fill="#B4D6FA"
                  stroke="#0F6CBD"
                />
                {i !== last && (
                  <text
                    x={`${i * bw + bw / 2}%`}
                    y={y(req[i] as number) - 4}
                    fontSize="11"
                    textAnchor="middle"
                    fill="#424242"
                  >
                    {formatPercent(req[i] as number, 0)}
                  </text>
                )}
              </>
            )}
            <text x={`${i * bw + bw / 2}%`} y={H - 8} fontSize="12" textAnchor="middle" fill="#242424">
              {yy}
            </text>
          </g>
        ))}
        {margin !== null && (
          <g>
            <line
              x1={`${last * bw + 2}%`}
              x2={`${(last + 1) * bw - 2}%`}
              y1={y(margin)}
              y2={y(margin)}
              stroke={margin >= (req[last] ?? 0) ? "#0E700E" : "#B10E1C"}
              strokeWidth={4}
            />
            <text
              x={`${last * bw + bw / 2}%`}
              y={Math.max(12, y(margin) - 6)}
              fontSize="12"
              textAnchor="middle"
              fill="#242424"
            >
              {formatPercent(margin)}
            </text>
          </g>
        )}
      </svg>
      <figcaption style={{ fontSize: 12 }}>
        <span
          aria-hidden="true"
          style={{
            display: "inline-block",
            width: 10,
            height: 10,
            background: "#B4D6FA",
            border: "1px solid #0F6CBD",
            marginRight: 4,
          }}
        />
        {sv.metrics.requirement}
        <span
          aria-hidden="true"
          style={{
            display: "inline-block",
            width: 12,
            height: 4,
            background: "#242424",
            margin: "0 4px 2px 12px",
          }}
        />
        {sv.metrics.actualMargin} {year}
      </figcaption>
    </figure>
  );
}

/** Ratios with their value, and a note when a value is outside its reference range. */
function RatioTable(props: { rows: MetricValue[]; outside: (m: MetricValue) => boolean; testId?: string }) {
  const c = useCommonStyles();
  return (
    <table className={c.table} data-testid={props.testId}>
      <tbody>
        {props.rows.map((p) => (
          <tr key={p.id}>
            <th scope="row">{p.label}</th>
            <td className="num">
              {showMetric(p)}
              {props.outside(p) && <div style={{ color: "#B10E1C" }}>{sv.metrics.outside}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Metrics({ analysis }: { analysis: Analysis }) {
  const c = useCommonStyles();
  const m = useMemo(() => computeMetrics(analysis.submission, analysis.template), [analysis]);
  const plausible = new Map(analysis.template.metrics.map((r) => [r.id, r.plausible]));
  const outside = (mv: MetricValue) => {
    const p = plausible.get(mv.id);
    if (!p || !mv.value.ok) return false;
    return (p.min !== undefined && mv.value.value < p.min) || (p.max !== undefined && mv.value.value > p.max);
  };
  const unitCost = m.ratios.filter(
    (r) => analysis.template.metrics.find((t) => t.id === r.id)?.kind === "unitCost",
  );
  const other = m.ratios.filter((r) => !unitCost.includes(r));
  const met = m.meetsRequirement;
  return (
    <section className={c.section} aria-labelledby="metrics-h">
      <h2 id="metrics-h" className={c.h2}>
        {sv.metrics.heading}
      </h2>
      <h3 className={c.h3}>{sv.metrics.margin}</h3>
      <dl className={c.dl} data-testid="margin">
        <dt>{sv.metrics.actualMargin}</dt>
        <dd>{show(m.operatingMargin, (v) => formatPercent(v))}</dd>
        <dt>{sv.metrics.requirement}</dt>
        <dd>{show(m.requiredMargin, (v) => formatPercent(v))}</dd>
        <dt>{sv.metrics.gap}</dt>
        <dd>{show(m.resultGap, (v) => `${v > 0 ? "+" : ""}${formatKr(v)}`)}</dd>
      </dl>
      {met.ok && (
        <div>
          <Badge appearance="filled" color={met.value ? "success" : "danger"} data-testid="requirement-met">
            {met.value ? sv.metrics.met : sv.metrics.notMet}
          </Badge>
        </div>
      )}
      {m.year !== null && (
        <MarginChart year={m.year} margin={m.operatingMargin.ok ? m.operatingMargin.value : null} />
      )}
      <h3 className={c.h3}>
        {sv.metrics.productivity} {sv.metrics.perCategory}
      </h3>
      {m.perStaffCategory.length === 0 ? (
        <Notice>{sv.metrics.needsWorkbook}</Notice>
      ) : (
        <table className={c.table} data-testid="productivity">
          <tbody>
            {m.perStaffCategory.map((p) => (
              <tr key={p.id}>
                <th scope="row">{p.label}</th>
                <td className="num">{showMetric(p)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {unitCost.length > 0 && (
        <>
          <h3 className={c.h3}>{sv.metrics.unitCost}</h3>
          <RatioTable rows={unitCost} outside={outside} testId="unit-cost" />
        </>
      )}
      {other.length > 0 && <RatioTable rows={other} outside={outside} />}
    </section>
  );
}
