-- Gateway keys created through the API (config keys stay in the config), and their audit log.
-- `token_digest` is the hex HMAC-SHA256 of the token under the installation's key-hash secret:
-- the token itself is never stored. A revoked key keeps its row (revoked_at set), so the audit
-- log always names a key that exists.
CREATE TABLE gateway_keys (
  id text PRIMARY KEY,
  token_digest text NOT NULL UNIQUE,
  org_id text NOT NULL,
  workspace_id text NOT NULL,
  name text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  role text NOT NULL,
  permissions jsonb NOT NULL DEFAULT '[]',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_rotated_at timestamptz
);
CREATE INDEX gateway_keys_tenant ON gateway_keys (org_id, workspace_id, created_at, id);

CREATE TABLE gateway_key_events (
  id bigserial PRIMARY KEY,
  key_id text NOT NULL,
  event text NOT NULL CHECK (event IN ('created', 'rotated', 'revoked')),
  actor_key_id text NOT NULL,
  org_id text NOT NULL,
  workspace_id text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX gateway_key_events_tenant ON gateway_key_events (org_id, workspace_id, id);
