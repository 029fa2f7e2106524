-- The Responses store (issue 21), as migrations/sqlite/007_response_states.sql: per tenant and
-- response id, the state a later `previous_response_id` is rebuilt from. `state` is text, not
-- jsonb: the caller's JSON is kept byte for byte (jsonb would reorder keys, and the messages are
-- sent upstream again, where a prompt cache keys on the bytes). `state_bytes` is its UTF-8 size,
-- so a chain is bounded before any state is read. Rows past `expires_at` are never returned and
-- are purged through the expiry index.
CREATE TABLE response_states (
  org_id text NOT NULL,
  workspace_id text NOT NULL,
  id text NOT NULL,
  previous_id text,
  model text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  state_bytes integer NOT NULL,
  state text NOT NULL,
  PRIMARY KEY (org_id, workspace_id, id)
);
CREATE INDEX response_states_expiry ON response_states (expires_at);
