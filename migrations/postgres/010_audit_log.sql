-- The audit log (issue 22, src/store/audit_chain.ts), as on SQLite (migrations/sqlite/008): one
-- chain for every instance. An append locks the one row of `audit_head` (SELECT ... FOR UPDATE),
-- computes prev_hash from it, inserts and moves the head in the same transaction, so concurrent
-- appends from several instances queue instead of forking the chain. `at` is text in the
-- fixed-width UTC form and before/after/details canonical JSON text: a row reads back to exactly
-- the bytes that were hashed. A trigger refuses UPDATE and DELETE on the log.
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at TEXT COLLATE "C" NOT NULL,
  actor TEXT NOT NULL,
  org_id TEXT,
  workspace_id TEXT,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  before_json TEXT NOT NULL,
  after_json TEXT NOT NULL,
  details_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log (org_id, workspace_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
