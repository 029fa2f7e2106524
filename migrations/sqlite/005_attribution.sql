-- Attribution (issue 18, item 3): the coding agent, its session, thread and turn, the kind of
-- request, and the developer, as the client claims them in its headers (traces/agent_identity.ts),
-- except the developer in team mode, which is the verified gateway key. Null on older traces.
ALTER TABLE traces ADD COLUMN agent TEXT;
ALTER TABLE traces ADD COLUMN agent_version TEXT;
ALTER TABLE traces ADD COLUMN session_id TEXT;
ALTER TABLE traces ADD COLUMN agent_thread_id TEXT;
ALTER TABLE traces ADD COLUMN agent_turn_id TEXT;
ALTER TABLE traces ADD COLUMN agent_request_kind TEXT;
ALTER TABLE traces ADD COLUMN developer TEXT;

-- One index, partial (no index write for a trace without a session): listing a session's traces
-- (`/api/traces?session_id=`) and the sessions view, which groups by session over raw traces
-- (sessions are too many for the rollups). Developers and agents are few: they are rollup
-- dimensions below, so grouping by them reads the rollups like every other group.
CREATE INDEX idx_traces_session_id ON traces (session_id) WHERE session_id IS NOT NULL;

-- The rollups gain `developer` and `agent` ('' for none, as every dimension). SQLite changes a
-- primary key only by rebuilding the table; older rows had neither.
--
-- The rebuild follows this text: src/store/sqlite_rollup_sql.ts
-- (`rebuildRollupTablesSql([], ["developer", "agent"])`) writes it from 002's columns.
