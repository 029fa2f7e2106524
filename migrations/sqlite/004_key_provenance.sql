-- Where a gateway key came from (issue 16, item 4). A key created while team mode was off (over
-- the API with auth off, or by `ongoingai keys create` with a config without team mode) may have
-- been made by anyone who could reach the port; it is refused in team mode until an operator
-- confirms it on the host (`ongoingai keys confirm ID`) or revokes it.
--
-- Rows from before this migration: the creator `system` means the API with auth off, so those
-- are flagged, and so are keys a `system` rotate gave a new token. `cli` keys were made on the host by someone holding the database and its secret
-- (who could confirm them anyway), so they are not.
ALTER TABLE gateway_keys ADD COLUMN created_without_auth INTEGER NOT NULL DEFAULT 0;
ALTER TABLE gateway_keys ADD COLUMN confirmed_at TEXT;
ALTER TABLE gateway_keys ADD COLUMN confirmed_by TEXT;
UPDATE gateway_keys SET created_without_auth = 1 WHERE created_by = 'system';
-- A rotate over the API with auth off (the audit log's actor `system`) handed a new token of
-- an existing key to whoever sent it: flagged too, whoever created the key.
UPDATE gateway_keys SET created_without_auth = 1 WHERE id IN (
  SELECT key_id FROM gateway_key_events WHERE event = 'rotated' AND actor_key_id = 'system'
);

-- The audit log gains `confirmed`; SQLite changes a CHECK only by rebuilding the table.
CREATE TABLE gateway_key_events_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key_id TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('created', 'rotated', 'revoked', 'confirmed')),
  actor_key_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  at TEXT NOT NULL
);
INSERT INTO gateway_key_events_new (id, key_id, event, actor_key_id, org_id, workspace_id, at)
  SELECT id, key_id, event, actor_key_id, org_id, workspace_id, at FROM gateway_key_events;
DROP TABLE gateway_key_events;
ALTER TABLE gateway_key_events_new RENAME TO gateway_key_events;
CREATE INDEX gateway_key_events_tenant ON gateway_key_events (org_id, workspace_id, id);
