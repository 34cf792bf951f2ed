/**
 * A batch of 300 generated submissions through the real CLI in a child process:
 * `node bin/uppf.js validate DIR --jobs 2 --json` against the same with `--jobs 1`. The figure
 * is the speed-up (time with 1 job / time with 2 jobs). Target: at least 1,7× on 2 cores.
 * Both runs must report the same verdicts for all 300 files.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compare, type Figure } from "../harness";
import { SubmissionFactory } from "./submissions";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FILES = 300;

interface CliJson {
  files: { file: string; verdict: string }[];
}

function runCli(dir: string, jobs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, "bin/uppf.js"), "validate", dir, "--jobs", String(jobs), "--json"],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.once("error", reject);
    child.once("exit", (code) => {
      // 0: all approved; 1: some file failed validation. Anything else is a failed run.
      if (code !== 0 && code !== 1) {
        reject(
          new Error(
            `uppf validate --jobs ${jobs} avslutades med ${code}: ${Buffer.concat(err).toString().slice(0, 300)}`,
          ),
        );
        return;
      }
      const doc = JSON.parse(Buffer.concat(out).toString()) as CliJson;
      if (doc.files.length !== FILES) reject(new Error(`väntade ${FILES} filer, fick ${doc.files.length}`));
      else resolve(doc.files.map((f) => `${path.basename(f.file)}:${f.verdict}`).join("\n"));
    });
  });
}

export async function batchFigure(): Promise<Figure> {
  const t0 = Date.now();
  const dir = await new SubmissionFactory().writeMany(FILES);
  const genSeconds = (Date.now() - t0) / 1000;
  try {
    // Three interleaved pairs (each side reads the same 300 files); both must agree file by file.
    let one = "";
    let two = "";
    const r = await compare(
      async () => {
        two = await runCli(dir, 2);
      },
      async () => {
        one = await runCli(dir, 1);
      },
      3,
      0,
    );
    if (/OLÄSBAR/.test(one)) throw new Error("någon genererad fil blev OLÄSBAR");
    if (two !== one) throw new Error("--jobs 2 gav andra utfall än --jobs 1");
    const speedup = r.base.median / r.subject.median;
    const counts = new Map<string, number>();
    for (const line of one.split("\n")) {
      const v = line.split(":")[1];
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    return {
      id: "batch-300-jobs",
      title: "Granskning av 300 genererade inrapporteringar, `--jobs 2` mot `--jobs 1` (riktigt CLI)",
      baseline: "`--jobs 1` (tid med 1 / tid med 2)",
      target: "≥ 1,7× på 2 kärnor",
      kind: "ratio",
      value: speedup,
      unit: "× snabbare",
      pass: speedup >= 1.7,
      subject: r.subject,
      base: r.base,
      note: `utfall: ${[...counts].map(([k, n]) => `${n} ${k}`).join(", ")}; filerna genererades på ${genSeconds.toFixed(0)} s och togs bort efteråt`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
