/**
 * Validation of a parsed submission against a bare loop that touches every cell of the same
 * snapshot once: what the rules cost beyond reading the grid.
 */
import {
  exampleSubmission,
  snapshotFromValues,
  TEMPLATE_V1,
  validateSubmission,
  type WorkbookSnapshot,
} from "../../src/domain";
import { compare, type Figure } from "../harness";

function touchEveryCell(snapshot: WorkbookSnapshot): number {
  let n = 0;
  for (const sheet of snapshot.sheets) {
    for (const row of sheet.rows) {
      if (!row) continue;
      for (const v of row) {
        if (v !== null && v !== undefined) n += typeof v === "number" ? 1 : 2;
      }
    }
  }
  return n;
}

export async function validationFigure(): Promise<Figure> {
  const snapshot = snapshotFromValues(TEMPLATE_V1, exampleSubmission("primarvard", TEMPLATE_V1));
  const findings = validateSubmission(snapshot, TEMPLATE_V1);
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length) throw new Error(`exemplet ska vara giltigt, fick ${errors.length} fel`);
  // Each side is repeated inside one timed run so a run is long enough to time reliably.
  const reps = 200;
  const r = await compare(
    () => {
      for (let i = 0; i < reps; i++) validateSubmission(snapshot, TEMPLATE_V1);
    },
    () => {
      let s = 0;
      for (let i = 0; i < reps; i++) s += touchEveryCell(snapshot);
      return s;
    },
    // 31 runs of 200 validations (each side ~1-6 ms): the median is what is reported.
    31,
    // Steady state, not JIT warm-up: 10 × 200 validations first (about 60 ms) so the optimising
    // compiler has finished with the validator's functions before the timed runs; with 2 × 200 the
    // first timed runs still included that work and the ratio varied from run to run.
    10,
  );
  return {
    id: "validation-vs-loop",
    title: "Validering av en inläst inrapportering",
    baseline: "en enkel loop som rör varje cell en gång",
    target: "≤ 5×",
    kind: "ratio",
    value: r.ratio,
    unit: "×",
    pass: r.ratio <= 5,
    subject: r.subject,
    base: r.base,
  };
}
