-- Routes and attempts (issue 19): the route a client request asked for (its configured name), how
-- many upstream attempts it took, and one record per attempt as a JSON list (routing/types.ts
-- `AttemptRecord`). Older traces are unrouted: no route, one attempt, no records.
ALTER TABLE traces ADD COLUMN route TEXT;
ALTER TABLE traces ADD COLUMN attempt_count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE traces ADD COLUMN attempts TEXT;

-- Partial (no index write for an unrouted trace): `/api/traces?route=` (the rowid, last column of
-- every index, gives its page order) and the failover view, which reads routed traces only.
CREATE INDEX idx_traces_route ON traces (route) WHERE route IS NOT NULL;

-- The rollups gain `route_name` (the route's name, '' for unrouted traffic, as every dimension):
-- routes are few (the config names them), so grouping by route (`group_by=route_name`) reads the
-- rollups like every other group. Hourly only; '' in the keys table. SQLite changes a primary key
-- only by rebuilding the table; older rows were unrouted.
CREATE TABLE rollup_hourly_new (
  period TEXT NOT NULL,
  org_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  request_path TEXT NOT NULL,
  gateway_key_id TEXT NOT NULL,
  api_key_hash TEXT NOT NULL,
  developer TEXT NOT NULL,
  agent TEXT NOT NULL,
  route_name TEXT NOT NULL,
  request_count INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  total_tokens INTEGER NOT NULL,
  cached_input_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  priced_count INTEGER NOT NULL,
  unpriced_count INTEGER NOT NULL,
  unknown_usage_count INTEGER NOT NULL,
  error_count_4xx INTEGER NOT NULL,
  error_count_5xx INTEGER NOT NULL,
  latency_sum INTEGER NOT NULL,
  latency_min INTEGER,
  latency_max INTEGER,
  ttft_us_sum INTEGER NOT NULL,
  ttft_count INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  api_key_last4 TEXT,
  latency_hist TEXT NOT NULL,
  ttft_hist TEXT NOT NULL,
  PRIMARY KEY (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash,
    developer, agent, route_name)
) WITHOUT ROWID;
INSERT INTO rollup_hourly_new (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash, request_count, input_tokens, output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_usd, priced_count, unpriced_count, unknown_usage_count, error_count_4xx, error_count_5xx, latency_sum, latency_min, latency_max, ttft_us_sum, ttft_count, first_seen_at, last_seen_at, api_key_last4, latency_hist, ttft_hist, developer, agent, route_name)
  SELECT period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash, request_count, input_tokens, output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_usd, priced_count, unpriced_count, unknown_usage_count, error_count_4xx, error_count_5xx, latency_sum, latency_min, latency_max, ttft_us_sum, ttft_count, first_seen_at, last_seen_at, api_key_last4, latency_hist, ttft_hist, developer, agent, '' FROM rollup_hourly;
DROP TABLE rollup_hourly;
ALTER TABLE rollup_hourly_new RENAME TO rollup_hourly;

CREATE TABLE rollup_daily_keys_new (
  period TEXT NOT NULL,
  org_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  request_path TEXT NOT NULL,
  gateway_key_id TEXT NOT NULL,
  api_key_hash TEXT NOT NULL,
  developer TEXT NOT NULL,
  agent TEXT NOT NULL,
  route_name TEXT NOT NULL,
  request_count INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  total_tokens INTEGER NOT NULL,
  cached_input_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  priced_count INTEGER NOT NULL,
  unpriced_count INTEGER NOT NULL,
  unknown_usage_count INTEGER NOT NULL,
  error_count_4xx INTEGER NOT NULL,
  error_count_5xx INTEGER NOT NULL,
  latency_sum INTEGER NOT NULL,
  latency_min INTEGER,
  latency_max INTEGER,
  ttft_us_sum INTEGER NOT NULL,
  ttft_count INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  api_key_last4 TEXT,
  latency_hist TEXT NOT NULL,
  ttft_hist TEXT NOT NULL,
  PRIMARY KEY (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash,
    developer, agent, route_name)
) WITHOUT ROWID;
INSERT INTO rollup_daily_keys_new (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash, request_count, input_tokens, output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_usd, priced_count, unpriced_count, unknown_usage_count, error_count_4xx, error_count_5xx, latency_sum, latency_min, latency_max, ttft_us_sum, ttft_count, first_seen_at, last_seen_at, api_key_last4, latency_hist, ttft_hist, developer, agent, route_name)
  SELECT period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash, request_count, input_tokens, output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_usd, priced_count, unpriced_count, unknown_usage_count, error_count_4xx, error_count_5xx, latency_sum, latency_min, latency_max, ttft_us_sum, ttft_count, first_seen_at, last_seen_at, api_key_last4, latency_hist, ttft_hist, developer, agent, '' FROM rollup_daily_keys;
DROP TABLE rollup_daily_keys;
ALTER TABLE rollup_daily_keys_new RENAME TO rollup_daily_keys;
