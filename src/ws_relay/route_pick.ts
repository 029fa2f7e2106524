/**
 * A `response.create` whose `model` names a route (config `routes`), on a relayed socket. A socket
 * is one upstream connection to one provider, opened with the client's credentials, so a create
 * can only go where that socket leads: among the route's targets on this socket's provider, in the
 * route's own order (strategy, session affinity), the first whose circuit breaker lets it through
 * (a half-open breaker's probe is claimed as over HTTP) gets the create, its `model` spliced to the
 * target's. Pool keys and failover to another provider need a request of their own: over one
 * socket there is no second attempt, so a create the socket cannot serve is answered with the
 * protocol's error event telling the client to use HTTP for this route (the socket stays open).
 *
 * The response's end is told to the route run as an attempt outcome, so breakers, latencies and
 * affinity learn from WebSocket traffic as from HTTP; the trace gets the route's name and one
 * attempt record.
 */
import { GatewayError } from "../errors/mod.ts";
import { type ProviderKind, setTopLevelMember } from "../providers/mod.ts";
import { type RoutingDeps, sessionKey } from "../proxy/mod.ts";
import {
  type AttemptOutcome,
  type AttemptRecord,
  type AttemptTicket,
  resolveRoute,
  type RoutedRoute,
  RouteFunctionError,
  type RouteRun,
} from "../routing/mod.ts";
import type { Tenant } from "../traces/mod.ts";

/** What the relay is given of the config's routing (null: the config has no routes). */
export interface WsRouting {
  deps: RoutingDeps;
  /** A route function failed: the operator's code, logged as the HTTP path logs it. */
  onFunctionError?: (detail: string) => void;
}

/** Where a create is asked to go: the socket's facts a route is resolved with. */
export interface SocketEntry {
  provider: { id: string; kind: ProviderKind };
  path: string;
  headers: Headers;
  tenant: Tenant;
}

/** The create goes to `ticket`'s target: the frame with its model, and the run to report to. */
export interface RoutedCreate {
  route: string;
  text: string;
  model: string;
  run: RouteRun;
  ticket: AttemptTicket;
}

/** True when `model` may name a route: a map lookup, so other creates pay nothing more. */
export function namesRoute(routing: WsRouting | null, model: string | null): boolean {
  return routing !== null && model !== null && routing.deps.table.routes.has(model);
}

/**
 * Whether this socket can serve a create naming `model`: false when the route resolves and has no
 * target on this socket's provider (a bridge sends it through the HTTP path instead); true
 * otherwise (no route, a target here, or a route function failing: routeCreate says so).
 */
export function servedHere(
  routing: WsRouting,
  entry: SocketEntry,
  model: string,
  bytes: number,
): boolean {
  try {
    const resolved = resolveRoute(routing.deps.table, {
      model,
      tenant: entry.tenant,
      headers: entry.headers,
      bodyBytes: bytes,
      path: entry.path,
      entry: entry.provider,
    });
    if (resolved === null) return true;
    const here = entry.provider.id;
    return resolved.targets.some((t) => t.provider === here && routing.deps.routes.has(here));
  } catch {
    return true;
  }
}

const useHttp = "send requests for this route over HTTP (POST /v1/responses), where it can " +
  "fail over to every target (Codex: supports_websockets = false for this provider)";

/**
 * The target a routed create goes to, or why none can take it (the error event's cause); null
 * when the model names no route for this socket's wire format (relayed as sent, as over HTTP).
 */
export async function routeCreate(
  routing: WsRouting,
  entry: SocketEntry,
  frame: { text: string; bytes: number; model: string },
  now: number,
): Promise<RoutedCreate | GatewayError | null> {
  const { deps } = routing;
  let resolved: RoutedRoute | null;
  try {
    resolved = resolveRoute(deps.table, {
      model: frame.model,
      tenant: entry.tenant,
      headers: entry.headers,
      bodyBytes: frame.bytes,
      path: entry.path,
      entry: entry.provider,
    });
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    if (err instanceof RouteFunctionError && err.detail !== null) {
      routing.onFunctionError?.(err.detail.slice(0, 500));
    }
    return err;
  }
  if (resolved === null) return null;
  const here = entry.provider.id;
  const targets = resolved.targets.filter((t) => t.provider === here && deps.routes.has(here));
  if (targets.length === 0) {
    const where = [...new Set(resolved.targets.map((t) => t.provider))].join(", ");
    return unavailable(
      resolved.name,
      `route ${resolved.name} has no target on provider ${here}, whose upstream this ` +
        `WebSocket is connected to (its targets are on ${where.slice(0, 200)}); ${useHttp}`,
    );
  }
  const run = deps.router.start({ ...resolved, targets }, {
    now,
    random: deps.random ?? Math.random,
    session: sessionKey(entry.headers, null, entry.tenant),
    usePools: false,
  });
  const next = await run.next(now);
  if (next.kind !== "attempt") {
    return unavailable(
      resolved.name,
      `route ${resolved.name}: every target on provider ${here} (${
        targets.map((t) => t.model).join(", ").slice(0, 200)
      }) has its circuit breaker open, and this WebSocket cannot reach the route's other ` +
        `targets; ${useHttp}`,
    );
  }
  const model = next.target.model;
  const text = setTopLevelMember(frame.text, "model", JSON.stringify(model));
  if (text === null) {
    // The frame was read as a JSON object already: unreachable, but never relay it unrewritten.
    run.report({ kind: "timeout", phase: "total" }, now);
    return new GatewayError("internal_error", "the response.create frame could not be rewritten");
  }
  return { route: resolved.name, text, model, run, ticket: next };
}

/** `details.route`: the route's name, for the refused create's trace. */
function unavailable(route: string, message: string): GatewayError {
  return new GatewayError("websocket_route_unavailable", message, { route });
}

/** How a routed response ended, as the relay saw it. */
export type WsResponseEnd =
  /** A terminal event: its type, and the status of an `error` event before the response began. */
  | { kind: "terminal"; type: string | null; started: boolean; status: number | null }
  /** The socket closed first; `code` is what the trace records for it. */
  | { kind: "cut"; code: string; timeoutPhase: "idle" | "total" | null };

/**
 * The attempt outcome of a response's end, for the breaker: an upstream that fails counts
 * against the target; the client leaving, a shutdown or the gateway's own bounds do not.
 */
export function wsOutcome(end: WsResponseEnd): AttemptOutcome {
  if (end.kind === "cut") {
    if (end.code === "upstream_idle_timeout") return { kind: "timeout", phase: "idle" };
    if (end.code === "upstream_truncated") {
      return { kind: "failed_before_commit", reason: "cut", status: null, error: null };
    }
    return { kind: "timeout", phase: "total" };
  }
  if (end.type === "response.completed" || end.type === "response.incomplete") {
    return { kind: "success" };
  }
  if (end.type === "error" && !end.started && end.status !== null) {
    return { kind: "status", status: end.status, headers: new Headers(), error: null };
  }
  // `response.failed`, or an error in the middle of the response.
  return { kind: "failed_before_commit", reason: "in_band_error", status: null, error: null };
}

/** Timings of the one attempt, ms from the create. */
export interface WsAttemptTimes {
  firstEventMs: number | null;
  durationMs: number;
}

/** Reports the end to the route run and gives the trace's attempt record. */
export function finishRouted(
  routed: RoutedCreate,
  end: WsResponseEnd,
  times: WsAttemptTimes,
  now: number,
): AttemptRecord {
  const outcome = wsOutcome(end);
  const latency = outcome.kind === "success" && times.firstEventMs !== null
    ? { latencyMs: times.firstEventMs }
    : {};
  const decision = routed.run.report(outcome, now, latency);
  const t = routed.ticket;
  return {
    n: 1,
    provider: t.target.provider,
    model: t.target.model,
    key_id: null,
    outcome: outcome.kind,
    status: outcome.kind === "status"
      ? outcome.status
      : outcome.kind === "success" || end.kind === "terminal"
      ? 200
      : null,
    reason: outcome.kind === "success" ? null : decision.reason,
    waited_ms: 0,
    started_ms: 0,
    first_byte_ms: times.firstEventMs === null ? null : Math.round(times.firstEventMs),
    duration_ms: Math.round(times.durationMs),
    // Over one socket the client gets this attempt's events, whatever they are.
    committed: true,
    timeout_phase: outcome.kind === "timeout" ? outcome.phase : null,
  };
}
