CREATE INDEX gateway_key_events_tenant ON gateway_key_events (org_id, workspace_id, id);

CREATE INDEX gateway_keys_tenant ON gateway_keys (org_id, workspace_id, created_at, id);

CREATE INDEX idx_traces_api_key_hash ON traces (api_key_hash) WHERE api_key_hash IS NOT NULL;

CREATE INDEX idx_traces_gateway_key_id ON traces (gateway_key_id) WHERE gateway_key_id IS NOT NULL;

CREATE UNIQUE INDEX idx_traces_id ON traces (id);

CREATE INDEX idx_traces_lineage_run_id ON traces (lineage_run_id) WHERE lineage_run_id IS NOT NULL;

CREATE INDEX idx_traces_lineage_thread_id ON traces (lineage_thread_id)
  WHERE lineage_thread_id IS NOT NULL;

CREATE INDEX idx_traces_model ON traces (model);

CREATE INDEX idx_traces_org_workspace ON traces (org_id, workspace_id);

CREATE INDEX idx_traces_org_workspace_timestamp ON traces (org_id, workspace_id, timestamp);

CREATE INDEX idx_traces_provider ON traces (provider);

CREATE INDEX idx_traces_response_status ON traces (response_status);

CREATE INDEX idx_traces_route ON traces (route) WHERE route IS NOT NULL;

CREATE INDEX idx_traces_session_id ON traces (session_id) WHERE session_id IS NOT NULL;

CREATE INDEX idx_traces_timestamp ON traces (timestamp);

CREATE INDEX idx_traces_trace_group_id ON traces (trace_group_id) WHERE trace_group_id IS NOT NULL;

CREATE TABLE "gateway_key_events" (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key_id TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('created', 'rotated', 'revoked', 'confirmed')),
  actor_key_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  at TEXT NOT NULL
);

CREATE TABLE gateway_keys (
  id TEXT NOT NULL PRIMARY KEY,
  token_digest TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL,
  permissions TEXT NOT NULL DEFAULT '[]',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_rotated_at TEXT
, created_without_auth INTEGER NOT NULL DEFAULT 0, confirmed_at TEXT, confirmed_by TEXT);

CREATE TABLE "rollup_daily_keys" (
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

CREATE TABLE "rollup_hourly" (
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

CREATE TABLE schema_migrations (name TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL);

CREATE TABLE traces (
  -- Insert sequence, the list order and the cursor (see TraceStore in src/store/types.ts): a
  -- trace is listed where it was stored, not where its created_at says, so one written late (a
  -- batch waiting for its flush, a writer retrying a busy store) is never behind a page a client
  -- has already read. AUTOINCREMENT so a value is never reused, even after the newest rows are
  -- deleted, as PostgreSQL's bigserial (writing 512-trace batches measured no slower with it).
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  trace_group_id TEXT,
  org_id TEXT NOT NULL DEFAULT 'default',
  workspace_id TEXT NOT NULL DEFAULT 'default',
  gateway_key_id TEXT,
  timestamp TEXT NOT NULL,
  created_at TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  request_method TEXT NOT NULL,
  request_path TEXT NOT NULL,
  request_headers TEXT NOT NULL DEFAULT '{}',
  request_body TEXT,
  request_body_truncated INTEGER NOT NULL DEFAULT 0,
  response_status INTEGER NOT NULL,
  response_headers TEXT NOT NULL DEFAULT '{}',
  response_body TEXT,
  response_body_truncated INTEGER NOT NULL DEFAULT 0,
  input_tokens INTEGER,
  output_tokens INTEGER,
  total_tokens INTEGER,
  cached_input_tokens INTEGER,
  cache_write_tokens INTEGER,
  reasoning_tokens INTEGER,
  usage_status TEXT NOT NULL,
  latency_ms INTEGER NOT NULL,
  time_to_first_token_ms INTEGER,
  time_to_first_token_us INTEGER,
  api_key_hash TEXT,
  api_key_last4 TEXT,
  estimated_cost_usd REAL,
  cost_status TEXT NOT NULL,
  streaming INTEGER NOT NULL DEFAULT 0,
  error_code TEXT,
  client_aborted INTEGER NOT NULL DEFAULT 0,
  correlation_id TEXT NOT NULL,
  request_bytes INTEGER NOT NULL DEFAULT 0,
  response_bytes INTEGER NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '{}',
  -- Lineage filters live in metadata (as in the original); virtual columns make them indexable
  -- without storing them twice.
  lineage_thread_id TEXT GENERATED ALWAYS AS (json_extract(metadata, '$.lineage_thread_id')) VIRTUAL,
  lineage_run_id TEXT GENERATED ALWAYS AS (json_extract(metadata, '$.lineage_run_id')) VIRTUAL
, agent TEXT, agent_version TEXT, session_id TEXT, agent_thread_id TEXT, agent_turn_id TEXT, agent_request_kind TEXT, developer TEXT, route TEXT, attempt_count INTEGER NOT NULL DEFAULT 1, attempts TEXT);
