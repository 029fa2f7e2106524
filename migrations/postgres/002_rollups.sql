-- Rollups of the traces, as migrations/sqlite/002_rollups.sql (same tables, columns and meaning):
-- `rollup_hourly` by hour, `rollup_daily_keys` by UTC day for provider keys. Maintained in the
-- statement that inserts the traces (src/store/pg_write.ts). Histograms are jsonb objects
-- `{"<bucket>": count}` (src/store/latency_histogram.ts); buckets are computed in TypeScript, so
-- both stores put a value in the same bucket, and only counted and merged here.
CREATE TABLE rollup_hourly (
  period timestamptz NOT NULL,
  org_id text NOT NULL,
  workspace_id text NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  request_path text NOT NULL,
  gateway_key_id text NOT NULL,
  api_key_hash text NOT NULL,
  request_count bigint NOT NULL,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  total_tokens bigint NOT NULL,
  cached_input_tokens bigint NOT NULL,
  cache_write_tokens bigint NOT NULL,
  reasoning_tokens bigint NOT NULL,
  cost_usd double precision NOT NULL,
  priced_count bigint NOT NULL,
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
  PRIMARY KEY (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash)
);

CREATE TABLE rollup_daily_keys (
  period timestamptz NOT NULL,
  org_id text NOT NULL,
  workspace_id text NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  request_path text NOT NULL,
  gateway_key_id text NOT NULL,
  api_key_hash text NOT NULL,
  request_count bigint NOT NULL,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  total_tokens bigint NOT NULL,
  cached_input_tokens bigint NOT NULL,
  cache_write_tokens bigint NOT NULL,
  reasoning_tokens bigint NOT NULL,
  cost_usd double precision NOT NULL,
  priced_count bigint NOT NULL,
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
  PRIMARY KEY (period, org_id, workspace_id, provider, model, request_path, gateway_key_id, api_key_hash)
);

-- Adds one value's bucket to a histogram; `ongoingai_hist(bucket)` counts a group's buckets.
CREATE FUNCTION ongoingai_hist_add(state jsonb, bucket text) RETURNS jsonb
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT state || jsonb_build_object(bucket, coalesce((state ->> bucket)::bigint, 0) + 1) $$;

CREATE AGGREGATE ongoingai_hist(text) (
  SFUNC = ongoingai_hist_add,
  STYPE = jsonb,
  INITCOND = '{}'
);

-- Sum of two histograms, bucket by bucket: b's buckets added onto a. Walks only b, the batch's
-- few buckets, not the stored histogram (a per-row GROUP BY over both was 0.1 ms a rollup row).
CREATE FUNCTION ongoingai_hist_merge(a jsonb, b jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT coalesce(a, '{}'::jsonb) || coalesce(
      (SELECT jsonb_object_agg(key, coalesce((a ->> key)::bigint, 0) + value::bigint)
       FROM jsonb_each_text(b)),
      '{}'::jsonb
    )
  $$;
