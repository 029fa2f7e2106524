-- Daily rollups (issue 25): the HTML report reads a year of history, and the hourly rollups of
-- a year of team traffic are nearly as many rows as its traces (an hour rarely repeats a group
-- of provider, model, path, keys, developer, agent and route). `rollup_daily` keeps the same
-- groups and figures per UTC day, `rollup_cost_lines_daily` the cost lines per day: analytics
-- read whole days from them, the whole hours at a range's edges from the hourly tables and the
-- partial hours from the traces (store/sqlite_analytics.ts), so every answer stays exact.
-- Both are filled here from the hourly tables (histograms merged bucket by bucket) and added to
-- in the insert transaction from then on, as the hourly ones.
CREATE TABLE rollup_daily (
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
  partial_count INTEGER NOT NULL,
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
  PRIMARY KEY (period, org_id, workspace_id, provider, model, request_path,
    gateway_key_id, api_key_hash, developer, agent, route_name)
) WITHOUT ROWID;

INSERT INTO rollup_daily (period, org_id, workspace_id, provider, model, request_path,
    gateway_key_id, api_key_hash, developer, agent, route_name, request_count, input_tokens,
    output_tokens, total_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens,
    cost_usd, priced_count, partial_count, unpriced_count, unknown_usage_count, error_count_4xx,
    error_count_5xx, latency_sum, latency_min, latency_max, ttft_us_sum, ttft_count, first_seen_at,
    last_seen_at, api_key_last4, latency_hist, ttft_hist)
  SELECT substr(period, 1, 10) || 'T00:00:00.000Z', org_id, workspace_id, provider, model,
      request_path, gateway_key_id, api_key_hash, developer, agent, route_name, sum(request_count),
      sum(input_tokens), sum(output_tokens), sum(total_tokens), sum(cached_input_tokens),
      sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_usd), sum(priced_count),
      sum(partial_count), sum(unpriced_count), sum(unknown_usage_count), sum(error_count_4xx),
      sum(error_count_5xx), sum(latency_sum), min(latency_min), max(latency_max), sum(ttft_us_sum),
      sum(ttft_count), min(first_seen_at), max(last_seen_at), max(api_key_last4), '{}', '{}'
  FROM rollup_hourly GROUP BY 1, org_id, workspace_id, provider, model, request_path,
      gateway_key_id, api_key_hash, developer, agent, route_name;
UPDATE rollup_daily SET latency_hist = (
  SELECT json_group_object(k, c) FROM (
    SELECT j.key AS k, sum(j.value) AS c FROM rollup_hourly AS h, json_each(h.latency_hist) AS j
    WHERE h.period >= rollup_daily.period
      AND h.period < strftime('%Y-%m-%dT%H:%M:%fZ', rollup_daily.period, '+1 day')
      AND h.org_id = rollup_daily.org_id
      AND h.workspace_id = rollup_daily.workspace_id
      AND h.provider = rollup_daily.provider
      AND h.model = rollup_daily.model
      AND h.request_path = rollup_daily.request_path
      AND h.gateway_key_id = rollup_daily.gateway_key_id
      AND h.api_key_hash = rollup_daily.api_key_hash
      AND h.developer = rollup_daily.developer
      AND h.agent = rollup_daily.agent
      AND h.route_name = rollup_daily.route_name
    GROUP BY j.key
  )
);
UPDATE rollup_daily SET ttft_hist = (
  SELECT json_group_object(k, c) FROM (
    SELECT j.key AS k, sum(j.value) AS c FROM rollup_hourly AS h, json_each(h.ttft_hist) AS j
    WHERE h.period >= rollup_daily.period
      AND h.period < strftime('%Y-%m-%dT%H:%M:%fZ', rollup_daily.period, '+1 day')
      AND h.org_id = rollup_daily.org_id
      AND h.workspace_id = rollup_daily.workspace_id
      AND h.provider = rollup_daily.provider
      AND h.model = rollup_daily.model
      AND h.request_path = rollup_daily.request_path
      AND h.gateway_key_id = rollup_daily.gateway_key_id
      AND h.api_key_hash = rollup_daily.api_key_hash
      AND h.developer = rollup_daily.developer
      AND h.agent = rollup_daily.agent
      AND h.route_name = rollup_daily.route_name
    GROUP BY j.key
  )
);

CREATE TABLE rollup_cost_lines_daily (
  period TEXT NOT NULL,
  org_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  dimension TEXT NOT NULL,
  unit TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  unpriced_quantity INTEGER NOT NULL,
  trace_count INTEGER NOT NULL,
  PRIMARY KEY (period, org_id, workspace_id, provider, model, dimension)
) WITHOUT ROWID;

INSERT INTO rollup_cost_lines_daily (period, org_id, workspace_id, provider, model, dimension, unit,
    quantity, cost_usd, unpriced_quantity, trace_count)
  SELECT substr(period, 1, 10) || 'T00:00:00.000Z', org_id, workspace_id, provider, model,
      dimension, max(unit), sum(quantity),
    sum(cost_usd), sum(unpriced_quantity), sum(trace_count)
  FROM rollup_cost_lines GROUP BY 1, org_id, workspace_id, provider, model, dimension;
