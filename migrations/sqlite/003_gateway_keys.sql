-- Gateway keys created through the API (config keys stay in the config), and their audit log.
-- `token_digest` is the hex HMAC-SHA256 of the token under the installation's key-hash secret:
-- the token itself is never stored. A revoked key keeps its row (revoked_at set), so the audit
-- log always names a key that exists.
CREATE TABLE gateway_keys (
  id TEXT NOT NULL PRIMARY KEY,
  token_digest TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL,
  permissions TEXT NOT NULL DEFAULT '[]',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_rotated_at TEXT
);
CREATE INDEX gateway_keys_tenant ON gateway_keys (org_id, workspace_id, created_at, id);

CREATE TABLE gateway_key_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key_id TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('created', 'rotated', 'revoked')),
  actor_key_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX gateway_key_events_tenant ON gateway_key_events (org_id, workspace_id, id);
