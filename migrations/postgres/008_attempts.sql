-- Routes and attempts (issue 19), as migrations/sqlite/006_attempts.sql: the route's name, the
-- number of upstream attempts, and one record per attempt (jsonb list). Older traces are
-- unrouted: no route, one attempt, no records.
ALTER TABLE traces
  ADD COLUMN route text,
  ADD COLUMN attempt_count bigint NOT NULL DEFAULT 1,
  ADD COLUMN attempts jsonb;

-- Partial (no index write for an unrouted trace): `/api/traces?route=` in page order (seq) and
-- the failover view, which reads routed traces only.
CREATE INDEX idx_traces_route ON traces (route, seq) WHERE route IS NOT NULL;
