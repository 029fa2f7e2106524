-- Traces, one row per proxied request, as migrations/sqlite/001_init.sql: column names are the
-- Trace field names, plus `seq`. Timestamps are timestamptz (the store reads them back in the
-- fixed-width form YYYY-MM-DDTHH:MM:SS.sssZ), headers and metadata jsonb, flags boolean.
-- No CHECK constraints on enum-like columns: a new enum value must never turn into dropped traces.
CREATE TABLE traces (
  -- Insert sequence: the list order and the cursor (see TraceStore in src/store/types.ts).
  -- bigserial values are assigned while the writer holds the store's advisory lock, so seq order
  -- is commit order (src/store/pg_write.ts).
  seq bigserial PRIMARY KEY,
  id text NOT NULL,
  trace_group_id text,
  org_id text NOT NULL DEFAULT 'default',
  workspace_id text NOT NULL DEFAULT 'default',
  gateway_key_id text,
  "timestamp" timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  request_method text NOT NULL,
  request_path text NOT NULL,
  request_headers jsonb NOT NULL DEFAULT '{}',
  request_body text,
  request_body_truncated boolean NOT NULL DEFAULT false,
  response_status integer NOT NULL,
  response_headers jsonb NOT NULL DEFAULT '{}',
  response_body text,
  response_body_truncated boolean NOT NULL DEFAULT false,
  input_tokens bigint,
  output_tokens bigint,
  total_tokens bigint,
  cached_input_tokens bigint,
  cache_write_tokens bigint,
  reasoning_tokens bigint,
  usage_status text NOT NULL,
  latency_ms bigint NOT NULL,
  time_to_first_token_ms bigint,
  time_to_first_token_us bigint,
  api_key_hash text,
  api_key_last4 text COLLATE "C",
  estimated_cost_usd double precision,
  cost_status text NOT NULL,
  streaming boolean NOT NULL DEFAULT false,
  error_code text,
  client_aborted boolean NOT NULL DEFAULT false,
  correlation_id text NOT NULL,
  request_bytes bigint NOT NULL DEFAULT 0,
  response_bytes bigint NOT NULL DEFAULT 0,
  metadata jsonb NOT NULL DEFAULT '{}',
  -- Lineage filters live in metadata (as in the original); generated so they can be indexed.
  lineage_thread_id text GENERATED ALWAYS AS (metadata ->> 'lineage_thread_id') STORED,
  lineage_run_id text GENERATED ALWAYS AS (metadata ->> 'lineage_run_id') STORED
);

-- The public trace id; also the conflict target of the idempotent insert.
CREATE UNIQUE INDEX idx_traces_id ON traces (id);

-- The same indexes as SQLite's, each ending in seq so an equality filter reads in list order.
CREATE INDEX idx_traces_timestamp ON traces ("timestamp");
CREATE INDEX idx_traces_org_workspace ON traces (org_id, workspace_id, seq);
CREATE INDEX idx_traces_org_workspace_timestamp ON traces (org_id, workspace_id, "timestamp");
CREATE INDEX idx_traces_provider ON traces (provider, seq);
CREATE INDEX idx_traces_model ON traces (model, seq);
CREATE INDEX idx_traces_response_status ON traces (response_status, seq);
CREATE INDEX idx_traces_api_key_hash ON traces (api_key_hash, seq) WHERE api_key_hash IS NOT NULL;
CREATE INDEX idx_traces_trace_group_id ON traces (trace_group_id, seq)
  WHERE trace_group_id IS NOT NULL;
CREATE INDEX idx_traces_gateway_key_id ON traces (gateway_key_id, seq)
  WHERE gateway_key_id IS NOT NULL;
CREATE INDEX idx_traces_lineage_thread_id ON traces (lineage_thread_id, seq)
  WHERE lineage_thread_id IS NOT NULL;
CREATE INDEX idx_traces_lineage_run_id ON traces (lineage_run_id, seq)
  WHERE lineage_run_id IS NOT NULL;
