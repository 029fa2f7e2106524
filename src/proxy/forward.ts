/**
 * The hot path, as a pipeline of named stages: read and check the body, PII on the request, the
 * provider adapter's reading of it, limits, the upstream attempt (pick the upstream, send), and
 * relaying its answer (relay.ts). Each stage either hands the next one its input or ends the
 * exchange with the answer the client gets; the exchange records the trace whichever way it ends.
 * Everything the trace needs is observed on the side; nothing here waits for storage.
 *
 * The stages are plain functions and the exchange carries the per-request state, so a request
 * allocates no closures here.
 */
import { GatewayError } from "../errors/mod.ts";
import type { PreparedRequest } from "../providers/mod.ts";
import type { UpstreamClient, UpstreamResponse } from "../upstream/mod.ts";
import { readBodyCapped } from "./body.ts";
import { Exchange } from "./exchange.ts";
import type { Admitted, ExchangeContext, ExchangeInput, ProxyRoute } from "./exchange_context.ts";
import { upstreamRequestHeaders } from "./headers.ts";
import { applyUpstreamAuth, holdsCredentials, upstreamAnswered } from "./upstream_auth.ts";
import { upstreamUrl } from "./path.ts";
import { ClientGone, Shutdown, UpstreamTimeout } from "./abort_reasons.ts";
import { failureBeforeHeaders, shuttingDown } from "./upstream_errors.ts";
import { type TimeoutLimits, Watchdog } from "./watchdog.ts";
import { piiRequestStage } from "./pii_request.ts";
import { redactsResponse } from "./pii_response.ts";
import { relay } from "./relay.ts";
import type { Logger } from "../log/mod.ts";
import { resolveRoute, type RoutedRoute, RouteFunctionError } from "../routing/mod.ts";
import type { RoutingDeps } from "./route_context.ts";
import { type LoopOptions, routeLoop } from "./route_loop.ts";

export interface ProxyOptions extends ExchangeContext {
  client: UpstreamClient;
  timeouts: TimeoutLimits;
  maxRequestBodyBytes: number;
  /** Lower-case; stripped from every forwarded request. */
  gatewayKeyHeader: string;
  /** Open exchanges, so shutdown can end the ones still running after the grace period. */
  inflight: Set<Exchange>;
  /**
   * Traces still being finished after their exchange ended (a compressed answer's decoded copy,
   * stored bodies redacted in slices), so shutdown can wait for them before the queue closes.
   */
  recording?: Set<Promise<void>>;
  /** How often upstream timeouts are checked (default 100 ms). */
  watchdogTickMs?: number;
  /** True once shutdown began: the server may then cut unfinished request bodies itself. */
  isDraining?: () => boolean;
  log?: Logger;
  /** Routes of this config generation; absent: every request is forwarded as sent. */
  routing?: RoutingDeps;
  /**
   * The gateway's own cloud credentials may serve callers (team mode, or a loopback listener:
   * the key pools' rule). Absent: they may not.
   */
  cloudCredentialsAllowed?: boolean;
}

export interface ForwardInput extends ExchangeInput {
  /** Limits: reserves before forwarding, or refuses (the request is then not forwarded). */
  admit?: (req: AdmitRequest) => Promise<Admitted | GatewayError>;
}

export interface AdmitRequest {
  route: ProxyRoute;
  model: string | null;
  maxTokens: number | null;
  requestBytes: number;
  /**
   * The upstream path as the exchange prices it (`route.cost`'s `path`): an adapter's
   * `priceKeyOf` may read the endpoint scope there (Vertex's location). Unset: none.
   */
  path?: string;
}

export type { Admitted } from "./exchange_context.ts";

/**
 * After this long without upstream headers, a client hanging up aborts the upstream request.
 * The watch starts at the first watchdog tick past this age, so a client that leaves at once is
 * noticed up to slowHeadersMs + one tick later (about 100 ms measured in
 * tests/e2e/stream_faults_test.ts); one that leaves later is noticed at once.
 */
const slowHeadersMs = 50;

type Body = Uint8Array<ArrayBuffer> | null;

export function createForwarder(opts: ProxyOptions) {
  const watchdog = new Watchdog({
    limits: opts.timeouts,
    tickMs: opts.watchdogTickMs ?? 100,
    slowHeadersMs,
    now: opts.monotonic,
  });
  const ended = (ex: Exchange, complete: boolean) => {
    watchdog.delete(ex);
    const recording = ex.finish(complete);
    opts.inflight.delete(ex);
    if (recording !== null) track(opts, recording);
  };
  const loop: LoopOptions | null = opts.routing === undefined ? null : {
    deps: opts.routing,
    client: opts.client,
    gatewayKeyHeader: opts.gatewayKeyHeader,
    now: opts.now,
  };
  return async function forward(input: ForwardInput): Promise<Response> {
    const ex = new Exchange({
      ctx: opts,
      ended,
      req: input.req,
      route: input.route,
      target: input.target,
      correlationId: input.correlationId,
      tenant: input.tenant,
    });
    opts.inflight.add(ex);
    // Watched from here: a body that trickles in counts against the headers timeout, and
    // shutdown can end it.
    watchdog.add(ex);
    try {
      return await stages(ex, input);
    } catch (err) {
      // A fault here must not leave the exchange open for ever (in flight, watched, counted by
      // `/api/live`, never traced): it ends as an internal error; the handler logs and answers.
      if (!ex.finished) ex.refuse(new GatewayError("internal_error", "internal error"));
      throw err;
    }
  };
  async function stages(ex: Exchange, input: ForwardInput): Promise<Response> {
    const pathProblem = ex.adapter.pathProblem?.(ex.upstreamPath + ex.target.search) ?? null;
    if (pathProblem !== null) return ex.refuse(providerPathRefused(ex, pathProblem));
    const received = await readBody(opts, ex);
    if (received instanceof Response) return received;
    const body = await piiRequestStage(ex, received, opts.log);
    if (body instanceof GatewayError) return ex.refuse(body);
    const prepared = prepare(ex, body);
    const route = routeOf(opts, ex, prepared);
    if (route instanceof Response) return route;
    if (route === null && ex.route.provider.prefix === "") return ex.refuse(notARoute(opts, ex));
    if (input.admit !== undefined) {
      const refused = await admit(ex, input.admit, prepared, body);
      if (refused !== null) return refused;
    }
    if (route !== null) {
      // The route's own phase limits replace the proxy-wide watchdog for this exchange.
      watchdog.delete(ex);
      const answer = await routeLoop(loop!, ex, prepared, route);
      return answer instanceof Response ? answer : await relay(ex, answer);
    }
    const upstream = await send(opts, ex, prepared);
    if (upstream instanceof Response) return upstream;
    return await relay(ex, upstream);
  }
}

/** Stage 1: the request body, read whole within `proxy.max_request_body_bytes`. */
async function readBody(opts: ProxyOptions, ex: Exchange): Promise<Body | Response> {
  let body: Body;
  try {
    body = await readBodyCapped(ex.req, opts.maxRequestBodyBytes, ex.signal);
  } catch (err) {
    if (err instanceof GatewayError) return ex.refuse(err);
    const reason: unknown = ex.signal.reason;
    if (reason instanceof UpstreamTimeout) {
      return ex.refuse(
        new GatewayError(
          "request_timeout",
          "the request body did not arrive within proxy.headers_timeout_ms; send it faster or raise the limit",
        ),
      );
    }
    if (reason instanceof Shutdown || opts.isDraining?.()) return ex.refuse(shuttingDown());
    return ex.clientLeft();
  }
  ex.received(body);
  return body;
}

/** Stage 3: the provider adapter reads the (possibly redacted) body: model, streaming, usage. */
function prepare(ex: Exchange, body: Body): PreparedRequest {
  const { req, route } = ex;
  const prepared = route.adapter.prepareRequest({
    method: req.method,
    path: ex.upstreamPath,
    query: ex.target.search,
    contentType: req.headers.get("content-type"),
    body,
    streamUsage: route.provider.stream_usage,
  });
  ex.prepared(prepared);
  return prepared;
}

/**
 * The route the body's `model` names, or null: forwarded as sent. A map lookup first, so a
 * request naming no route pays for nothing more.
 */
function routeOf(
  opts: ProxyOptions,
  ex: Exchange,
  prepared: PreparedRequest,
): RoutedRoute | null | Response {
  const { routing } = opts;
  const model = prepared.model;
  if (routing === undefined || model === null || !routing.table.routes.has(model)) return null;
  try {
    return resolveRoute(routing.table, {
      model,
      tenant: ex.tenant,
      headers: ex.req.headers,
      bodyBytes: ex.requestBody?.byteLength ?? 0,
      path: ex.path,
      entry: ex.route.provider.prefix === ""
        ? null
        : { id: ex.route.provider.id, kind: ex.route.provider.kind },
    });
  } catch (err) {
    if (err instanceof GatewayError) {
      if (err instanceof RouteFunctionError && err.detail !== null) {
        opts.log?.error("a route function failed", { error: err.detail.slice(0, 500) });
      }
      return ex.refuse(err);
    }
    throw err;
  }
}

/** A path the provider's kind has no such form of (its adapter's `pathProblem` says why). */
function providerPathRefused(ex: Exchange, problem: string): GatewayError {
  return new GatewayError(
    "invalid_provider_path",
    `${ex.req.method} ${ex.path.slice(0, 200)}: providers.${ex.route.provider.id} ` +
      `(kind ${ex.route.provider.kind}) cannot read this path: ${problem}`,
  );
}

/** The root `/v1/...` serves routes only: anything else is not forwarded anywhere. */
function notARoute(opts: ProxyOptions, ex: Exchange): GatewayError {
  const names = [...(opts.routing?.table.routes.keys() ?? [])].slice(0, 8).join(", ");
  return new GatewayError(
    "route_not_found",
    `${ex.req.method} ${ex.path}: the root /v1 endpoint serves routes only (OpenAI wire format), ` +
      `and the body's model names none; send a route's name as model (${names}), or send the ` +
      `request under a provider's prefix (for example /openai${ex.path})`,
  );
}

/** Stage 4 (team mode with limits): reserve, or refuse without forwarding. */
async function admit(
  ex: Exchange,
  limits: NonNullable<ForwardInput["admit"]>,
  prepared: PreparedRequest,
  body: Body,
): Promise<Response | null> {
  const admitted = await limits({
    route: ex.route,
    model: prepared.model,
    maxTokens: prepared.maxTokens ?? null,
    requestBytes: body?.byteLength ?? 0,
    path: ex.upstreamPath,
  });
  if (admitted instanceof GatewayError) return ex.refuse(admitted);
  ex.settlesWith(admitted);
  return null;
}

/**
 * Stage 5, the attempt: pick the upstream and its headers, send, and wait for the answer's
 * headers. The routing issue's retries and fallbacks repeat this stage with a new attempt.
 */
async function send(
  opts: ProxyOptions,
  ex: Exchange,
  prepared: PreparedRequest,
): Promise<UpstreamResponse | Response> {
  const attempt = ex.attempting(prepared);
  const { req, route } = ex;
  const headers = upstreamRequestHeaders(req.headers, {
    gatewayKeyHeader: opts.gatewayKeyHeader,
    correlationId: ex.correlationId,
    traceparent: ex.sendingUpstream(),
    continuesClientTrace: ex.span?.parentSpanId != null,
  });
  // The usage-only event can only be cut out of a stream the gateway can read as text, and
  // only a body it can read can be redacted.
  if (prepared.hideUsageEvent || redactsResponse(ex)) delete headers["accept-encoding"];
  const draft = {
    method: req.method,
    url: upstreamUrl(route.base, route.provider.prefix, ex.target),
    headers,
    body: prepared.body,
  };
  // Last, on the request as sent: a signature covers the final headers and body.
  const denied = holdsCredentials(route.provider)
    ? await applyUpstreamAuth(route.provider, draft, {
      signal: ex.signal,
      callerTrusted: opts.cloudCredentialsAllowed === true,
      ...(opts.log === undefined ? {} : { log: opts.log }),
    })
    : null;
  if (denied !== null) {
    return ex.signal.reason instanceof ClientGone ? ex.clientLeft() : ex.refuse(denied);
  }
  let upstream: UpstreamResponse;
  try {
    upstream = await opts.client.send({ ...draft, signal: ex.signal });
  } catch (err) {
    if (ex.signal.reason instanceof ClientGone) return ex.clientLeft();
    return ex.refuse(failureBeforeHeaders(ex.signal, err, route.provider.id));
  }
  attempt.headersArrived();
  upstreamAnswered(route.provider, upstream.status, draft.headers);
  return upstream;
}

/** A trace still being finished is kept where shutdown can wait for it. */
function track(opts: ProxyOptions, recorded: Promise<void>): void {
  const recording = opts.recording;
  if (recording === undefined) return;
  recording.add(recorded);
  recorded.then(() => recording.delete(recorded), (err) => {
    recording.delete(recorded);
    opts.log?.error("recording a trace failed", { error: String(err) });
  });
}

/** Ends every open exchange; shutdown calls this once the grace period is over. */
export function abortAll(inflight: Set<Exchange>): void {
  for (const ex of inflight) ex.shutDown();
}
