-- Cost that matches the invoice (issue 24): each trace keeps its cost line by line (JSON,
-- traces/cost_breakdown.ts `CostBreakdown`; null before this and when nothing was priced), and
-- the rollups count the traces whose cost is `partial` (a dimension the price row does not
-- price: the cost is a lower bound), whose priced part `cost_usd` now includes.
ALTER TABLE traces ADD COLUMN cost_breakdown TEXT;
ALTER TABLE rollup_hourly ADD COLUMN partial_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_daily_keys ADD COLUMN partial_count INTEGER NOT NULL DEFAULT 0;

-- The cost lines summed per hour, tenant, provider, model and billed dimension (store/
-- cost_line_rollups.ts): "how much went to cache writes?", and the cache writes by lifetime and
-- tool uses per day that reconciliation compares with the providers' reports. Traces stored
-- before this have no cost lines and add nothing here.
CREATE TABLE rollup_cost_lines (
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

-- Provider usage and cost reports saved for reconciliation (`ongoingai reconcile --save`), as
-- the provider's API returned them: `GET /api/reconciliation` compares the newest set of a
-- provider with the traces. A save replaces the provider's set.
CREATE TABLE provider_reports (
  provider TEXT NOT NULL,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (provider, seq)
);
