-- Where a gateway key came from (issue 16, item 4). A key created while team mode was off (over
-- the API with auth off, or by `ongoingai keys create` with a config without team mode) may have
-- been made by anyone who could reach the port; it is refused in team mode until an operator
-- confirms it on the host (`ongoingai keys confirm ID`) or revokes it.
--
-- Rows from before this migration: the creator `system` means the API with auth off, so those
-- are flagged, and so are keys a `system` rotate gave a new token. `cli` keys were made on the host by someone holding the database and its secret
-- (who could confirm them anyway), so they are not.
ALTER TABLE gateway_keys
  ADD COLUMN created_without_auth boolean NOT NULL DEFAULT false,
  ADD COLUMN confirmed_at timestamptz,
  ADD COLUMN confirmed_by text;
UPDATE gateway_keys SET created_without_auth = true WHERE created_by = 'system';
-- A rotate over the API with auth off (the audit log's actor `system`) handed a new token of
-- an existing key to whoever sent it: flagged too, whoever created the key.
UPDATE gateway_keys SET created_without_auth = true WHERE id IN (
  SELECT key_id FROM gateway_key_events WHERE event = 'rotated' AND actor_key_id = 'system'
);

-- The audit log gains `confirmed`.
ALTER TABLE gateway_key_events DROP CONSTRAINT IF EXISTS gateway_key_events_event_check;
ALTER TABLE gateway_key_events ADD CONSTRAINT gateway_key_events_event_check
  CHECK (event IN ('created', 'rotated', 'revoked', 'confirmed'));
