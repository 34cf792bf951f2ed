/** The initial schema: organisations, users, avtal, workbooks, cells and the change log, submissions and receipts, cost keys, the audit log. */
import type { Migration } from "./types";

export const migration: Migration = {
  version: 1,
  name: "initial schema",
  sql: `
CREATE TABLE organisations (
  id text PRIMARY KEY,                       -- code as text: "04", "0117", "556036-0793"
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('region', 'kommun', 'utforare')),
  parent_id text REFERENCES organisations(id), -- the region/kommun that registered a provider
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('utforare', 'controller', 'finance', 'admin')),
  org_id text NOT NULL REFERENCES organisations(id),
  token_hash text UNIQUE,                    -- SHA-256 of an opaque token; the token is never stored
  oidc_tenant_id text,
  oidc_object_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz,
  UNIQUE (oidc_tenant_id, oidc_object_id)
);

CREATE TABLE avtal (
  id text PRIMARY KEY,
  title text NOT NULL,
  purchaser_org_id text NOT NULL REFERENCES organisations(id),
  provider_org_id text NOT NULL REFERENCES organisations(id),
  valid_from date,
  valid_to date,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX avtal_purchaser ON avtal (purchaser_org_id);
CREATE INDEX avtal_provider ON avtal (provider_org_id);

CREATE TABLE workbooks (
  id text PRIMARY KEY,
  title text NOT NULL,
  provider_org_id text NOT NULL REFERENCES organisations(id),   -- the utförare who fills it in
  purchaser_org_id text NOT NULL REFERENCES organisations(id),  -- the region/kommun receiving it
  avtal_id text REFERENCES avtal(id),
  template_id text NOT NULL,
  template_version text NOT NULL,
  created_by bigint NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workbooks_provider ON workbooks (provider_org_id);
CREATE INDEX workbooks_purchaser ON workbooks (purchaser_org_id);

-- cells and changes are written only by the sync push, which writes only to existing workbooks
-- (checked in the same statement) as the authenticated user; workbooks and users are never
-- deleted. They carry no foreign keys: per-row FK checks would double the cost of a large push.
CREATE TABLE cells (
  workbook_id text NOT NULL,
  sheet text NOT NULL,
  cell text NOT NULL,
  value jsonb NOT NULL,                      -- string | number | boolean | null as JSON
  version integer NOT NULL CHECK (version > 0),
  last_seq bigint NOT NULL,
  updated_by bigint,
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- The client that wrote the latest version, and the version before its current run of
  -- consecutive writes: a base version >= streak_base from that same client is its own
  -- unacknowledged edit, not a stale one.
  last_client_id text,
  streak_base integer NOT NULL DEFAULT 0,
  PRIMARY KEY (workbook_id, sheet, cell)
);

-- The global change log the sync protocol pulls from. Appends are serialised (advisory lock
-- held to commit), so seq order is commit order and a cursor never skips a late commit.
CREATE TABLE changes (
  seq bigserial PRIMARY KEY,
  workbook_id text NOT NULL,
  sheet text NOT NULL,
  cell text NOT NULL,
  value jsonb NOT NULL,
  version integer NOT NULL,
  client_id text,
  mutation_id bigint,
  user_id bigint,
  org_id text,                               -- the writer's organisation (audit)
  old_value jsonb,                           -- the value before this change (audit); NULL = no cell
  authored_at timestamptz,
  committed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX changes_workbook_seq ON changes (workbook_id, seq);

CREATE TABLE sync_clients (
  client_id text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id),
  last_mutation_id bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sync_conflicts (
  id bigserial PRIMARY KEY,
  client_id text NOT NULL,
  mutation_id bigint NOT NULL,
  user_id bigint NOT NULL REFERENCES users(id),
  workbook_id text NOT NULL,
  sheet text NOT NULL,
  cell text NOT NULL,
  base_version integer NOT NULL,
  value jsonb NOT NULL,
  server_value jsonb NOT NULL,
  server_version integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (client_id, mutation_id)
);

CREATE TABLE submissions (
  id bigserial PRIMARY KEY,
  workbook_id text NOT NULL REFERENCES workbooks(id),
  receiving_org_id text NOT NULL REFERENCES organisations(id),
  submitted_by bigint NOT NULL REFERENCES users(id),
  submitted_at timestamptz NOT NULL,
  content jsonb NOT NULL,
  content_sha256 text NOT NULL,
  verdict jsonb NOT NULL
);
CREATE INDEX submissions_workbook ON submissions (workbook_id);

CREATE TABLE receipts (
  receiving_org_id text NOT NULL REFERENCES organisations(id),
  seq integer NOT NULL,
  submission_id bigint NOT NULL UNIQUE REFERENCES submissions(id),
  issued_at timestamptz NOT NULL,
  submitter_user_id bigint NOT NULL,
  submitter_name text NOT NULL,
  content_sha256 text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (receiving_org_id, seq)
);

CREATE TABLE agreements (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE agreement_parties (
  agreement_id text NOT NULL REFERENCES agreements(id),
  org_id text NOT NULL REFERENCES organisations(id),
  PRIMARY KEY (agreement_id, org_id)
);
CREATE TABLE cost_keys (
  id text PRIMARY KEY,
  agreement_id text NOT NULL REFERENCES agreements(id),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE cost_key_versions (
  id bigserial PRIMARY KEY,
  key_id text NOT NULL REFERENCES cost_keys(id),
  version_no integer NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'proposed', 'active', 'superseded')),
  basis text NOT NULL,
  note text NOT NULL DEFAULT '',
  weights jsonb NOT NULL,                    -- [{"orgId": "04", "weight": 52}, ...]
  created_by bigint REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  proposed_by bigint REFERENCES users(id),
  proposed_at timestamptz,
  activated_at timestamptz,
  superseded_at timestamptz,
  UNIQUE (key_id, version_no)
);
-- At most one active version per key.
CREATE UNIQUE INDEX cost_key_versions_one_active ON cost_key_versions (key_id) WHERE status = 'active';
CREATE TABLE cost_key_approvals (
  version_id bigint NOT NULL REFERENCES cost_key_versions(id),
  org_id text NOT NULL REFERENCES organisations(id),
  user_id bigint NOT NULL REFERENCES users(id),
  approved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (version_id, org_id)
);

-- Append-only audit log: UPDATE, DELETE and TRUNCATE are refused by triggers.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id bigint,
  org_id text,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text,
  field text,
  old_value jsonb,
  new_value jsonb,
  client_id text,
  mutation_id bigint,
  outcome text NOT NULL DEFAULT 'ok',
  detail text
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit_log är endast för tillägg (append-only): % nekas', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- The change log is the audit trail of cell edits (who, organisation, cell, old → new, when,
-- client and mutation id): append-only like audit_log.
CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE ON changes
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER changes_no_truncate BEFORE TRUNCATE ON changes
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Receipts and submissions are immutable too.
CREATE TRIGGER receipts_immutable BEFORE UPDATE OR DELETE ON receipts
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER submissions_immutable BEFORE UPDATE OR DELETE ON submissions
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
`,
};
