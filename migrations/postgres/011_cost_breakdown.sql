-- Cost that matches the invoice (issue 24), as migrations/sqlite/009_cost_breakdown.sql: each
-- trace's cost line by line (jsonb; null before this and when nothing was priced), and the
-- rollups' count of `partial` costs (a lower bound), whose priced part `cost_usd` now includes.
ALTER TABLE traces ADD COLUMN cost_breakdown jsonb;
ALTER TABLE rollup_hourly ADD COLUMN partial_count bigint NOT NULL DEFAULT 0;
ALTER TABLE rollup_daily_keys ADD COLUMN partial_count bigint NOT NULL DEFAULT 0;
