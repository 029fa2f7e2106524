/**
 * Routing figures (issue 19), recorded by the route loop as it goes: one per upstream attempt,
 * one per failover to another target, one per breaker transition this instance made. Label sets
 * are bounded: route names and targets ("provider/model") come from the config (a route
 * function's targets too, validated against the config's providers), the model is the target's,
 * never the client's, and `outcome` and `to_phase` are closed sets (`attemptOutcomeLabel`).
 *
 * Names follow gateway_metrics.ts (one name in the scrape and in OTLP): the issue's
 * `ongoingai.routing.attempts`, `.failovers` and `.breaker.transitions` are
 * `ongoingai_routing_attempts_total`, `ongoingai_routing_failovers_total` and
 * `ongoingai_routing_breaker_transitions_total`.
 */
import type { MetricsRegistry } from "./registry.ts";
import { meterProviderOf } from "./otel_meter.ts";

export interface RoutingMetrics {
  /** One upstream attempt of a routed request and what it came to (`attemptOutcomeLabel`). */
  attempt(a: { route: string; provider: string; model: string; outcome: string }): void;
  /** The next attempt goes to another target than the last one ("provider/model" each). */
  failover(f: { route: string; fromTarget: string; toTarget: string }): void;
  /** A breaker this instance moved (Router option `onBreakerTransition`). */
  breakerTransition(t: { target: string; toPhase: "open" | "half_open" | "closed" }): void;
}

/**
 * The outcome label of an attempt, from the routing core's `AttemptOutcome` (structurally, so
 * telemetry does not depend on routing): `success`, `status_429`, `status_4xx`, `status_5xx`,
 * `connect_failed`, `reset_before_headers`, `path_refused`, `credentials_failed`,
 * `timeout_<phase>`, `failed_before_commit_<reason>`. At most 19 values whatever the upstream
 * sends; anything unforeseen is `other`.
 */
export function attemptOutcomeLabel(
  o: { kind: string; status?: number | null; phase?: string; reason?: string },
): string {
  switch (o.kind) {
    case "success":
    case "connect_failed":
    case "reset_before_headers":
    case "path_refused":
    case "credentials_failed":
      return o.kind;
    case "status": {
      const s = o.status ?? 0;
      if (s === 429) return "status_429";
      if (s >= 500 && s <= 599) return "status_5xx";
      return s >= 400 && s <= 499 ? "status_4xx" : "other";
    }
    case "timeout":
      return timeoutPhases.has(o.phase ?? "") ? `timeout_${o.phase}` : "other";
    case "failed_before_commit":
      return commitReasons.has(o.reason ?? "") ? `failed_before_commit_${o.reason}` : "other";
    default:
      return "other";
  }
}

const timeoutPhases = new Set(["connect", "first_byte", "first_token", "idle", "total"]);
const commitReasons = new Set(["cut", "stall", "malformed", "in_band_error", "unclean_end"]);

export function createRoutingMetrics(registry: MetricsRegistry): RoutingMetrics {
  const meter = meterProviderOf(registry).getMeter();
  const attempts = meter.createCounter("ongoingai_routing_attempts_total", {
    description: "Upstream attempts of routed requests, by route, target provider and model, " +
      "and outcome (success, status_429, status_4xx, status_5xx, connect_failed, " +
      "reset_before_headers, path_refused, credentials_failed, timeout_<phase>, " +
      "failed_before_commit_<reason>, other).",
    labels: ["route", "provider", "model", "outcome"],
    keepOnOverflow: ["outcome"],
  });
  const failovers = meter.createCounter("ongoingai_routing_failovers_total", {
    description: "Routed requests moving from one target to another, by route and targets " +
      "(provider/model).",
    labels: ["route", "from_target", "to_target"],
  });
  const transitions = meter.createCounter("ongoingai_routing_breaker_transitions_total", {
    description: "Circuit breaker transitions this instance made, by target (provider/model) " +
      "and the phase entered: open, half_open (a probe claimed), closed.",
    labels: ["target", "to_phase"],
    keepOnOverflow: ["to_phase"],
  });
  return {
    attempt(a) {
      attempts.add(1, {
        route: a.route,
        provider: a.provider,
        model: a.model,
        outcome: a.outcome,
      });
    },
    failover(f) {
      failovers.add(1, { route: f.route, from_target: f.fromTarget, to_target: f.toTarget });
    },
    breakerTransition(t) {
      transitions.add(1, { target: t.target, to_phase: t.toPhase });
    },
  };
}
