import { Badge, Button } from "@fluentui/react-components";
import type { Analysis } from "../state/analyse";
import { sv } from "../text/sv";
import { useCommonStyles } from "../components/common";

const VERDICT_COLOR = {
  GODKÄND: "success",
  "GODKÄND MED VARNINGAR": "warning",
  UNDERKÄND: "danger",
} as const;

export function periodText(a: Analysis): string {
  const s = a.submission;
  if (s.periodType === "ar") return `${sv.overview.wholeYear}${s.year ? ` ${s.year}` : ""}`;
  if (s.periodType === "manad" && s.period) return sv.overview.month(s.period, s.year);
  if (s.periodType === "kvartal" && s.period) return sv.overview.quarter(s.period, s.year);
  return s.year ? String(s.year) : sv.overview.unknown;
}

export function Overview({
  analysis,
  syncSummary,
  onOpenReview,
}: {
  analysis: Analysis;
  syncSummary: string;
  onOpenReview: () => void;
}) {
  const c = useCommonStyles();
  const s = analysis.submission;
  const v = s.values;
  const text = (k: string) => (typeof v[k] === "string" ? String(v[k]) : sv.overview.unknown);
  const area = analysis.areaLabel ?? sv.overview.unknown;
  const next =
    analysis.counts.error > 0
      ? sv.overview.nextFix(analysis.counts.error)
      : analysis.counts.warning > 0
        ? sv.overview.nextWarnings(analysis.counts.warning)
        : sv.overview.nextOk;
  return (
    <section className={c.section} aria-labelledby="overview-h">
      <h2 id="overview-h" className={c.h2}>
        {sv.overview.heading}
      </h2>
      <div className={c.row}>
        <span>{sv.overview.verdict}:</span>
        <Badge size="large" appearance="filled" color={VERDICT_COLOR[analysis.verdict]} data-testid="verdict">
          {sv.verdict[analysis.verdict]}
        </Badge>
        <span className={c.muted}>
          {sv.severity.error} {analysis.counts.error} · {sv.severity.warning} {analysis.counts.warning} ·{" "}
          {sv.severity.info} {analysis.counts.info}
        </span>
      </div>
      {!analysis.stamped && <p>{sv.workbook.notTemplate}</p>}
      <dl className={c.dl}>
        <dt>{sv.overview.template}</dt>
        <dd>{analysis.stampText}</dd>
        <dt>{sv.overview.provider}</dt>
        <dd data-testid="provider">{text("uppgifter.utforare")}</dd>
        <dt>{sv.overview.unit}</dt>
        <dd>{text("uppgifter.enhet")}</dd>
        <dt>{sv.overview.orgnr}</dt>
        <dd>{s.orgnr ?? sv.overview.unknown}</dd>
        <dt>{sv.overview.area}</dt>
        <dd>{area}</dd>
        <dt>{sv.overview.period}</dt>
        <dd>{periodText(analysis)}</dd>
        <dt>{sv.overview.avtal}</dt>
        <dd>{s.avtalId ?? sv.overview.unknown}</dd>
        <dt>{sv.overview.syncStatus}</dt>
        <dd>{syncSummary}</dd>
      </dl>
      <h3 className={c.h3}>{sv.overview.next}</h3>
      <p style={{ margin: 0 }}>{next}</p>
      <div>
        <Button appearance="primary" onClick={onOpenReview}>
          {sv.overview.openReview}
        </Button>
      </div>
    </section>
  );
}
