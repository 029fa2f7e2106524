-- The Responses store (issue 21): the state of each response the gateway answered for a stateful
-- OpenAI Responses client in front of a stateless upstream, so a later `previous_response_id`
-- can be rebuilt (src/store/response_states.ts). Keyed by tenant and response id: a lookup names
-- both, so another tenant never finds it. `state` is the caller's JSON text, kept as written;
-- `state_bytes` its UTF-8 size, so a chain is bounded before any state is read. Rows past
-- `expires_at` are never returned and are purged by rowid through the expiry index.
CREATE TABLE response_states (
  org_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  id TEXT NOT NULL,
  previous_id TEXT,
  model TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  state_bytes INTEGER NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (org_id, workspace_id, id)
);
CREATE INDEX response_states_expiry ON response_states (expires_at);
