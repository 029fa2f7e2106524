-- Routes and attempts (issue 19): the route a client request asked for (its configured name), how
-- many upstream attempts it took, and one record per attempt as a JSON list (routing/types.ts
-- `AttemptRecord`). Older traces are unrouted: no route, one attempt, no records.
ALTER TABLE traces ADD COLUMN route TEXT;
ALTER TABLE traces ADD COLUMN attempt_count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE traces ADD COLUMN attempts TEXT;

-- Partial (no index write for an unrouted trace): `/api/traces?route=` (the rowid, last column of
-- every index, gives its page order) and the failover view, which reads routed traces only.
CREATE INDEX idx_traces_route ON traces (route) WHERE route IS NOT NULL;

-- The rollups gain `route_name` (the route's name, '' for unrouted traffic, as every dimension):
-- routes are few (the config names them), so grouping by route (`group_by=route_name`) reads the
-- rollups like every other group. Hourly only; '' in the keys table. SQLite changes a primary key
-- only by rebuilding the table; older rows were unrouted.
--
-- The rebuild follows this text: src/store/sqlite_rollup_sql.ts
-- (`rebuildRollupTablesSql(["developer", "agent"], ["route_name"])`) writes it from 002's columns.
