-- Routes and attempts (issue 19), as migrations/sqlite/006_attempts.sql: the route's name, the
-- number of upstream attempts, and one record per attempt (jsonb list). Older traces are
-- unrouted: no route, one attempt, no records.
ALTER TABLE traces
  ADD COLUMN route text,
  ADD COLUMN attempt_count bigint NOT NULL DEFAULT 1,
  ADD COLUMN attempts jsonb;

-- Partial (no index write for an unrouted trace): `/api/traces?route=` in page order (seq) and
-- the failover view, which reads routed traces only.
CREATE INDEX idx_traces_route ON traces (route, seq) WHERE route IS NOT NULL;

-- The rollups gain `route_name` ('' for unrouted traffic, as every dimension): routes are few,
-- so `group_by=route_name` reads the rollups like every other group. Hourly only; '' in the keys
-- table.
ALTER TABLE rollup_hourly ADD COLUMN route_name text NOT NULL DEFAULT '';
ALTER TABLE rollup_hourly DROP CONSTRAINT rollup_hourly_pkey;
ALTER TABLE rollup_hourly ADD PRIMARY KEY
  (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash,
   developer, agent, route_name);
ALTER TABLE rollup_daily_keys ADD COLUMN route_name text NOT NULL DEFAULT '';
ALTER TABLE rollup_daily_keys DROP CONSTRAINT rollup_daily_keys_pkey;
ALTER TABLE rollup_daily_keys ADD PRIMARY KEY
  (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash,
   developer, agent, route_name);
