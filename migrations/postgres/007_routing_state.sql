-- Routing state shared by every gateway instance (issue 19): circuit breakers that are not
-- closed, and pool keys or key groups that are cooling down or disabled. Ids only: a key's
-- secret never reaches the database, and `reason` is a fixed code, never a provider's message.
CREATE TABLE IF NOT EXISTS routing_breakers (
  target text PRIMARY KEY,              -- provider/model
  opened_at timestamptz NOT NULL,
  open_until timestamptz NOT NULL,
  probe_until timestamptz,              -- lease of the half-open breaker's single probe
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS routing_key_blocks (
  provider text NOT NULL,
  scope text NOT NULL CHECK (scope IN ('key', 'group')),
  id text NOT NULL,
  state text NOT NULL CHECK (state IN ('cooling', 'disabled')),
  since timestamptz NOT NULL,
  until timestamptz,                    -- null while disabled
  reason text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, scope, id),
  CHECK ((state = 'disabled') = (until IS NULL))
);
