import { describe, expect, it } from "vitest";
import {
  exampleSubmission,
  getCell,
  migrateSnapshot,
  rawFieldValues,
  resolveDefinedName,
  snapshotFromValues,
  TEMPLATE_V1,
  TEMPLATE_V1_1,
  V1_1_ADDED_FIELD_KEY,
  validateSubmission,
} from "../../src/domain";

describe("migrateSnapshot v1.0.0 -> v1.1.0", () => {
  const v1 = exampleSubmission("sarskilt_boende", TEMPLATE_V1);
  it("carries every value over, restamps, and the result validates clean against v1.1", () => {
    const m = migrateSnapshot(snapshotFromValues(TEMPLATE_V1, v1), TEMPLATE_V1_1);
    expect(m.from).toBe("1.0.0");
    expect(m.to).toBe("1.1.0");
    expect(resolveDefinedName(m.snapshot, "UPPF_MALL")).toBe("uppf-mall@1.1.0");
    for (const [k, v] of Object.entries(v1)) expect(m.values[k]).toEqual(v);
    expect(m.values[V1_1_ADDED_FIELD_KEY]).toBeNull();
    expect(validateSubmission(m.snapshot, TEMPLATE_V1_1)).toEqual([]);
    const added = TEMPLATE_V1_1.fields.find((f) => f.key === V1_1_ADDED_FIELD_KEY)!;
    expect(getCell(m.snapshot, added.sheet, added.labelCell)).toBe(added.label);
  });
  it("keeps bad values as they were (validation still reports them)", () => {
    const snap = snapshotFromValues(TEMPLATE_V1, {
      ...v1,
      "resurser.ledning": "tre",
      "avvikelser.synpunkter": { kind: "error", code: "#REF!" },
    });
    const m = migrateSnapshot(snap, TEMPLATE_V1_1);
    expect(m.values["resurser.ledning"]).toBe("tre");
    expect(m.values["avvikelser.synpunkter"]).toBe("#REF!");
    expect(
      validateSubmission(m.snapshot, TEMPLATE_V1_1)
        .map((f) => f.code)
        .sort(),
    ).toEqual(["CELL_ERROR", "NOT_A_NUMBER"]);
  });
  it("reads values from rows that were moved", () => {
    const snap = snapshotFromValues(TEMPLATE_V1, v1);
    snap.sheets.find((s) => s.name === "Ekonomi")!.rows.splice(4, 0, ["Infogad rad"]);
    expect(rawFieldValues(snap, TEMPLATE_V1)["ekonomi.intakter"]).toBe(v1["ekonomi.intakter"]);
    const m = migrateSnapshot(snap, TEMPLATE_V1_1);
    expect(validateSubmission(m.snapshot, TEMPLATE_V1_1)).toEqual([]);
  });
  it("refuses workbooks without a stamp or with an unknown version", () => {
    expect(() => migrateSnapshot(snapshotFromValues(TEMPLATE_V1, v1, { omitStamp: true }))).toThrow(
      /stämpel/,
    );
    const s = snapshotFromValues(TEMPLATE_V1, v1);
    s.definedNames = { UPPF_MALL: '="uppf-mall@0.9.0"' };
    s.sheets = s.sheets.filter((x) => x.name !== "_uppf_meta");
    expect(() => migrateSnapshot(s)).toThrow(/okänd/);
  });
});
