import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  AvtalSchema,
  compareToTarget,
  computeMetrics,
  deviationsOnly,
  evaluateContract,
  exampleSubmission,
  isoDateToSerial,
  parseAvtal,
  readSubmission,
  reportingDeadline,
  snapshotFromValues,
  TEMPLATE_V1,
  type Avtal,
  type AvtalInput,
  type SnapshotValue,
} from "../../src/domain";

const load = (name: string): Avtal =>
  AvtalSchema.parse(
    JSON.parse(readFileSync(new URL(`../../examples/avtal/${name}`, import.meta.url), "utf8")),
  );
const pvAvtal = load("primarvard-lov.json");
const htAvtal = load("hemtjanst-lov.json");

function evaluate(
  area: "primarvard" | "hemtjanst",
  avtal: Avtal,
  patch: Record<string, SnapshotValue> = {},
  today = "2026-02-01",
) {
  const sub = readSubmission(
    snapshotFromValues(TEMPLATE_V1, { ...exampleSubmission(area, TEMPLATE_V1), ...patch }),
    TEMPLATE_V1,
  );
  return evaluateContract(sub, computeMetrics(sub, TEMPLATE_V1), avtal, today);
}
const byClause = (ds: ReturnType<typeof evaluate>, id: string) => ds.find((d) => d.clauseId === id)!;

describe("example avtal", () => {
  it("parse and cite their id and version", () => {
    expect(pvAvtal.kind).toBe("LOV");
    expect(htAvtal.clauses.length).toBeGreaterThanOrEqual(3);
    for (const d of evaluate("primarvard", pvAvtal)) {
      expect(d.avtalId).toBe("PV-LOV-2024");
      expect(d.avtalVersion).toBe("2024.2");
      expect(d.message).toContain(`punkt ${d.clauseId}`);
    }
  });
  it("primärvård example: within tolerance on GP staffing, otherwise ok and on time", () => {
    const ds = evaluate("primarvard", pvAvtal);
    expect(ds.map((d) => [d.clauseId, d.status])).toEqual([
      ["6.2", "warning"],
      ["6.3", "ok"],
      ["6.4", "ok"],
      ["7.2", "ok"],
      ["9.1", "ok"],
      ["12.1", "ok"],
    ]);
    const gp = byClause(ds, "6.2");
    expect(gp.actual).toBeCloseTo(9509.5 / 5.2, 6);
    expect(gp.target).toBe(1800);
    expect(gp.outsideBand).toBe(0);
    expect(gp.actionPlanRequired).toBe(false);
  });
  it("hemtjänst example: continuity 15,2 against at most 15 is a warning", () => {
    const ds = evaluate("hemtjanst", htAvtal);
    expect(byClause(ds, "5.2")).toMatchObject({ status: "warning", actual: 15.2, target: 15 });
    expect(byClause(ds, "5.4")).toMatchObject({ status: "ok" });
    expect(byClause(ds, "8.2")).toMatchObject({ status: "ok" });
    expect(byClause(ds, "8.2").actual).toBeCloseTo(472, 9);
  });
});

describe("deviations", () => {
  it("a deviation shows how far outside the band, the sanction and the åtgärdsplan due date", () => {
    const ds = evaluate("primarvard", pvAvtal, { "kvalitet.medicinsk_bedomning": 0.7 }, "2026-02-10");
    const d = byClause(ds, "6.3");
    expect(d.status).toBe("deviation");
    expect(d.gap).toBeCloseTo(-0.15, 12);
    expect(d.outsideBand).toBeCloseTo(0.1, 12);
    expect(d.sanction).toMatchObject({ kind: "andelAvErsattning", amountKr: Math.round(26_760_000 * 0.005) });
    expect(d.actionPlanRequired).toBe(true);
    expect(d.actionPlanDue).toBe("2026-03-12");
    expect(d.message).toMatch(
      /70,0\u00a0%.*minst 85,0\u00a0%.*avvikelse.*10,0\u00a0% utanför toleransen.*punkt 6\.3.*Åtgärdsplan krävs senast 2026-03-12/,
    );
  });
  it("a fixed vite is given in kronor", () => {
    const d = byClause(evaluate("primarvard", pvAvtal, { "kvalitet.telefon_samma_dag": 0.5 }), "6.4");
    expect(d.sanction).toMatchObject({ kind: "vite", amountKr: 10_000 });
  });
  it("a missing measure is not evaluable, with the reason", () => {
    const d = byClause(evaluate("primarvard", pvAvtal, { "kvalitet.telefon_samma_dag": null }), "6.4");
    expect(d.status).toBe("not_evaluable");
    expect(d.message).toMatch(/saknas/);
    const z = byClause(evaluate("primarvard", pvAvtal, { "resurser.lakare": 0 }), "6.2");
    expect(z.status).toBe("not_evaluable");
    expect(z.message).toMatch(/är 0/);
  });
  it("late submission is a deviation citing the reporting clause", () => {
    const late = isoDateToSerial("2026-02-20")!;
    const d = byClause(evaluate("primarvard", pvAvtal, { "uppgifter.inlamningsdatum": late }), "12.1");
    expect(d).toMatchObject({
      kind: "deadline",
      status: "deviation",
      actual: 36,
      sanction: { amountKr: 5000 },
    });
    expect(d.message).toMatch(/senast 2026-01-15.*2026-02-20, 36 dagar för sent/);
    // without a submission date, "today" counts
    const undated = byClause(
      evaluate("hemtjanst", htAvtal, { "uppgifter.inlamningsdatum": null }, "2026-01-16"),
      "11.3",
    );
    expect(undated).toMatchObject({
      status: "deviation",
      actual: 1,
      actionPlanRequired: true,
      actionPlanDue: "2026-02-15",
    });
  });
  it("clauses outside their effective period or area are skipped", () => {
    const ds = evaluate("primarvard", pvAvtal, {
      "uppgifter.ar": 2024,
      "uppgifter.inlamningsdatum": isoDateToSerial("2025-01-10")!,
    });
    expect(ds.map((d) => d.clauseId)).not.toContain("9.1");
  });
  it("a period outside the avtal's validity gives one validity deviation", () => {
    const ds = evaluate("primarvard", pvAvtal, { "uppgifter.ar": 2023 });
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ kind: "validity", status: "deviation", clauseId: "giltighet" });
  });
  it("deviationsOnly filters ok results", () => {
    expect(deviationsOnly(evaluate("primarvard", pvAvtal)).map((d) => d.clauseId)).toEqual(["6.2"]);
  });
});

describe("internal agreement with the result requirement as target", () => {
  const intern: AvtalInput = {
    id: "IO-LSS-2025",
    version: "1",
    kind: "intern",
    title: "Överenskommelse om drift i egen regi",
    parties: [
      { role: "beställare", name: "Socialnämnden" },
      { role: "utförare", name: "Produktionsutskottet, egen regi" },
    ],
    areas: ["lss_boende"],
    validFrom: "2019-01-01",
    resultRequirement: {
      id: "r",
      validFrom: "2019-01-01",
      startYear: 2019,
      start: 0.01,
      step: 0.01,
      cap: 0.03,
    },
    clauses: [
      {
        id: "4",
        title: "Resultatkrav: rörelsemarginal",
        measure: "metric:rorelsemarginal",
        unit: "%",
        comparator: "gte",
        target: { kind: "resultatkrav" },
        tolerance: { kind: "absolute", value: 0.005 },
        severity: "medel",
      },
    ],
  };
  const run = (year: number, intakter: number) => {
    const v = {
      ...exampleSubmission("lss_boende", TEMPLATE_V1, { year }),
      "ekonomi.intakter": intakter,
      "ekonomi.ek_ub": null,
    };
    const sub = readSubmission(snapshotFromValues(TEMPLATE_V1, v), TEMPLATE_V1);
    return evaluateContract(
      sub,
      computeMetrics(sub, TEMPLATE_V1),
      AvtalSchema.parse(intern),
      "2026-02-01",
    )[0];
  };
  it("uses the ramp for the submission's year", () => {
    expect(run(2019, 6_750_000)).toMatchObject({ status: "ok", target: 0.01 });
    const d = run(2025, 6_750_000); // margin ≈ 1,5 % vs 3 %
    expect(d.status).toBe("deviation");
    expect(d.target).toBe(0.03);
    expect(run(2025, 6_830_000).status).toBe("warning"); // ≈ 2,6 %
  });
});

describe("schema and helpers", () => {
  it("rejects bad avtal with paths and Swedish messages", () => {
    const bad = {
      ...JSON.parse(
        readFileSync(new URL("../../examples/avtal/hemtjanst-lov.json", import.meta.url), "utf8"),
      ),
    };
    bad.validTo = "2000-01-01";
    bad.clauses = [...bad.clauses, bad.clauses[0]];
    bad.parties[1].orgnr = "811218-9876";
    const r = parseAvtal(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.join("\n")).toMatch(/validTo: Avtalet kan inte upphöra/);
      expect(r.errors.join("\n")).toMatch(/förekommer två gånger/);
      expect(r.errors.join("\n")).toMatch(/parties\.1\.orgnr/);
    }
    const noRule = {
      ...bad,
      validTo: undefined,
      clauses: [{ ...bad.clauses[0], target: { kind: "resultatkrav" } }],
      parties: [bad.parties[0], { role: "utförare", name: "x" }],
    };
    expect(parseAvtal(noRule).ok).toBe(false);
  });
  it("computes reporting deadlines across year ends and short months", () => {
    expect(reportingDeadline(2025, 12, 15, 1)).toBe("2026-01-15");
    expect(reportingDeadline(2025, 1, 31, 1)).toBe("2025-02-28");
    expect(reportingDeadline(2024, 1, 31, 1)).toBe("2024-02-29");
    expect(reportingDeadline(2025, 3, 10, 0)).toBe("2025-03-10");
  });
  it("classifies against a target monotonically", () => {
    expect(compareToTarget(10, 10, "gte", { kind: "absolute", value: 1 }).status).toBe("ok");
    expect(compareToTarget(9.5, 10, "gte", { kind: "absolute", value: 1 }).status).toBe("warning");
    expect(compareToTarget(8.5, 10, "gte", { kind: "absolute", value: 1 })).toEqual({
      status: "deviation",
      gap: -1.5,
      outsideBand: 0.5,
    });
    expect(compareToTarget(11, 10, "eq", { kind: "percent", value: 0.05 })).toMatchObject({
      status: "deviation",
      outsideBand: 0.5,
    });
    const rank = { ok: 0, warning: 1, deviation: 2 } as const;
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e3, noNaN: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e3, noNaN: true }),
        (target, tol, a, step) => {
          const t = { kind: "absolute" as const, value: tol };
          // for "gte", lowering the actual value never improves the status
          const hi = compareToTarget(a, target, "gte", t);
          const lo = compareToTarget(a - step, target, "gte", t);
          expect(rank[lo.status]).toBeGreaterThanOrEqual(rank[hi.status]);
          expect(hi.outsideBand).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
