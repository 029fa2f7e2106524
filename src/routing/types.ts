/**
 * The shared types of routing (issue 19): what a resolved route looks like, what one upstream
 * attempt came to, and the key-pool entries the policy core deals in. Config resolution
 * (routes.ts) produces these; the policy core and the route loop consume them.
 */

import type { ProviderErrorFacts } from "../providers/mod.ts";

export type Strategy = "fallback" | "weighted" | "least_latency";
export type StreamCommit = "first_content" | "complete";

export interface RouteTarget {
  /** A provider id of the config. */
  provider: string;
  /** The model sent upstream (the body's "model" is rewritten). */
  model: string;
  /** Default 1. */
  weight: number;
  /**
   * Extension of the plan: the target's context window in tokens (config `context_window`).
   * Marks a target as able to take a context-length error: such an error at one target goes to
   * the next target in order whose window is larger (any marked target when the failing one has
   * none); without one, the error reaches the client. Unset: never receives one.
   */
  contextWindow?: number;
}

export interface RetryPolicy {
  /** Per target, the first included (default 2). */
  attempts: number;
  /** Base of the exponential (default 250). */
  backoffMs: number;
  /** Cap of one wait (default 8000). */
  maxBackoffMs: number;
  /** A longer Retry-After means: next target now (default 10000). */
  maxRetryAfterMs: number;
}

/** null: not limited in that phase. */
export interface PhaseTimeouts {
  connectMs: number | null;
  /** Response headers. */
  firstByteMs: number | null;
  /** First content delta of a stream. */
  firstTokenMs: number | null;
  /** Gap between stream events. */
  idleMs: number | null;
  /** The whole client request, every attempt and wait included. */
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
  /** stream_commit: complete holds at most this much. */
  maxBufferBytes: number;
}

/** What one upstream attempt came to, as the proxy observed it (input of every decision). */
export type AttemptOutcome =
  | { kind: "success" }
  | { kind: "status"; status: number; headers: Headers; error: ProviderErrorFacts | null }
  /** Refused, DNS, TLS: nothing sent. */
  | { kind: "connect_failed"; detail: string }
  | { kind: "reset_before_headers"; detail: string }
  /**
   * Nothing sent: the target's provider has no form of the path it would be sent (its adapter's
   * `pathProblem`, e.g. Azure on an OpenAI path). Not the target's fault (no breaker failure), and
   * the same request gets the same answer: the next target, never this one again.
   */
  | { kind: "path_refused"; detail: string }
  /**
   * Nothing sent: the gateway could not apply its own cloud credentials for the target (its
   * OAuth token endpoint unreachable or refusing, its key unreadable). The upstream did nothing
   * wrong (no breaker failure); the next target, whose credentials may work.
   */
  | { kind: "credentials_failed"; detail: string }
  | { kind: "timeout"; phase: "connect" | "first_byte" | "first_token" | "idle" | "total" }
  | {
    kind: "failed_before_commit";
    reason: "cut" | "stall" | "malformed" | "in_band_error" | "unclean_end";
    status: number | null;
    error: ProviderErrorFacts | null;
  };

/**
 * What providers/ read from an error body or event (`adapter.errorFacts`, the commit scanners):
 * routing never parses a wire format, it decides on the category.
 */
export type { ProviderErrorFacts };

/**
 * Extension of the plan: one key of a provider's key pool as the policy core sees it. The secret
 * never enters routing: the core picks key ids, the proxy looks the secret up by id.
 */
export interface PoolKey {
  /** Unique within its provider. */
  id: string;
  /** Default 1. */
  weight: number;
  /** Requests per minute this key may send (unset: no local limit). */
  rpm?: number;
  /** Tokens per minute (unset: no local limit). */
  tpm?: number;
  /** Keys sharing one quota: a 429 on one cools the whole group down. */
  group?: string;
}

/**
 * One upstream attempt of a routed request, as the trace stores it (`attempts`, a JSON list, in
 * order; snake_case like every stored field). Written by the route loop, read by the trace detail,
 * the export and the failover analytics. Never holds a secret: keys appear by pool id only.
 */
export interface AttemptRecord {
  /** 1-based order within the client request. */
  n: number;
  provider: string;
  model: string;
  /** The pool key's id; null when the client's own key was used. */
  key_id: string | null;
  /** `AttemptOutcome.kind`, or "success". */
  outcome: AttemptOutcome["kind"];
  /** The upstream's HTTP status, when it answered. */
  status: number | null;
  /** Why the policy went on (`Decision.reason`), or null for the attempt that answered. */
  reason: string | null;
  /**
   * The route limit that ended this attempt (`timeouts.<phase>_ms`): a `timeout` outcome's
   * phase, or, on the committed attempt, the limit that cut its stream after the commit point
   * (idle or total; the trace's `error_code` says so too). null when no limit ended it.
   */
  timeout_phase: Extract<AttemptOutcome, { kind: "timeout" }>["phase"] | null;
  /** Backoff waited before this attempt started, ms. */
  waited_ms: number;
  /** From the client request's arrival to this attempt's start, ms. */
  started_ms: number;
  /** Response headers arrived after this many ms of the attempt; null when they never did. */
  first_byte_ms: number | null;
  duration_ms: number;
  /** This attempt's answer is the one the client received. */
  committed: boolean;
}
