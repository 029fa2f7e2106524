-- Cost that matches the invoice (issue 24), as migrations/sqlite/009_cost_breakdown.sql: each
-- trace's cost line by line (JSON as text, not jsonb: written with every trace and read whole,
-- parsing it on insert cost the server 12 µs a trace; null before this and when nothing was
-- priced), and the rollups' count of `partial` costs (a lower bound), whose priced part
-- `cost_usd` now includes.
ALTER TABLE traces ADD COLUMN cost_breakdown text;
ALTER TABLE rollup_hourly ADD COLUMN partial_count bigint NOT NULL DEFAULT 0;
ALTER TABLE rollup_daily_keys ADD COLUMN partial_count bigint NOT NULL DEFAULT 0;

-- The cost lines summed per hour, tenant, provider, model and billed dimension, as SQLite's.
CREATE TABLE rollup_cost_lines (
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

-- Provider reports saved for reconciliation, as SQLite's.
CREATE TABLE provider_reports (
  provider text NOT NULL,
  seq integer NOT NULL,
  name text NOT NULL,
  saved_at timestamptz NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (provider, seq)
);
