-- Attribution (issue 18, item 3): the coding agent, its session, thread and turn, the kind of
-- request, and the developer, as the client claims them in its headers (traces/agent_identity.ts),
-- except the developer in team mode, which is the verified gateway key. Null on older traces.
ALTER TABLE traces ADD COLUMN agent TEXT;
ALTER TABLE traces ADD COLUMN agent_version TEXT;
ALTER TABLE traces ADD COLUMN session_id TEXT;
ALTER TABLE traces ADD COLUMN agent_thread_id TEXT;
ALTER TABLE traces ADD COLUMN agent_turn_id TEXT;
ALTER TABLE traces ADD COLUMN agent_request_kind TEXT;
ALTER TABLE traces ADD COLUMN developer TEXT;

-- One index, partial (no index write for a trace without a session): listing a session's traces
-- (`/api/traces?session_id=`) and the sessions view, which groups by session over raw traces
-- (sessions are too many for the rollups). Developers and agents are few: they are rollup
-- dimensions below, so grouping by them reads the rollups like every other group.
CREATE INDEX idx_traces_session_id ON traces (session_id) WHERE session_id IS NOT NULL;

-- The rollups gain `developer` and `agent` ('' for none, as every dimension). SQLite changes a
-- primary key only by rebuilding the table; older rows had neither.
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
    developer, agent)
) WITHOUT ROWID;
INSERT INTO rollup_hourly_new (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash, request_count, input_tokens, output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_usd, priced_count, unpriced_count, unknown_usage_count, error_count_4xx, error_count_5xx, latency_sum, latency_min, latency_max, ttft_us_sum, ttft_count, first_seen_at, last_seen_at, api_key_last4, latency_hist, ttft_hist, developer, agent)
  SELECT period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash, request_count, input_tokens, output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_usd, priced_count, unpriced_count, unknown_usage_count, error_count_4xx, error_count_5xx, latency_sum, latency_min, latency_max, ttft_us_sum, ttft_count, first_seen_at, last_seen_at, api_key_last4, latency_hist, ttft_hist, '', '' FROM rollup_hourly;
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
    developer, agent)
) WITHOUT ROWID;
INSERT INTO rollup_daily_keys_new (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash, request_count, input_tokens, output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_usd, priced_count, unpriced_count, unknown_usage_count, error_count_4xx, error_count_5xx, latency_sum, latency_min, latency_max, ttft_us_sum, ttft_count, first_seen_at, last_seen_at, api_key_last4, latency_hist, ttft_hist, developer, agent)
  SELECT period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash, request_count, input_tokens, output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_usd, priced_count, unpriced_count, unknown_usage_count, error_count_4xx, error_count_5xx, latency_sum, latency_min, latency_max, ttft_us_sum, ttft_count, first_seen_at, last_seen_at, api_key_last4, latency_hist, ttft_hist, '', '' FROM rollup_daily_keys;
DROP TABLE rollup_daily_keys;
ALTER TABLE rollup_daily_keys_new RENAME TO rollup_daily_keys;
