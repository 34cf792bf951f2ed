import type { Me } from "../api/client";
import type { Analysis } from "../state/analyse";
import { sv } from "../text/sv";
import { Notice, useCommonStyles } from "../components/common";

export function Contract({ analysis, me }: { analysis: Analysis; me?: Me }) {
  const c = useCommonStyles();
  void analysis;
  void me;
  return (
    <section className={c.section} aria-labelledby="contract-h">
      <h2 id="contract-h" className={c.h2}>
        {sv.contract.heading}
      </h2>
      <Notice intent="warning">{sv.contract.unavailable}</Notice>
    </section>
  );
}
