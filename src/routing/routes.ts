/**
 * Which route a request asks for. A client names a route by sending its name as the body's
 * `model`, at any provider prefix whose wire format is the route's, or at the root `/v1/...`,
 * which speaks the OpenAI format. No route (another model, another format, a route function
 * answering null) means: forward as today. Pure, apart from calling the config's route functions
 * through their bounded wrapper; built once per config generation (`compileRoutes`).
 */
import type { GatewayConfig, ParsedRoute, RouteFunction } from "../config/mod.ts";
import { defaultConnectMs, routeSchema } from "../config/mod.ts";
import { GatewayError } from "../errors/mod.ts";
import { type ProviderKind, reachable, type WireFormat, wireFormatOf } from "../providers/mod.ts";
import {
  evaluateRouteFunction,
  type ParsedTarget,
  routeRequest,
  type RouteRequestFacts,
} from "./route_function.ts";
import type { PhaseTimeouts, ResolvedRoute, RouteTarget } from "./types.ts";

/** The plan's target, plus the mark of a larger-context target (`on_context_length`). */
export interface RoutedTarget extends RouteTarget {
  /** A context-length error of an earlier target may go to this one. */
  onContextLength: boolean;
}

export interface RoutedRoute extends ResolvedRoute {
  targets: RoutedTarget[];
}

/** The wire format of the root `/v1/...` endpoint: the OpenAI-compatible one. */
export const rootWireFormat: WireFormat = "openai";

type Policy = Omit<RoutedRoute, "name" | "targets">;

type Compiled =
  /** `formats`: its targets' wire formats (more than one when the gateway translates). */
  | { kind: "static"; formats: ReadonlySet<WireFormat>; route: RoutedRoute }
  | { kind: "function"; fn: RouteFunction; policy: Policy };

export interface RouteTable {
  readonly routes: ReadonlyMap<string, Compiled>;
  /** Enabled providers' wire formats, to check what a function returns. */
  readonly formats: ReadonlyMap<string, WireFormat>;
  /** `auth.header`, hidden from route functions like the provider credentials. */
  readonly gatewayKeyHeader: string;
}

type RoutesConfig = Pick<GatewayConfig, "routes" | "providers" | "proxy" | "auth">;

/**
 * The routes of one config generation. A static route whose providers are not all enabled and of
 * one format cannot be built; `check` refuses such configs, so here it is simply left out.
 */
export function compileRoutes(config: RoutesConfig): RouteTable {
  const formats = new Map(config.providers.map((p) => [p.id, wireFormatOf[p.kind]]));
  const routes = new Map<string, Compiled>();
  for (const [name, given] of Object.entries(config.routes)) {
    const route = typeof given === "function"
      ? routeSchema.parse({ targets: given })
      : given as ParsedRoute;
    const policy = policyOf(route, config.proxy);
    if (typeof route.targets === "function") {
      routes.set(name, { kind: "function", fn: route.targets, policy });
      continue;
    }
    const targets = route.targets.map(routedTarget);
    const found = targetFormats(targets, formats);
    if (found !== null) {
      routes.set(name, { kind: "static", formats: found, route: { name, ...policy, targets } });
    }
  }
  return { routes, formats, gatewayKeyHeader: config.auth.header };
}

export interface RouteFacts extends Omit<RouteRequestFacts, "model"> {
  /** The provider whose prefix the client used, or null for the root `/v1/...` endpoint. */
  entry: { id: string; kind: ProviderKind } | null;
  /** The body's `model`, when it has one. */
  model: string | null;
}

/**
 * The route `facts` ask for, or null: forward as today. Throws `route_function_failed` when a
 * route function fails or answers what cannot be routed (unknown provider or route, another
 * wire format than the request's).
 */
export function resolveRoute(table: RouteTable, facts: RouteFacts): RoutedRoute | null {
  if (facts.model === null) return null;
  const compiled = table.routes.get(facts.model);
  if (compiled === undefined) return null;
  const format = facts.entry === null ? rootWireFormat : wireFormatOf[facts.entry.kind];
  if (compiled.kind === "static") return reaches(format, compiled.formats) ? compiled.route : null;
  const name = facts.model;
  const req = routeRequest({ ...facts, model: name }, table.gatewayKeyHeader);
  const answer = evaluateRouteFunction(name, compiled.fn, req);
  if (!answer.ok) throw routeFunctionError(answer.message, answer.detail);
  const { value } = answer;
  if (value === null) return null;
  if (typeof value === "string") return namedRoute(table, name, value, format);
  const targets = value.map(routedTarget);
  for (const [i, t] of targets.entries()) {
    const targetFormat = table.formats.get(t.provider);
    const problem = targetFormat === undefined
      ? `"${t.provider}" which is not an enabled provider`
      : !reachable(format, targetFormat)
      ? `${t.provider}, which speaks the ${targetFormat} wire format, for a request in the ` +
        `${format} one (no translation between them)`
      : null;
    if (problem !== null) {
      throw routeFunctionError(`the route function of routes.${name} returned [${i}]: ${problem}`);
    }
  }
  return { name, ...compiled.policy, targets };
}

/** A function's answer naming another route: only a route with a target list, of this format. */
function namedRoute(
  table: RouteTable,
  from: string,
  to: string,
  format: WireFormat,
): RoutedRoute {
  const target = table.routes.get(to);
  const prefix = `the route function of routes.${from} returned "${to}"`;
  if (target === undefined) throw routeFunctionError(`${prefix}, which is not a route`);
  if (target.kind === "function") {
    // Functions may not chain: a route name resolves in one step, so there are no cycles.
    throw routeFunctionError(`${prefix}, a route given by a function; name a route with targets`);
  }
  if (!reaches(format, target.formats)) {
    throw routeFunctionError(
      `${prefix}, whose targets speak the ${[...target.formats].join(", ")} wire format, for ` +
        `a request in the ${format} one (no translation between them)`,
    );
  }
  return target.route;
}

/** The error a failed route function answers; `detail` (what it threw) is for the log only. */
export class RouteFunctionError extends GatewayError {
  readonly detail: string | null;
  constructor(message: string, detail: string | null) {
    super("route_function_failed", message);
    this.detail = detail;
  }
}

function routeFunctionError(message: string, detail: string | null = null): RouteFunctionError {
  return new RouteFunctionError(message, detail);
}

function routedTarget(t: ParsedTarget): RoutedTarget {
  return {
    provider: t.provider,
    model: t.model,
    weight: t.weight,
    onContextLength: t.on_context_length,
  };
}

/** The targets' wire formats; null when one is not an enabled provider. */
function targetFormats(
  targets: readonly RoutedTarget[],
  formats: ReadonlyMap<string, WireFormat>,
): ReadonlySet<WireFormat> | null {
  const found = new Set<WireFormat>();
  for (const t of targets) {
    const format = formats.get(t.provider);
    if (format === undefined) return null;
    found.add(format);
  }
  return found.size === 0 ? null : found;
}

/**
 * A request of wire format `format` may use a route when every target speaks it or can be
 * translated to (a target that cannot read the request's operation is skipped at its attempt).
 */
function reaches(format: WireFormat, targets: ReadonlySet<WireFormat>): boolean {
  for (const t of targets) if (!reachable(format, t)) return false;
  return true;
}

/**
 * The route's policy in the shared shape. Unset timeouts inherit the proxy's (a route changes
 * nothing it does not say), except connecting, which has a limit of its own.
 */
export function policyOf(route: ParsedRoute, proxy: GatewayConfig["proxy"]): Policy {
  const t = route.timeouts;
  const timeouts: PhaseTimeouts = {
    connectMs: t.connect_ms === undefined ? defaultConnectMs : t.connect_ms,
    firstByteMs: t.first_byte_ms === undefined ? proxy.headers_timeout_ms : t.first_byte_ms,
    firstTokenMs: t.first_token_ms ?? null,
    idleMs: t.idle_ms === undefined ? proxy.idle_timeout_ms : t.idle_ms,
    totalMs: t.total_ms === undefined ? proxy.total_timeout_ms || null : t.total_ms,
  };
  const breaker = route.circuit_breaker;
  return {
    strategy: route.strategy,
    retry: {
      attempts: route.retry.attempts,
      backoffMs: route.retry.backoff_ms,
      maxBackoffMs: route.retry.max_backoff_ms,
      maxRetryAfterMs: route.retry.max_retry_after_ms,
    },
    timeouts,
    breaker: breaker === false ? null : { failures: breaker.failures, openMs: breaker.open_ms },
    streamCommit: route.stream_commit,
    maxBufferBytes: route.max_buffer_bytes,
  };
}

export { defaultConnectMs } from "../config/mod.ts";
export {
  evaluateRouteFunction,
  type FunctionAnswer,
  maxRouteHeaders,
  maxRouteHeaderValue,
  routeRequest,
  type RouteRequestFacts,
} from "./route_function.ts";
