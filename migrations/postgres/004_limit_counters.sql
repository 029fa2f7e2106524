-- Limit counters shared by every gateway instance: one row per subject, limit and fixed window.
CREATE TABLE IF NOT EXISTS limit_counters (
  bucket text PRIMARY KEY,
  value bigint NOT NULL,
  window_end timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS limit_counters_window_end ON limit_counters (window_end);
