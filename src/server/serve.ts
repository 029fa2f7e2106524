/**
 * Running the gateway as a process: open storage, start the writer, listen, and on SIGINT or
 * SIGTERM stop accepting, give open requests a grace period, end what is left, flush the trace
 * queue and close storage. A second signal exits at once. On a reload request (SIGHUP) the config
 * is read again and swapped in for new requests (see reload.ts).
 */
import { dirname, join, resolve } from "node:path";
import type { GatewayConfig } from "../config/mod.ts";
import { isAuditStore, openStore, type TraceStore } from "../store/mod.ts";
import {
  createTraceWriter,
  loadOrCreateSecret,
  type TraceWriter,
  type TraceWriterOptions,
} from "../traces/mod.ts";
import { createFetchClient } from "../upstream/mod.ts";
import { createGateway, type Gateway, sharedCounters } from "./gateway.ts";
import { sharedRouting } from "./routing.ts";
import { createGenerations, type Generations } from "./generations.ts";
import { type Logger, redactingLogger } from "../log/mod.ts";
import { type ConfigLoad, createReloader, type Reloader, type ReloadRequests } from "./reload.ts";
import { MemoryCounters } from "../limits/mod.ts";
import { createGatewayMetrics, createStoreSpans, knownSecretRedactor } from "../telemetry/mod.ts";
import {
  auditedRoutingState,
  auditedWriter,
  configFileHash,
  configLoadedEntry,
  DenialAuditor,
  safeAudit,
} from "./audit_events.ts";
import { loadPricing, type PriceSources } from "../pricing/mod.ts";
import {
  besideWorkers,
  type MainState,
  type ServeWorkers,
  workerShutdownLimitMs,
} from "./serve_workers.ts";
import { countingWorkerDrops, WorkerFigures, writerFamily } from "./worker_figures.ts";
import { listenAll, workersPossible } from "./serve_listen.ts";
import { broadcastingRoutingState } from "./worker_routing.ts";
import { newProcessSealKey } from "./worker_seals.ts";
import { mainLive } from "./live.ts";

export interface ServeOptions {
  config: GatewayConfig;
  configSource: string | null;
  cwd: string;
  log: Logger;
  stopSignal: AbortSignal;
  /** Entry module to run the trace store on a worker thread (`Deno.mainModule` when serving). */
  workerModule?: string | undefined;
  /** The process environment: an outbound HTTP proxy there changes the upstream client. */
  env?: Record<string, string>;
  /** Called once listening, with the bound address (tests bind port 0). */
  onListen?: (addr: { hostname: string; port: number }) => void;
  /** Reloading: where reload requests come from (SIGHUP) and how to read the config again. */
  reload?: { requests: ReloadRequests; load(): Promise<ConfigLoad> } | undefined;
}

const flushTimeoutMs = 5_000;
/** How long connections may take to close once their exchanges were ended. */
const drainMarginMs = 2_000;

/** Resolves with the process exit code. */
export async function runServer(opts: ServeOptions): Promise<number> {
  const { config } = opts;
  let generations: Generations | null = null;
  // Every line of the process (writer, reloads, shutdown) without the configured secrets of the
  // generation serving now; before the first one exists, those of the startup config.
  let startupSecrets = knownSecretRedactor(config);
  const log = redactingLogger(
    opts.log,
    () => generations === null ? startupSecrets : generations.current.gateway.redactSecrets,
  );
  if (!workersPossible(opts, log)) return 1;
  const opened = await openStorage(opts, log);
  if (opened === null) return 1;
  const { store, secret } = opened;
  startupSecrets = knownSecretRedactor(config, [secret]);
  const { writer, build, shared, pool } = gatewayFactory(
    opts,
    store,
    secret,
    log,
    () => generations,
  );
  let first: Gateway;
  try {
    first = await build(config);
  } catch (err) {
    log.error("failed to start", { error: message(err) });
    await writer.shutdown(flushTimeoutMs);
    await store.close();
    return 1;
  }
  // Keys created through the API work from the first request; a failure is retried on the timer.
  await first.refreshKeys().catch((err) =>
    log.warn("loading gateway keys from the store failed; retrying", { error: message(err) })
  );
  generations = createGenerations(first, config);
  const listening = await listenAll(opts, generations, shared, secret, log);
  if (listening === null) {
    generations.closeAll();
    await writer.shutdown(flushTimeoutMs);
    await store.close();
    return 1;
  }
  const { server, workers } = listening;
  pool.current = workers;
  const reloader = await startupAuditAndReloader(opts, store, generations, build, log);
  const unsubscribe = opts.reload?.requests.subscribe(() => {
    void reloader?.reload();
    workers?.reload();
  });
  await new Promise<void>((r) => {
    if (opts.stopSignal.aborted) r();
    else opts.stopSignal.addEventListener("abort", () => r(), { once: true });
  });
  unsubscribe?.();
  // Every isolate stops accepting at once; the workers hand over their last traces when done.
  await Promise.all([
    drain(server, generations, log),
    workers?.shutdown(workerShutdownLimitMs(generations.current.config)),
  ]);
  // A reload still reading its config must not outlive the store it would build on.
  if (reloader !== null) await settlesWithin(reloader.idle(), drainMarginMs);
  // Traces of ended exchanges may still be finishing (a compressed answer's decoded copy, stored
  // bodies redacted in slices): the queue closes after them, or they would be dropped.
  await settlesWithin(generations.recorded(), drainMarginMs);
  await closeAll(writer, store, generations, log);
  workers?.terminate();
  return 0;
}

/** The startup's `config.loaded` audit entry; the reloader when the process reloads (SIGHUP). */
async function startupAuditAndReloader(
  opts: ServeOptions,
  store: TraceStore,
  generations: Generations,
  build: (next: GatewayConfig) => Promise<Gateway>,
  log: Logger,
): Promise<Reloader | null> {
  const audit = isAuditStore(store)
    ? (e: Parameters<typeof store.appendAudit>[0]) => store.appendAudit(e)
    : undefined;
  const configHash = await configFileHash(opts.configSource);
  await safeAudit(audit, log)(
    configLoadedEntry(new Date().toISOString(), opts.configSource, configHash, {
      generation: 1,
    }, "config.loaded"),
  );
  return opts.reload === undefined ? null : createReloader({
    generations,
    load: opts.reload.load,
    build,
    log,
    audit,
    configHash,
  });
}

/** The trace store and the key fingerprint secret; null (logged) when either fails. */
async function openStorage(
  opts: ServeOptions,
  log: Logger,
): Promise<{ store: TraceStore; secret: string } | null> {
  const { config } = opts;
  let store: TraceStore;
  try {
    store = await openStore(config.storage, { cwd: opts.cwd, workerModule: opts.workerModule });
  } catch (err) {
    log.error("failed to open trace storage", {
      driver: config.storage.driver,
      error: message(err),
    });
    return null;
  }
  try {
    return { store, secret: await keyHashSecret(config, opts.cwd) };
  } catch (err) {
    log.error("failed to load the key fingerprint secret", { error: message(err) });
    await store.close();
    return null;
  }
}

/** The trace writer, and how a config becomes a gateway: the first one and each reload's. */
function gatewayFactory(
  opts: ServeOptions,
  store: TraceStore,
  secret: string,
  log: Logger,
  generations: () => Generations | null,
) {
  const { config } = opts;
  // The serving workers (`server.workers` > 1), once started: a scrape here asks them too.
  const pool: { current: ServeWorkers | null } = { current: null };
  // One span per store write, sent by the newest generation's exporter (none while the config
  // has span export off); the writer outlives generations, so the sink is looked up per batch.
  const storeSpans = createStoreSpans({
    driver: store.driver,
    sink: () => generations()?.current.gateway.batchSpans ?? null,
  });
  const writer = traceWriterFor(config, store, log, storeSpans.onBatch);
  // Shared by every config generation, so that a reload neither resets rate-limit counters nor
  // the uptime that /api/health reports.
  const limitCounters = sharedCounters(store) ?? new MemoryCounters();
  // Routing outlives a reload too: breakers, key cooldowns and disabled keys (shared by every
  // instance on PostgreSQL), and this instance's pool-key rpm/tpm windows, failure counts,
  // latencies and session affinity.
  const routing = sharedRouting(store);
  const audit = isAuditStore(store) ? safeAudit((e) => store.appendAudit(e), log) : null;
  // Pooled provider keys disabled (401/402/403) or enabled again go to the audit log.
  if (audit !== null) routing.state = auditedRoutingState(routing.state, audit);
  // Serving workers mirror breakers and key blocks; they learn of each change at once.
  if (config.server.workers > 1) {
    routing.state = broadcastingRoutingState(routing.state, (s) => pool.current?.routingChanged(s));
  }
  const startedAt = Date.now();
  // With workers, the writer's figures count what they dropped before it (worker_figures.ts).
  const figures = new WorkerFigures(writerFamily);
  const counted = config.server.workers > 1 ? countingWorkerDrops(writer, figures) : writer;
  const metrics = createGatewayMetrics(counted);
  const live = mainLive(startedAt, counted, generations, pool);
  // Team-mode denials, at most an entry per (tenant, reason) a second, across reloads.
  const denials = audit === null ? null : new DenialAuditor(audit, Date.now);
  // Price files are read again (URLs fetched again) for every config, the first and each reload.
  const shared: MainState = {
    store,
    writer: denials === null ? counted : auditedWriter(counted, denials),
    figures,
    counters: limitCounters,
    metrics,
    routing: routing.state,
    refreshKeys: () => generations()?.current.gateway.refreshKeys() ?? Promise.resolve(),
    stateMap: routing.seals!.map,
    sealKey: newProcessSealKey(),
    live,
    ...(denials === null ? {} : { onDenied: (d) => denials.record(d) }),
  };
  const beside = besideWorkers(config, pool, shared);
  const build = async (next: GatewayConfig): Promise<Gateway> =>
    createGateway(beside.config(next), {
      prices: await loadPrices(next, opts.cwd, log),
      store,
      writer: shared.writer,
      ...(shared.onDenied === undefined ? {} : { onDenied: shared.onDenied }),
      keyHashSecret: secret,
      log,
      limitCounters,
      routing,
      startedAt,
      metrics,
      storeSpans,
      live,
      ...beside.deps,
      ...upstreamClientFor(next, opts.env ?? {}, log),
    });
  return { writer, build, shared, pool };
}

function traceWriterFor(
  config: GatewayConfig,
  store: TraceStore,
  log: Logger,
  onBatch: TraceWriterOptions["onBatch"],
): TraceWriter {
  return createTraceWriter({
    store,
    queueSize: config.tracing.queue_size,
    batchSize: config.tracing.batch_size,
    flushIntervalMs: config.tracing.flush_interval_ms,
    maxQueuedBodyBytes: config.tracing.queue_max_body_bytes,
    log,
    ...(onBatch === undefined ? {} : { onBatch }),
  });
}

/** `pricing.sources`, each note logged at its level; throws when a configured file is unusable. */
export async function loadPrices(
  config: GatewayConfig,
  cwd: string,
  log: Logger,
): Promise<PriceSources> {
  const loaded = await loadPricing(config, { cwd, now: Date.now });
  for (const note of loaded.notes) log[note.level](note.message, { source: note.source });
  if (!loaded.ok) {
    throw new Error("a price file in pricing.sources cannot be used (see the lines above)");
  }
  return loaded.sources;
}

/** No new connections; open requests get the grace period, then are ended. */
export async function drain(
  server: Deno.HttpServer<Deno.NetAddr>,
  generations: Generations,
  log: Logger,
): Promise<void> {
  generations.beginShutdown();
  // The newest config decides, as it would for any other setting.
  const grace = generations.current.config.server.shutdown_grace_ms;
  log.info("shutting down: no new connections; open requests get a grace period", {
    open_requests: generations.inflight(),
    grace_ms: grace,
  });
  const graceTimer = setTimeout(() => {
    if (generations.inflight() > 0) {
      log.warn("grace period over; ending open requests", {
        open_requests: generations.inflight(),
      });
    }
    generations.abortInflight();
  }, grace);
  // A connection can outlive its aborted exchange (a client that stops reading): the drain is
  // bounded too, so the queue is always flushed before an orchestrator's SIGKILL.
  const drained = await settlesWithin(server.shutdown(), grace + drainMarginMs);
  clearTimeout(graceTimer);
  if (!drained) {
    log.warn("connections still open after the grace period; stopping without them", {
      open_requests: generations.inflight(),
    });
  }
}

/** Flushes the trace queue, then stops telemetry and storage. */
async function closeAll(
  writer: TraceWriter,
  store: TraceStore,
  generations: Generations,
  log: Logger,
): Promise<void> {
  // The queue is written before telemetry stops, so the spans of its last batches go out too.
  const { flushed } = await writer.shutdown(flushTimeoutMs);
  const current = generations.current.gateway;
  generations.closeAll();
  // Spans still buffered go out now, bounded by observability.otel.export_timeout_ms.
  await current.shutdownTelemetry();
  const stats = writer.snapshot();
  if (flushed) log.info("trace queue flushed", { written: stats.written, dropped: stats.dropped });
  else log.error("trace queue not fully flushed before timeout", { queued: stats.queue_depth });
  await store.close();
  log.info("gateway stopped");
}

/** Config value, else a per-installation secret kept beside the database (mode 0600). */
export async function keyHashSecret(config: GatewayConfig, cwd: string): Promise<string> {
  const configured = config.tracing.key_hash_secret;
  if (typeof configured === "string") return configured;
  const dir = config.storage.driver === "sqlite"
    ? dirname(resolve(cwd, config.storage.path))
    : resolve(cwd, "data");
  return await loadOrCreateSecret(join(dir, "ongoingai.secret"));
}

const proxyVariables = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "ALL_PROXY",
  "all_proxy",
];

/**
 * The native client speaks to upstreams directly; behind an outbound proxy only the runtime's
 * fetch honours `HTTPS_PROXY`, so that is used instead, and the log says why.
 */
export function upstreamClientFor(config: GatewayConfig, env: Record<string, string>, log: Logger) {
  const variable = proxyVariables.find((name) => env[name]);
  if (config.proxy.upstream_client !== "native" || variable === undefined) return {};
  log.info(
    `${variable} is set: upstreams are reached through the runtime's fetch client, which honours it`,
    {
      upstream_client: "fetch",
    },
  );
  return { client: createFetchClient() };
}

export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
