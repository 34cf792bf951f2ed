/**
 * Validating one submission file (Node side): size check before reading, the browser-safe
 * reader, then the domain's one review path (reviewSubmission: integrity, structure,
 * validation, metrics, contract), and optionally an annotated copy. Never throws for a bad file:
 * the result says OLÄSBAR with a one-line Swedish reason.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Finding, Severity } from "../../domain/validate/findings";
import type { Metrics } from "../../domain/metrics";
import { deviationsOnly, type Avtal, type Deviation } from "../../domain/contract";
import { reviewSubmission } from "../../domain/review";
import { LATEST_TEMPLATE } from "../../domain/template/registry";
import { readWorkbook, UnreadableWorkbookError, DEFAULT_LIMITS } from "../../xlsx/read";
import { emptyFileError, tooLargeError } from "../../xlsx/probe";
import { looksLikeTemplate } from "../../xlsx/structure";
import { annotateWorkbook } from "../../xlsx/annotate";
import type { SubmissionInfo } from "../../xlsx/compile";

/** A file's verdict: the domain's three, plus OLÄSBAR for files that could not be read. */
export type FileVerdict = "GODKÄND" | "GODKÄND MED VARNINGAR" | "UNDERKÄND" | "OLÄSBAR";

/** One finding in the JSON output (stable field names; fields may be added, never renamed). */
export interface JsonFinding {
  severity: Severity;
  code: string;
  sheet: string | null;
  cell: string | null;
  cells?: string[];
  field: string | null;
  message: string;
  expected: string | number | boolean | null;
  actual: string | number | boolean | null;
  delta: number | null;
}

/** Key facts of a submission (from its Uppgifter sheet); the compilation reads the same shape. */
export type { SubmissionInfo };

/** The result for one file. */
export interface FileResult {
  file: string;
  verdict: FileVerdict;
  /** For OLÄSBAR: the one-line Swedish reason and its stable code. */
  reason?: string;
  reasonCode?: string;
  template: { id: string; version: string } | null;
  submission: SubmissionInfo | null;
  findings: JsonFinding[];
  counts: Record<Severity, number>;
  /** Metric id -> value (null when it cannot be computed), see README. */
  metrics: Record<string, number | boolean | null> | null;
  /** Contract clauses needing attention (status warning, deviation or not_evaluable) when --avtal is given. */
  deviations: Deviation[];
  /** The avtal the file was evaluated against (id and version), when --avtal is given. */
  avtal?: { id: string; version: string } | null;
  /** Why no avtal was applied (none has the file's avtal id, or not for its area), when --avtal is given. */
  avtalNote?: string;
  /** Path of the annotated copy, when --annotate was given. */
  annotated?: string;
  /** Why the annotated copy could not be written. */
  annotateError?: string;
}

/** Options for {@link validateFile}. */
export interface ValidateFileOptions {
  /** Write an annotated copy into this directory. */
  annotateDir?: string;
  /** Name to give the annotated copy (default: the file's base name). */
  annotateName?: string;
  /** Largest file accepted. */
  maxFileBytes?: number;
  /** Avtal to evaluate against: the one whose id and area match the file's applies. */
  avtal?: Avtal[];
  /** Today's date (ÅÅÅÅ-MM-DD) for reporting-deadline checks. */
  today?: string;
}

const SUBMISSION_TEXT_KEYS = { provider: "uppgifter.utforare", unit: "uppgifter.enhet" } as const;

function toJson(f: Finding): JsonFinding {
  const out: JsonFinding = {
    severity: f.severity,
    code: f.code,
    sheet: f.sheet,
    cell: f.cell,
    field: f.field,
    message: f.message,
    expected: f.expected,
    actual: f.actual,
    delta: f.delta,
  };
  if (f.cells && f.cells.length > 1) out.cells = f.cells;
  return out;
}

/** An OLÄSBAR result. */
export function unreadableResult(file: string, reason: string, reasonCode: string): FileResult {
  return {
    file,
    verdict: "OLÄSBAR",
    reason,
    reasonCode,
    template: null,
    submission: null,
    findings: [],
    counts: { error: 0, warning: 0, info: 0 },
    metrics: null,
    deviations: [],
  };
}

function readBytes(file: string, maxFileBytes: number): Uint8Array {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UnreadableWorkbookError("NOT_XLSX", "är en mapp, inte en fil");
    size = st.size;
  } catch (e) {
    if (e instanceof UnreadableWorkbookError) throw e;
    throw new UnreadableWorkbookError(
      "READ_FAILED",
      `filen går inte att öppna (${(e as NodeJS.ErrnoException).code ?? "okänt fel"})`,
    );
  }
  // The size is checked before anything is read, so a huge file never reaches memory.
  if (size === 0) throw emptyFileError();
  if (size > maxFileBytes) throw tooLargeError(size, { ...DEFAULT_LIMITS, maxFileBytes });
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UnreadableWorkbookError(
      "READ_FAILED",
      `filen går inte att läsa (${(e as NodeJS.ErrnoException).code ?? "okänt fel"})`,
    );
  }
}

function metricsRecord(m: Metrics): Record<string, number | boolean | null> {
  const out: Record<string, number | boolean | null> = {};
  for (const [id, c] of Object.entries(m.values)) out[id] = c.ok ? c.value : null;
  out.meetsRequirement = m.meetsRequirement.ok ? m.meetsRequirement.value : null;
  return out;
}

/** Validate one file. `label` is how the file is named in the output. */
export async function validateFile(
  file: string,
  label: string = file,
  options: ValidateFileOptions = {},
): Promise<FileResult> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes;
  let bytes: Uint8Array;
  try {
    bytes = readBytes(file, maxFileBytes);
    const snapshot = await readWorkbook(bytes, { limits: { maxFileBytes } });
    if (!looksLikeTemplate(snapshot, LATEST_TEMPLATE)) {
      throw new UnreadableWorkbookError(
        "NOT_TEMPLATE",
        `arbetsboken är inte skapad från uppföljningsmallen (stämpeln ${LATEST_TEMPLATE.stamp.definedName} och mallens blad saknas); be utföraren använda mallen`,
      );
    }
    const review = reviewSubmission(snapshot, {
      avtal: options.avtal,
      today: options.today ?? new Date().toISOString().slice(0, 10),
    });
    const { findings, submission, metrics } = review;
    const text = (k: string) =>
      typeof submission.values[k] === "string" ? (submission.values[k] as string) : null;
    const result: FileResult = {
      file: label,
      verdict: review.verdict,
      template: { id: submission.templateId, version: submission.templateVersion },
      submission: {
        provider: text(SUBMISSION_TEXT_KEYS.provider),
        unit: text(SUBMISSION_TEXT_KEYS.unit),
        orgnr: submission.orgnr,
        avtalId: submission.avtalId,
        area: submission.area,
        year: submission.year,
        periodType: submission.periodType,
        period: submission.period,
      },
      findings: findings.map(toJson),
      counts: review.counts,
      metrics: metricsRecord(metrics),
      deviations: [],
    };
    if (options.avtal) {
      const avtal = review.avtal;
      result.avtal = avtal ? { id: avtal.id, version: avtal.version } : null;
      if (avtal) result.deviations = deviationsOnly(review.deviations[avtal.id] ?? []);
      if (review.avtalMismatch) result.avtalNote = review.avtalMismatch.reason;
    }
    if (options.annotateDir) {
      const out = path.join(options.annotateDir, options.annotateName ?? path.basename(file));
      try {
        const annotated = await annotateWorkbook(bytes, findings, {
          title: path.basename(file),
          verdict: result.verdict,
        });
        mkdirSync(options.annotateDir, { recursive: true });
        const tmp = `${out}.${process.pid}.tmp`;
        writeFileSync(tmp, annotated);
        renameSync(tmp, out);
        result.annotated = out;
      } catch (e) {
        result.annotateError = `kan inte skriva granskningskopian ${out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
      }
    }
    return result;
  } catch (e) {
    if (e instanceof UnreadableWorkbookError) return unreadableResult(label, e.message, e.code);
    const detail = e instanceof Error ? e.message.split("\n")[0].slice(0, 160) : String(e);
    return unreadableResult(label, `filen kunde inte granskas (${detail})`, "READ_FAILED");
  }
}
