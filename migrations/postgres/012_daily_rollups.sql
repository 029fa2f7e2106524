-- Daily rollups, as migrations/sqlite/010_daily_rollups.sql: a year of team traffic is some
-- 260,000 hourly rollup rows (an hour rarely repeats a group of provider, model, path, keys,
-- developer, agent and route), about 20,000 per UTC day. `rollup_daily` keeps the hourly
-- table's groups and figures per UTC day, `rollup_cost_lines_daily` the cost lines per day:
-- analytics read whole days from them, the whole hours at a range's edges from the hourly tables
-- and the partial hours from the traces (`planSources`, store/analytics_merge.ts), so every
-- answer stays exact. Both are filled here from the hourly tables and added to by the statement
-- that inserts the traces from then on, as the hourly ones (src/store/pg_write.ts).
CREATE TABLE rollup_daily (
  period timestamptz NOT NULL,
  org_id text NOT NULL,
  workspace_id text NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  request_path text NOT NULL,
  gateway_key_id text NOT NULL,
  api_key_hash text NOT NULL,
  developer text NOT NULL,
  agent text NOT NULL,
  route_name text NOT NULL,
  request_count bigint NOT NULL,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  total_tokens bigint NOT NULL,
  cached_input_tokens bigint NOT NULL,
  cache_write_tokens bigint NOT NULL,
  reasoning_tokens bigint NOT NULL,
  cost_usd double precision NOT NULL,
  priced_count bigint NOT NULL,
  partial_count bigint NOT NULL,
  unpriced_count bigint NOT NULL,
  unknown_usage_count bigint NOT NULL,
  error_count_4xx bigint NOT NULL,
  error_count_5xx bigint NOT NULL,
  latency_sum bigint NOT NULL,
  latency_min bigint,
  latency_max bigint,
  ttft_us_sum bigint NOT NULL,
  ttft_count bigint NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  -- Byte order, as SQLite compares text, so max() picks the same value on both.
  api_key_last4 text COLLATE "C",
  latency_hist jsonb NOT NULL,
  ttft_hist jsonb NOT NULL,
  PRIMARY KEY (period, org_id, workspace_id, provider, model, request_path, gateway_key_id,
    api_key_hash, developer, agent, route_name)
);

-- Histograms summed bucket by bucket over a group's rows (ongoingai_hist_merge, 002).
CREATE AGGREGATE ongoingai_hist_sum(jsonb) (
  SFUNC = ongoingai_hist_merge,
  STYPE = jsonb,
  INITCOND = '{}'
);

INSERT INTO rollup_daily (period, org_id, workspace_id, provider, model, request_path,
    gateway_key_id, api_key_hash, developer, agent, route_name, request_count, input_tokens,
    output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens,
    cost_usd, priced_count, partial_count, unpriced_count, unknown_usage_count, error_count_4xx,
    error_count_5xx, latency_sum, latency_min, latency_max, ttft_us_sum, ttft_count, first_seen_at,
    last_seen_at, api_key_last4, latency_hist, ttft_hist)
  SELECT date_trunc('day', period AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', org_id, workspace_id,
      provider, model, request_path, gateway_key_id, api_key_hash, developer, agent, route_name,
      sum(request_count), sum(input_tokens), sum(output_tokens), sum(total_tokens),
      sum(cached_input_tokens), sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_usd),
      sum(priced_count), sum(partial_count), sum(unpriced_count), sum(unknown_usage_count),
      sum(error_count_4xx), sum(error_count_5xx), sum(latency_sum), min(latency_min),
      max(latency_max), sum(ttft_us_sum), sum(ttft_count), min(first_seen_at), max(last_seen_at),
      max(api_key_last4), ongoingai_hist_sum(latency_hist), ongoingai_hist_sum(ttft_hist)
  FROM rollup_hourly GROUP BY 1, org_id, workspace_id, provider, model, request_path,
      gateway_key_id, api_key_hash, developer, agent, route_name;

CREATE TABLE rollup_cost_lines_daily (
  period timestamptz NOT NULL,
  org_id text NOT NULL,
  workspace_id text NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  dimension text NOT NULL,
  unit text NOT NULL,
  quantity bigint NOT NULL,
  cost_usd double precision NOT NULL,
  unpriced_quantity bigint NOT NULL,
  trace_count bigint NOT NULL,
  PRIMARY KEY (period, org_id, workspace_id, provider, model, dimension)
);

INSERT INTO rollup_cost_lines_daily (period, org_id, workspace_id, provider, model, dimension,
    unit, quantity, cost_usd, unpriced_quantity, trace_count)
  SELECT date_trunc('day', period AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', org_id, workspace_id,
      provider, model, dimension, max(unit), sum(quantity), sum(cost_usd),
      sum(unpriced_quantity), sum(trace_count)
  FROM rollup_cost_lines GROUP BY 1, org_id, workspace_id, provider, model, dimension;
