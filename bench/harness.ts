/**
 * Benchmark harness: every figure is a ratio against a baseline measured in the same run on the
 * same machine, so the numbers survive a slower or busier machine. Each side is repeated and
 * reported as median and spread (interquartile range relative to the median).
 */
import os from "node:os";

export interface Sample {
  /** Median seconds (or the counted quantity for counted figures). */
  median: number;
  /** (p75 − p25) / median. */
  spread: number;
  runs: number;
}

export interface Figure {
  id: string;
  title: string;
  /** What the ratio or count is measured against. */
  baseline: string;
  target: string;
  /** "ratio": subject/baseline (or baseline/subject for speed-ups); "count": a counted quantity. */
  kind: "ratio" | "count" | "size" | "load";
  value: number;
  unit: string;
  pass: boolean;
  subject?: Sample;
  base?: Sample;
  store?: "pglite" | "postgres";
  note?: string;
}

export function summarise(times: number[]): Sample {
  const s = [...times].sort((a, b) => a - b);
  const q = (p: number) => {
    const i = (s.length - 1) * p;
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return s[lo] + (s[hi] - s[lo]) * (i - lo);
  };
  const median = q(0.5);
  return { median, spread: median > 0 ? (q(0.75) - q(0.25)) / median : 0, runs: s.length };
}

/** Times `fn` `runs` times after `warmup` untimed runs; returns seconds per run. */
export async function time(fn: () => unknown, runs: number, warmup = 1): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return summarise(times);
}

/**
 * Times subject and baseline interleaved (A B A B …), so drift in machine load hits both alike.
 */
export async function compare(
  subject: () => unknown,
  baseline: () => unknown,
  runs: number,
  warmup = 1,
): Promise<{ subject: Sample; base: Sample; ratio: number }> {
  for (let i = 0; i < warmup; i++) {
    await subject();
    await baseline();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t0 = process.hrtime.bigint();
    await subject();
    a.push(Number(process.hrtime.bigint() - t0) / 1e9);
    t0 = process.hrtime.bigint();
    await baseline();
    b.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const s = summarise(a);
  const base = summarise(b);
  return { subject: s, base, ratio: s.median / base.median };
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "okänd processor";
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

export function fmt(n: number, digits = 2): string {
  return n.toLocaleString("sv-SE", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
