/**
 * The identity of a shared workbook beyond provider, purchaser, avtal and template version: the
 * provider's unit, the reporting period, and the follow-up round that created it (issue 14 adds
 * the rounds table and its foreign key).
 */
import type { Migration } from "./types";

export const migration: Migration = {
  version: 3,
  name: "workbook identity",
  sql: `
ALTER TABLE workbooks ADD COLUMN unit_name text;
ALTER TABLE workbooks ADD COLUMN period_year integer CHECK (period_year BETWEEN 2000 AND 2100);
ALTER TABLE workbooks ADD COLUMN period_type text CHECK (period_type IN ('ar', 'kvartal', 'manad'));
ALTER TABLE workbooks ADD COLUMN period_no integer CHECK (
  (period_no IS NULL AND (period_type IS NULL OR period_type = 'ar'))
  OR (period_type = 'kvartal' AND period_no BETWEEN 1 AND 4)
  OR (period_type = 'manad' AND period_no BETWEEN 1 AND 12));
ALTER TABLE workbooks ADD COLUMN round_id text;
CREATE INDEX workbooks_identity ON workbooks (provider_org_id, avtal_id, period_year, period_type, period_no);
CREATE INDEX workbooks_round ON workbooks (round_id) WHERE round_id IS NOT NULL;
`,
};
