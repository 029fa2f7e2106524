-- Cost that matches the invoice (issue 24): each trace keeps its cost line by line (JSON,
-- traces/cost_breakdown.ts `CostBreakdown`; null before this and when nothing was priced), and
-- the rollups count the traces whose cost is `partial` (a dimension the price row does not
-- price: the cost is a lower bound), whose priced part `cost_usd` now includes.
ALTER TABLE traces ADD COLUMN cost_breakdown TEXT;
ALTER TABLE rollup_hourly ADD COLUMN partial_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_daily_keys ADD COLUMN partial_count INTEGER NOT NULL DEFAULT 0;
