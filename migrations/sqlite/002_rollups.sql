-- Rollups of the traces, maintained on write in the same transaction as the inserts, so
-- analytics over months of history read thousands of rows instead of millions. Analytics combine
-- them with the raw traces of the partial periods at the edges of a range, so answers are exact
-- (percentiles: within 1%, from the histograms, see src/store/latency_histogram.ts).
--
-- Two tables with the same columns and different dimensions and periods: `rollup_hourly` by hour
-- for everything but provider keys, `rollup_daily_keys` by UTC day for the keys view and for
-- grouping by api_key_hash (keys can be many: a day keeps that table small). `period` is the
-- start of the hour or day. A dimension a table does not keep is ''. Empty strings, not NULL,
-- because NULLs are all distinct in a primary key.
CREATE TABLE rollup_hourly (
  period TEXT NOT NULL,
  org_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  request_path TEXT NOT NULL,
  gateway_key_id TEXT NOT NULL,
  api_key_hash TEXT NOT NULL,
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
  PRIMARY KEY (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash)
) WITHOUT ROWID;

CREATE TABLE rollup_daily_keys (
  period TEXT NOT NULL,
  org_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  request_path TEXT NOT NULL,
  gateway_key_id TEXT NOT NULL,
  api_key_hash TEXT NOT NULL,
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
  PRIMARY KEY (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash)
) WITHOUT ROWID;
