import type { Analysis } from "../state/analyse";
import { sv } from "../text/sv";
import { Notice, useCommonStyles } from "../components/common";

export function Metrics({ analysis }: { analysis: Analysis }) {
  const c = useCommonStyles();
  void analysis;
  return (
    <section className={c.section} aria-labelledby="metrics-h">
      <h2 id="metrics-h" className={c.h2}>
        {sv.metrics.heading}
      </h2>
      <Notice intent="warning">{sv.metrics.unavailable}</Notice>
    </section>
  );
}
