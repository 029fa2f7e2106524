/**
 * The shared types of the failover engine (research/issue19_plan.md): what a route resolves to and
 * what one upstream attempt came to. Every part of the engine uses these shapes.
 */
export type Strategy = "fallback" | "weighted" | "least_latency";
export type StreamCommit = "first_content" | "complete";

export interface RouteTarget {
  provider: string; // a provider id of the config
  model: string; // the model sent upstream (the body's "model" is rewritten)
  weight: number; // default 1
}

export interface RetryPolicy {
  attempts: number; // per target, the first included (default 2)
  backoffMs: number; // base of the exponential (default 250)
  maxBackoffMs: number; // cap of one wait (default 8000)
  maxRetryAfterMs: number; // a longer Retry-After means: next target now (default 10000)
}

export interface PhaseTimeouts { // null: not limited in that phase
  connectMs: number | null;
  firstByteMs: number | null; // response headers
  firstTokenMs: number | null; // first content delta of a stream
  idleMs: number | null; // gap between stream events
  totalMs: number | null;
}

export interface ResolvedRoute {
  name: string;
  strategy: Strategy;
  targets: RouteTarget[];
  retry: RetryPolicy;
  timeouts: PhaseTimeouts;
  breaker: { failures: number; openMs: number } | null;
  streamCommit: StreamCommit;
  maxBufferBytes: number; // stream_commit: complete holds at most this much
}

/** What one upstream attempt came to, as the proxy observed it (input of every decision). */
export type AttemptOutcome =
  | { kind: "success" }
  | { kind: "status"; status: number; headers: Headers; error: ProviderErrorFacts | null }
  | { kind: "connect_failed"; detail: string } // refused, DNS, TLS: nothing sent
  | { kind: "reset_before_headers"; detail: string }
  | { kind: "timeout"; phase: "connect" | "first_byte" | "first_token" | "idle" | "total" }
  | {
    kind: "failed_before_commit";
    reason: "cut" | "stall" | "malformed" | "in_band_error" | "unclean_end";
    status: number | null;
    error: ProviderErrorFacts | null;
  };

/** What providers/ read from an error body or event; routing never parses a wire format. */
export interface ProviderErrorFacts {
  /** Normalised: "rate_limited" | "overloaded" | "server_error" | "context_length" | "content_policy" | "auth" | "billing" | "invalid_request" | "not_found" | "other". */
  category: string;
  message: string | null; // the provider's message, bounded
}
