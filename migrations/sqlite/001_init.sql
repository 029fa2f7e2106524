-- Traces, one row per proxied request. Column names are the Trace field names, plus `seq`.
-- Timestamps are RFC 3339 UTC text of fixed width (YYYY-MM-DDTHH:MM:SS.sssZ) so that text order is
-- time order; booleans are 0/1; headers and metadata are JSON text.
-- No CHECK constraints on enum-like columns: SQLite cannot alter a constraint without rebuilding
-- the table, and a new enum value must never turn into dropped traces.
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
);

-- The public trace id; also the conflict target of the idempotent insert.
CREATE UNIQUE INDEX idx_traces_id ON traces (id);

-- List order is seq DESC, and every index ends in the rowid (seq): an equality filter on an
-- indexed column is an index range scan already in list order, cursor bound included, with no
-- sort. Date bounds (`from`, `to`) use the timestamp indexes or a walk in seq order, as the
-- planner estimates cheaper. Columns that are usually NULL get partial indexes: no index write
-- for the common trace without them.
CREATE INDEX idx_traces_timestamp ON traces (timestamp);
CREATE INDEX idx_traces_org_workspace ON traces (org_id, workspace_id);
CREATE INDEX idx_traces_org_workspace_timestamp ON traces (org_id, workspace_id, timestamp);
CREATE INDEX idx_traces_provider ON traces (provider);
CREATE INDEX idx_traces_model ON traces (model);
CREATE INDEX idx_traces_response_status ON traces (response_status);
CREATE INDEX idx_traces_api_key_hash ON traces (api_key_hash) WHERE api_key_hash IS NOT NULL;
CREATE INDEX idx_traces_trace_group_id ON traces (trace_group_id) WHERE trace_group_id IS NOT NULL;
CREATE INDEX idx_traces_gateway_key_id ON traces (gateway_key_id) WHERE gateway_key_id IS NOT NULL;
CREATE INDEX idx_traces_lineage_thread_id ON traces (lineage_thread_id)
  WHERE lineage_thread_id IS NOT NULL;
CREATE INDEX idx_traces_lineage_run_id ON traces (lineage_run_id) WHERE lineage_run_id IS NOT NULL;
