/**
 * `createGateway(config, deps)`: the whole request handler, built from a config and injected
 * dependencies (upstream fetch, trace store, writer, clock), so most tests call it in-process
 * with a fake upstream and no sockets.
 *
 * Provider routes are matched first with plain string checks and go straight to the forwarder;
 * everything else is the Hono API app. The hot path therefore pays for no router.
 */
import type { Hono } from "hono";
import { createGate, type Gate, type GateOptions, tokenDigest } from "../auth/mod.ts";
import { type GatewayConfig, isLoopbackHost, type ResolvedProvider } from "../config/mod.ts";
import { type ApiDeps, createApiRoutes, endpoints, routesSource } from "../api/mod.ts";
import type { PriceSources } from "../pricing/mod.ts";
import { compilePolicies } from "../pii/mod.ts";
import {
  abortAll,
  createForwarder,
  defaultDecodeLimits,
  type Exchange,
  type ProxyRoute,
  type RoutingDeps,
  StateSeals,
} from "../proxy/mod.ts";
import {
  isAuditStore,
  isKeyStore,
  isResponseStateStore,
  type KeyStore,
  type TraceStore,
} from "../store/mod.ts";
import { createFetchClient, createNativeClient, type UpstreamClient } from "../upstream/mod.ts";
import {
  createFingerprinter,
  credentialHeaders,
  type TenantScope,
  type TraceRecord,
  type TraceWriterSnapshot,
} from "../traces/mod.ts";
import { VERSION } from "../version.ts";
import {
  type BatchSpanSink,
  type GatewayMetrics,
  knownSecretRedactor,
  type MetricFamily,
  type OtlpMetricExporter,
  type OtlpTraceExporter,
  prometheusContentType,
  type Redact,
  renderPrometheus,
  type StoreSpans,
} from "../telemetry/mod.ts";
import { createGatewayTelemetry } from "./gateway_telemetry.ts";
import { type CounterStore, MemoryCounters } from "../limits/mod.ts";
import { createAdmission } from "./limits.ts";
import { createCors } from "./cors.ts";
import { createHostCheck } from "./host_check.ts";
import { collectSecrets, createStoredScrubber } from "../secrets/mod.ts";
import { type Logger, redactingLogger, silentLogger } from "../log/mod.ts";
import { apiAuth } from "./principal_scope.ts";
import { createHandler } from "./handler.ts";
import { routingFor, type SharedRouting, sharedRouting } from "./routing.ts";
import { proxyRoutes, rootRoute } from "./proxy_routes.ts";
import { gatewayRefusalWarnings, rateLimitedWarning } from "./rate_limited_warning.ts";
import { lateHandler, wsRelayFor } from "./websocket_relay.ts";
import { replayDepsOf } from "./replay_deps.ts";
import { type GatewayLive, processLive } from "./live.ts";

export interface Clock {
  /** Wall clock, ms since the epoch. */
  now(): number;
  /** Monotonic, ms with fractions; used for every duration. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: Date.now,
  monotonic: performance.now.bind(performance),
};

export interface GatewayDeps {
  store: TraceStore;
  /** Where finished traces go; must never block (the bounded writer drops and counts instead). */
  writer: { enqueue(trace: TraceRecord): boolean; snapshot(): TraceWriterSnapshot };
  /** Team mode: told each request refused for a missing permission (the audit log, serve.ts). */
  onDenied?: GateOptions["onDenied"];
  /** Secret for provider-key fingerprints. */
  keyHashSecret: string;
  /** How to reach upstreams; default per `proxy.upstream_client`. */
  client?: UpstreamClient;
  /** Shorthand for a fetch-based client over this function (tests). */
  fetch?: typeof fetch;
  clock?: Clock;
  log?: Logger;
  /** Where limit counters live; default in this process. */
  limitCounters?: CounterStore;
  /** When the process started (ms since the epoch), for uptime; default: now. */
  startedAt?: number;
  /**
   * Metrics, shared by every config generation so a reload does not reset them; default: this
   * gateway's own. Recorded only while the config serves them.
   */
  metrics?: GatewayMetrics;
  /** Told of each request whose spans are exported, so store batch spans can link to them. */
  storeSpans?: Pick<StoreSpans, "exported">;
  /** `pricing.sources` as loaded for this config (serve loads them); default: none. */
  prices?: PriceSources;
  /** Routing state shared by every config generation (serve keeps one); default: this gateway's. */
  routing?: SharedRouting;
  /**
   * More isolates serve (`server.workers`): the scrape and the OTLP metric push read all of
   * them, and a key created, changed or revoked through this one's API is reloaded by all of
   * them before the API answers.
   */
  isolates?: { metrics(): Promise<MetricFamily[]>; keysChanged(): Promise<void> };
  /**
   * `GET /api/live`: the process's live window and figures (serve keeps one across reloads;
   * server/live.ts); default: this gateway's own, over its own open exchanges.
   */
  live?: GatewayLive;
}

export interface Gateway {
  fetch(req: Request): Promise<Response>;
  api: Hono;
  /** Exchanges still streaming. */
  inflight: ReadonlySet<Exchange>;
  /** WebSocket relays open (or dialing): long-lived exchanges of their own. */
  readonly openRelays: number;
  /** The tenant of each WebSocket relay open now (`/api/live` tallies them). */
  relayTenants(): Iterable<TenantScope>;
  /**
   * This config was replaced: its WebSocket relays close with 1012 once their open response
   * ends (clients reconnect on the new config), and `onIdle` runs once none is left.
   */
  retire(onIdle: () => void): void;
  /** Resolves once the traces of ended exchanges still being finished are recorded. */
  recorded(): Promise<void>;
  /** Shutdown has begun: requests cut short from now on are traced as `shutdown`. */
  beginShutdown(): void;
  /** Ends every open exchange (shutdown after the grace period). */
  abortInflight(): void;
  /**
   * Team mode: loads the database's gateway keys now (they are reloaded every
   * `auth.key_refresh_ms`); resolves at once otherwise. Rejects when the store fails.
   */
  refreshKeys(): Promise<void>;
  /** Releases idle upstream connections and stops reloading keys. */
  close(): void;
  /** OTLP span export, when `observability.otel` has it on; null otherwise. */
  spanExporter: OtlpTraceExporter | null;
  /** Where trace-store batch spans go under this config; null when span export is off. */
  batchSpans: BatchSpanSink | null;
  /** OTLP metric push, when `observability.otel` has it on; null otherwise. */
  metricExporter: OtlpMetricExporter | null;
  /**
   * Sends the spans still buffered and a last metric snapshot (each bounded by
   * `export_timeout_ms`), and stops exporting.
   */
  shutdownTelemetry(): Promise<void>;
  /**
   * Replaces this config's secrets (gateway key tokens, fingerprint secret, hash salt, ...)
   * wherever they appear in a string; null when the config has none. Spans, metric labels and
   * this gateway's log lines already go through it; `serve` also applies the current
   * generation's to the process log.
   */
  readonly redactSecrets: Redact | null;
  /**
   * This config's routes and their `Router` (`router.view(...)` for the API and metrics); null
   * when the config has no routes.
   */
  readonly routing: RoutingDeps | null;
}

export function createGateway(config: GatewayConfig, deps: GatewayDeps): Gateway {
  const clock = deps.clock ?? systemClock;
  // Built once per config generation: a reload's new keys are covered from its first request.
  const redactSecrets = knownSecretRedactor(config, [deps.keyHashSecret]);
  const log = gatewayLog(deps, redactSecrets);
  const inflight = new Set<Exchange>();
  const recording = new Set<Promise<void>>();
  let draining = false;
  const keys = isKeyStore(deps.store) ? deps.store : undefined;
  const gate = config.auth.enabled ? gateFor(config, deps, keys, clock, log) : null;
  const telemetry = telemetryFor(config, deps, log, redactSecrets);
  const client = upstreamClient(config, deps);
  const { startedAt, live } = liveFor(deps, clock, inflight, () => webSocket.tenants());
  const proxyContext = forwarderOptions(config, deps, clock, log, telemetry, redactSecrets, live);
  const routes = proxyRoutes(config, deps.prices);
  const { routing, root } = routingParts(config, deps, routes, log);
  const forward = createForwarder({
    ...proxyContext,
    client,
    inflight,
    recording,
    isDraining: () => draining,
    ...(routing === null ? {} : { routing }),
  });
  const warnings = gatewayRefusalWarnings(log, clock);
  // A create naming a route its socket cannot serve, and a replay, go through the handler.
  const self = lateHandler();
  const webSocket = wsRelayFor(config, proxyContext, warnings, routing, self.call);
  const replay = replayDepsOf(config, routes, gate !== null, self.call);
  const api = apiFor(deps, clock, log, gate, keys, telemetry, config, routing, replay, {
    startedAt,
    live: live.source,
  });
  const handle = createHandler({
    config,
    routes,
    root,
    gate,
    admission: admissionFor(config, deps, clock, log),
    forward,
    webSocket,
    api,
    cors: createCors(config.server.cors),
    hostCheck: createHostCheck(config.server, config.auth.enabled),
    warnings,
    log,
  });
  self.bind(handle);
  const { spanExporter, batchSpans, metricExporter } = telemetry;
  return {
    fetch: handle,
    api,
    inflight,
    get openRelays() {
      return webSocket.open;
    },
    relayTenants: () => webSocket.tenants(),
    retire: (onIdle) => webSocket.retire(onIdle),
    recorded: async () => void (await Promise.allSettled([...recording, webSocket.recorded()])),
    beginShutdown: () => void (draining = true, webSocket.beginShutdown()),
    abortInflight: () => void (abortAll(inflight), webSocket.closeAll()),
    refreshKeys: () => gate?.refresh() ?? Promise.resolve(),
    close: () => {
      gate?.close();
      client.close();
      // A retired generation's spans and last metrics go out in the background (bounded by the
      // export timeout).
      void spanExporter?.shutdown();
      void metricExporter?.shutdown();
    },
    spanExporter,
    batchSpans,
    metricExporter,
    shutdownTelemetry: async () => {
      await Promise.all([spanExporter?.shutdown(), metricExporter?.shutdown()]);
    },
    redactSecrets,
    routing,
  };
}

type Telemetry = ReturnType<typeof createGatewayTelemetry>;

/**
 * The process's live figures, or this gateway's own over its open exchanges and relays (the
 * relays are made after the forwarder, from its options: asked for only when `/api/live` is).
 */
function liveFor(
  deps: GatewayDeps,
  clock: Clock,
  inflight: ReadonlySet<Exchange>,
  relays: () => Iterable<TenantScope>,
) {
  const startedAt = deps.startedAt ?? clock.now();
  const live = deps.live ??
    processLive({
      now: clock.now,
      startedAt,
      writer: deps.writer,
      exchanges: () => inflight,
      relays,
    });
  return { startedAt, live };
}

function telemetryFor(
  config: GatewayConfig,
  deps: GatewayDeps,
  log: Logger,
  redact: ReturnType<typeof knownSecretRedactor>,
): Telemetry {
  const { writer, metrics, storeSpans } = deps;
  const collect = deps.isolates?.metrics;
  return createGatewayTelemetry(config, { writer, metrics, storeSpans, collect, log, redact });
}

function gatewayLog(deps: GatewayDeps, redactSecrets: ReturnType<typeof knownSecretRedactor>) {
  const base = deps.log ?? silentLogger;
  return redactSecrets === null ? base : redactingLogger(base, () => redactSecrets);
}

/** Team mode: gateway keys from the config and the store, checked on every request. */
function gateFor(
  config: GatewayConfig,
  deps: GatewayDeps,
  keys: KeyStore | undefined,
  clock: Clock,
  log: Logger,
): Gate {
  return createGate(config, deps.keyHashSecret, {
    endpoints,
    keys,
    now: clock.now,
    onRefreshError: (err) =>
      log.warn("reloading gateway keys from the store failed; retrying", {
        error: err instanceof Error ? err.message : String(err),
      }),
    onDenied: deps.onDenied,
    onUnconfirmedKeys: (ids) =>
      log.warn(
        "gateway keys created while team mode was off are refused until an operator confirms " +
          "each on the host with `ongoingai keys confirm ID`, or revokes it with " +
          "`ongoingai keys revoke ID`",
        { keys: ids.join(",") },
      ),
  });
}

function admissionFor(config: GatewayConfig, deps: GatewayDeps, clock: Clock, log: Logger) {
  const counters = deps.limitCounters ?? sharedCounters(deps.store) ?? new MemoryCounters();
  return createAdmission(config, counters, clock.now, log);
}

/** The route loop's parts, when the config has routes: shared state, the root `/v1`. */
function routingParts(
  config: GatewayConfig,
  deps: GatewayDeps,
  routes: Map<ResolvedProvider, ProxyRoute>,
  log: Logger,
): { routing: RoutingDeps | null; root: ProxyRoute | null } {
  const byId = new Map([...routes].map(([p, r]) => [p.id, r]));
  const shared = deps.routing ?? sharedRouting(deps.store);
  const routing = routingFor(config, byId, shared, log, deps.metrics?.routing ?? null);
  if (routing === undefined) return { routing: null, root: null };
  // Translated Responses turns are kept in the trace store (issue 21), for the configured time.
  const t = config.translation;
  const responses = isResponseStateStore(deps.store)
    ? { store: deps.store, retentionMs: t.response_store.retention_ms }
    : null;
  const seal = { seals: shared.seals ?? new StateSeals(), secret: t.state_key ?? null };
  return { routing: { ...routing, responses, seal }, root: rootRoute(config, deps.prices) };
}

function upstreamClient(config: GatewayConfig, deps: GatewayDeps): UpstreamClient {
  return deps.client ??
    (deps.fetch !== undefined
      ? createFetchClient(deps.fetch)
      : config.proxy.upstream_client === "fetch"
      ? createFetchClient()
      : createNativeClient());
}

/** What the forwarder and its exchanges are told of this config. */
function forwarderOptions(
  config: GatewayConfig,
  deps: GatewayDeps,
  clock: Clock,
  log: Logger,
  telemetry: Telemetry,
  redactSecrets: Redact | null,
  live: GatewayLive,
) {
  const { metrics, spans } = telemetry;
  const offer = live.offer;
  const dropWarning = rateLimitedWarning(
    log,
    clock,
    "trace queue is full; traces dropped and counted",
  );
  return {
    now: clock.now,
    monotonic: clock.monotonic,
    fingerprint: createFingerprinter(deps.keyHashSecret),
    redactHeaders: new Set([...credentialHeaders, config.auth.header.toLowerCase()]),
    storedSecrets: createStoredScrubber(collectSecrets(config, [deps.keyHashSecret])),
    captureBodies: config.tracing.capture_bodies,
    bodyMaxSize: config.tracing.body_max_size,
    decodeLimits: {
      ...defaultDecodeLimits,
      maxDecodedBytes: config.proxy.max_decoded_response_bytes,
    },
    pii: compilePolicies(config.pii, config.pii_mode),
    log,
    record(trace: TraceRecord) {
      offer?.(trace);
      if (!deps.writer.enqueue(trace)) dropWarning.hit(trace.correlation_id);
      metrics?.recordTrace(trace, redactSecrets);
    },
    timeouts: config.proxy,
    maxRequestBodyBytes: config.proxy.max_request_body_bytes,
    gatewayKeyHeader: config.auth.header.toLowerCase(),
    cloudCredentialsAllowed: config.auth.enabled || isLoopbackHost(config.server.host),
    spans,
  };
}

function apiFor(
  deps: GatewayDeps,
  clock: Clock,
  log: Logger,
  gate: Gate | null,
  keys: KeyStore | undefined,
  telemetry: Telemetry,
  config: GatewayConfig,
  routing: RoutingDeps | null,
  replay: NonNullable<ApiDeps["replay"]>,
  process: { startedAt: number; live: NonNullable<ApiDeps["live"]> },
): Hono {
  const { metrics, scrapePath } = telemetry;
  const providers: readonly ResolvedProvider[] = config.providers;
  return createApiRoutes({
    store: deps.store,
    writer: deps.writer,
    version: VERSION,
    startedAt: process.startedAt,
    now: clock.now,
    storageDriver: deps.store.driver,
    log,
    middleware: gate === null ? [] : [apiAuth(gate)],
    teamMode: gate !== null,
    keys,
    audit: isAuditStore(deps.store) ? deps.store : undefined,
    keyDigest: (token) => tokenDigest(token, deps.keyHashSecret),
    providers,
    routes: routing === null ? undefined : routesSource(routing.router, routing.table),
    replay,
    live: process.live,
    ...(gate === null ? {} : {
      onKeysChanged: deps.isolates === undefined
        ? gate.refresh
        : async () => void await Promise.all([gate.refresh(), deps.isolates!.keysChanged()]),
    }),
    ...(metrics === null || scrapePath === null ? {} : {
      metrics: {
        path: scrapePath,
        contentType: prometheusContentType,
        render: deps.isolates === undefined
          ? () => metrics.renderPrometheus()
          : async () => renderPrometheus(await deps.isolates!.metrics()),
      },
    }),
  });
}

/** A store that keeps limit counters for every instance (PostgreSQL) offers them. */
export function sharedCounters(store: TraceStore): CounterStore | undefined {
  const counters = (store as { limitCounters?: CounterStore }).limitCounters;
  return counters !== undefined && typeof counters.reserve === "function" ? counters : undefined;
}
