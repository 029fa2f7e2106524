-- The audit log (issue 22, src/store/audit_chain.ts): append-only and hash-chained. `seq` counts
-- from 1 without holes; `hash` is the SHA-256 of the entry's canonical JSON (every field but
-- `hash`), and `prev_hash` the hash of the entry before it. `at` is text in the fixed-width UTC
-- form, and before/after/details the canonical JSON text, so a row reads back to exactly the
-- bytes that were hashed. `audit_head` (one row, written by the first append) holds the last seq
-- and hash, so a deleted tail is found too. Triggers refuse UPDATE and DELETE: only appends change the log (someone with the
-- file can drop them; the chain is what shows it).
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
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
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
