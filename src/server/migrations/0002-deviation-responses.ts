/** Justifications of contract deviations and the purchaser's decisions. */
import type { Migration } from "./types";

export const migration: Migration = {
  version: 2,
  name: "deviation responses",
  sql: `
-- The provider's justification of a contract deviation (avtalsavvikelse) and the purchaser's
-- decision on it, per workbook, avtal version and clause. The avtal is the client-side avtal
-- document (id + version), not necessarily a row in avtal. Changes are in audit_log.
CREATE TABLE deviation_responses (
  workbook_id text NOT NULL REFERENCES workbooks(id),
  avtal_id text NOT NULL,
  avtal_version text NOT NULL,
  clause_id text NOT NULL,
  justification text NOT NULL CHECK (char_length(justification) BETWEEN 1 AND 4000),
  justified_by bigint NOT NULL REFERENCES users(id),
  justified_at timestamptz NOT NULL DEFAULT now(),
  decision text CHECK (decision IN ('accepted', 'rejected')),
  decision_note text,
  decided_by bigint REFERENCES users(id),
  decided_at timestamptz,
  PRIMARY KEY (workbook_id, avtal_id, avtal_version, clause_id),
  -- A decision always says who made it and when.
  CHECK ((decision IS NULL) = (decided_by IS NULL) AND (decision IS NULL) = (decided_at IS NULL))
);
`,
};
