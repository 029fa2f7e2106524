-- Attribution (issue 18, item 3), as migrations/sqlite/005_attribution.sql: the claimed agent,
-- session, thread, turn and request kind, and the developer (the verified gateway key in team
-- mode). Null on older traces.
ALTER TABLE traces
  ADD COLUMN agent text,
  ADD COLUMN agent_version text,
  ADD COLUMN session_id text,
  ADD COLUMN agent_thread_id text,
  ADD COLUMN agent_turn_id text,
  ADD COLUMN agent_request_kind text,
  ADD COLUMN developer text;

-- Partial: no index write for a trace without a session. Serves `/api/traces?session_id=` and
-- the sessions view (raw traces grouped by session; sessions are too many for the rollups).
CREATE INDEX idx_traces_session_id ON traces (session_id) WHERE session_id IS NOT NULL;

-- Developers and agents are few: rollup dimensions ('' for none), so grouping by them reads the
-- rollups like every other group.
ALTER TABLE rollup_hourly
  ADD COLUMN developer text NOT NULL DEFAULT '',
  ADD COLUMN agent text NOT NULL DEFAULT '';
ALTER TABLE rollup_hourly DROP CONSTRAINT rollup_hourly_pkey;
ALTER TABLE rollup_hourly ADD PRIMARY KEY
  (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash,
   developer, agent);
ALTER TABLE rollup_daily_keys
  ADD COLUMN developer text NOT NULL DEFAULT '',
  ADD COLUMN agent text NOT NULL DEFAULT '';
ALTER TABLE rollup_daily_keys DROP CONSTRAINT rollup_daily_keys_pkey;
ALTER TABLE rollup_daily_keys ADD PRIMARY KEY
  (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash,
   developer, agent);
