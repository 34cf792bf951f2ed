/**
 * Which real external parts this test run has. A newcomer's plain `npm test` has neither
 * PostgreSQL nor chromium: those suites are skipped with a one-line reason. Under CI=true a
 * missing variable is a failure, never a silent skip.
 */
import { describe } from "vitest";

export const isCI = process.env.CI === "true" || process.env.CI === "1";

export interface Requirement {
  /** Environment variable that must be set. */
  variable: "DATABASE_URL" | "CHROMIUM_PATH";
  /** What the suite needs it for, e.g. "PostgreSQL". */
  what: string;
}

/** The value of the variable, or undefined (after reporting why the suite is skipped). */
export function requireEnv(req: Requirement): string | undefined {
  const value = process.env[req.variable];
  if (value) return value;
  if (isCI) {
    throw new Error(
      `${req.variable} saknas under CI=true: sviten som behöver ${req.what} måste köras i CI (.ci/run exporterar den).`,
    );
  }
  console.warn(
    `[hoppar över] ${req.what}: ${req.variable} är inte satt (sätts av .ci/run; se README för att köra lokalt).`,
  );
  return undefined;
}

/** `describe` that runs only when the variable is set (fails under CI when it is not). */
export function describeWith(req: Requirement, name: string, fn: (value: string) => void): void {
  const value = requireEnv(req);
  if (value) describe(name, () => fn(value));
  else describe.skip(`${name} (hoppas över: ${req.variable} saknas)`, () => {});
}

/** Database targets every store test runs against: PGlite always, PostgreSQL when DATABASE_URL is set. */
export function databaseTargets(): Array<{ name: "pglite" | "postgres"; databaseUrl?: string }> {
  const url = requireEnv({ variable: "DATABASE_URL", what: "PostgreSQL" });
  return url ? [{ name: "pglite" }, { name: "postgres", databaseUrl: url }] : [{ name: "pglite" }];
}
