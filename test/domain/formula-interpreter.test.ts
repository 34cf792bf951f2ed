/**
 * The Excel formulas in the template definition and the TypeScript evaluation of the same
 * expressions must agree: a small interpreter for the formula subset the template uses (SUM,
 * AVERAGE, COUNT, IF, OR, + − * /, =, "" and references with sheet prefixes) evaluates every
 * generated formula with Excel's rules, and the result is compared with evaluateExpr.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  a1ToPosition,
  computeCells,
  indexToCol,
  isCellError,
  TEMPLATE_V1,
  TEMPLATE_V1_1,
  type SnapshotValue,
  type TemplateDefinition,
} from "../../src/domain";

type Err = { kind: "error"; code: string };
type V = number | string | boolean | null | Err;
type Ref = { sheet: string; cells: string[] };
type Node =
  | { t: "num"; v: number }
  | { t: "str"; v: string }
  | { t: "ref"; ref: Ref }
  | { t: "call"; name: string; args: Node[] }
  | { t: "bin"; op: string; a: Node; b: Node }
  | { t: "neg"; a: Node };

function parse(formula: string, sheet: string): Node {
  let i = 1; // skip "="
  const s = formula;
  const peek = () => s[i];
  const eat = (c: string) => {
    if (s[i] !== c) throw new Error(`väntade ${c} vid ${i} i ${s}`);
    i++;
  };
  const cellRe = /^\$?[A-Z]{1,3}\$?\d+/;
  function reference(): Node {
    let sh = sheet;
    if (peek() === "'") {
      i++;
      let name = "";
      while (!(s[i] === "'" && s[i + 1] !== "'")) {
        if (s[i] === "'") i++;
        name += s[i++];
      }
      i++;
      eat("!");
      sh = name;
    } else {
      const m = /^([A-Za-z_][A-Za-z0-9_.]*)!/.exec(s.slice(i));
      if (m) {
        sh = m[1];
        i += m[0].length;
      }
    }
    const a = cellRe.exec(s.slice(i))![0];
    i += a.length;
    let cells = [a.replace(/\$/g, "")];
    if (peek() === ":") {
      i++;
      const b = cellRe.exec(s.slice(i))![0].replace(/\$/g, "");
      i += b.length;
      const pa = a1ToPosition(cells[0]);
      const pb = a1ToPosition(b);
      cells = [];
      for (let r = pa.row; r <= pb.row; r++)
        for (let c = pa.col; c <= pb.col; c++) cells.push(`${indexToCol(c)}${r + 1}`);
    }
    return { t: "ref", ref: { sheet: sh, cells } };
  }
  function primary(): Node {
    if (peek() === "-") {
      i++;
      return { t: "neg", a: primary() };
    }
    if (peek() === '"') {
      i++;
      let v = "";
      while (s[i] !== '"') v += s[i++];
      i++;
      return { t: "str", v };
    }
    if (peek() === "(") {
      i++;
      const e = comparison();
      eat(")");
      return e;
    }
    const num = /^\d+(\.\d+)?/.exec(s.slice(i));
    if (num) {
      i += num[0].length;
      return { t: "num", v: Number(num[0]) };
    }
    const fn = /^([A-Z]+)\(/.exec(s.slice(i));
    if (fn) {
      i += fn[0].length;
      const args: Node[] = [];
      while (peek() !== ")") {
        args.push(comparison());
        if (peek() === ",") i++;
      }
      i++;
      return { t: "call", name: fn[1], args };
    }
    return reference();
  }
  function term(): Node {
    let a = primary();
    while (peek() === "*" || peek() === "/") {
      const op = s[i++];
      a = { t: "bin", op, a, b: primary() };
    }
    return a;
  }
  function additive(): Node {
    let a = term();
    while (peek() === "+" || peek() === "-") {
      const op = s[i++];
      a = { t: "bin", op, a, b: term() };
    }
    return a;
  }
  function comparison(): Node {
    const a = additive();
    if (peek() === "=") {
      i++;
      return { t: "bin", op: "=", a, b: additive() };
    }
    return a;
  }
  const n = comparison();
  if (i !== s.length) throw new Error(`rest i formeln: ${s.slice(i)}`);
  return n;
}

type Lookup = (sheet: string, cell: string) => V;
const isErr = (v: unknown): v is Err => isCellError(v);

/** Values a function argument contributes (references expand; only references skip text/logicals). */
function argValues(n: Node, look: Lookup): { v: V; fromRef: boolean }[] {
  if (n.t === "ref") return n.ref.cells.map((c) => ({ v: look(n.ref.sheet, c), fromRef: true }));
  return [{ v: evaluate(n, look), fromRef: false }];
}

function toNumber(v: V): number | Err {
  if (isErr(v)) return v;
  if (v === null || v === "") return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  const n = Number(v);
  return v.trim() !== "" && Number.isFinite(n) ? n : { kind: "error", code: "#VALUE!" };
}

function evaluate(n: Node, look: Lookup): V {
  switch (n.t) {
    case "num":
      return n.v;
    case "str":
      return n.v;
    case "ref":
      return look(n.ref.sheet, n.ref.cells[0]);
    case "neg": {
      const a = toNumber(evaluate(n.a, look));
      return isErr(a) ? a : -a;
    }
    case "bin": {
      const a = evaluate(n.a, look);
      const b = evaluate(n.b, look);
      if (n.op === "=") {
        if (isErr(a)) return a;
        if (isErr(b)) return b;
        return (a ?? 0) === (b ?? 0);
      }
      const x = toNumber(a);
      if (isErr(x)) return x;
      const y = toNumber(b);
      if (isErr(y)) return y;
      if (n.op === "+") return x + y;
      if (n.op === "-") return x - y;
      if (n.op === "*") return x * y;
      return y === 0 ? { kind: "error", code: "#DIV/0!" } : x / y;
    }
    case "call": {
      const name = n.name;
      if (name === "IF") {
        const c = evaluate(n.args[0], look);
        if (isErr(c)) return c;
        return evaluate(c ? n.args[1] : n.args[2], look);
      }
      const vals = n.args.flatMap((a) => argValues(a, look));
      if (name === "COUNT") return vals.filter((x) => typeof x.v === "number").length;
      if (name === "OR") {
        for (const x of vals) if (isErr(x.v)) return x.v;
        return vals.some((x) => Boolean(x.v));
      }
      for (const x of vals) if (isErr(x.v)) return x.v;
      const nums = vals
        .filter((x) => typeof x.v === "number" || (!x.fromRef && typeof x.v === "boolean"))
        .map((x) => Number(x.v));
      if (name === "SUM") return nums.reduce((a, b) => a + b, 0);
      if (name === "AVERAGE")
        return nums.length === 0
          ? { kind: "error", code: "#DIV/0!" }
          : nums.reduce((a, b) => a + b, 0) / nums.length;
      throw new Error(`okänd funktion ${name}`);
    }
  }
}

function check(template: TemplateDefinition) {
  const value: fc.Arbitrary<SnapshotValue> = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -1000, max: 100_000 }) },
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.constantFrom("abc", "5", "") },
    { weight: 1, arbitrary: fc.boolean() },
    {
      weight: 1,
      arbitrary: fc.constantFrom("#REF!", "#N/A").map((code) => ({ kind: "error" as const, code })),
    },
  );
  const keys = template.fields.map((f) => f.key);
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 80 }), (inputs) => {
      const computed = computeCells(template, inputs);
      const byCell = new Map<string, V>();
      for (const f of template.fields) byCell.set(`${f.sheet}!${f.cell}`, (inputs[f.key] ?? null) as V);
      for (const c of template.computed) byCell.set(`${c.sheet}!${c.cell}`, computed[c.key] as V);
      const look: Lookup = (sheet, cell) => byCell.get(`${sheet}!${cell}`) ?? null;
      for (const c of template.computed) {
        const excel = evaluate(parse(c.formula, c.sheet), look);
        const ours = computed[c.key];
        if (typeof excel === "number" && typeof ours === "number")
          expect(ours, `${c.key} ${c.formula}`).toBeCloseTo(excel, 6);
        else expect(ours, `${c.key} ${c.formula}`).toEqual(excel);
      }
    }),
    { numRuns: 120 },
  );
}

describe("generated formulas agree with evaluateExpr", () => {
  it("parses every formula of every template version", () => {
    for (const t of [TEMPLATE_V1, TEMPLATE_V1_1])
      for (const c of t.computed) expect(() => parse(c.formula, c.sheet)).not.toThrow();
  });
  it("v1.0.0: every computed cell, random inputs incl. text, booleans, blanks and errors", () =>
    check(TEMPLATE_V1));
  it("v1.1.0", () => check(TEMPLATE_V1_1));
});
