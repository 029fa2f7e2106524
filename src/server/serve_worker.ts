/**
 * A serving worker (`server.workers` > 1): the program's own entry module started as a Worker
 * named `serveWorkerName` (as the store worker is, so a bundle or compiled binary needs no second
 * file). It loads the same config file, builds its gateway over the main isolate's single state
 * (worker_deps.ts) and serves the same port with `reusePort`; the main isolate tells it to reload,
 * to report its metrics and to shut down (serve_workers.ts).
 */
import { formatIssue, type GatewayConfig, loadConfig, withBuildSupport } from "../config/mod.ts";
import { createLogger, type LogFields, type Logger, redactingLogger } from "../log/mod.ts";
import { createGatewayMetrics, knownSecretRedactor, type MetricFamily } from "../telemetry/mod.ts";
import { createGateway, type Gateway } from "./gateway.ts";
import { createGenerations, type Generations } from "./generations.ts";
import { type ConfigLoad, createReloader } from "./reload.ts";
import { sharedRouting } from "./routing.ts";
import { drain, loadPrices, settlesWithin, upstreamClientFor } from "./serve.ts";
import { serveErrorHandler } from "./serve_errors.ts";
import {
  countedByIsolate,
  ForwardingWriter,
  rebuildStoreError,
  RelayedCounters,
  relayedStore,
} from "./worker_deps.ts";
import { createRpc, type Rpc, type RpcHandlers } from "./worker_rpc.ts";
import { RelayedRoutingState } from "./worker_routing.ts";
import { relayedSeals, withProcessSealKey } from "./worker_seals.ts";
import type { RoutingStateSnapshot } from "../routing/mod.ts";
import { type ServeWorkerInit, serveWorkerName } from "./serve_worker_init.ts";
import { openTallies } from "./live.ts";
import type { LiveRequest, LiveResponse } from "../api/mod.ts";

const drainMarginMs = 2_000;
/** The main isolate's answer to `/api/live` (itself asking each worker within 500 ms). */
const liveLimitMs = 5_000;

/** True inside a serving worker. */
export function isServeWorker(): boolean {
  const scope = globalThis as unknown as { WorkerGlobalScope?: unknown; name?: string };
  return scope.WorkerGlobalScope !== undefined && scope.name === serveWorkerName;
}

export function runServeWorker(): void {
  const scope = globalThis as unknown as {
    onmessage: ((ev: MessageEvent<ServeWorkerInit>) => void) | null;
  };
  scope.onmessage = (ev) => {
    scope.onmessage = null;
    void serveInWorker(ev.data);
  };
}

/** Reads the config file as the main isolate did (problems as lines). */
async function loadIn(init: ServeWorkerInit): Promise<ConfigLoad> {
  const path = init.configSource ?? undefined;
  const result = withBuildSupport(
    await loadConfig({ ...(path === undefined ? {} : { path }), env: init.env, cwd: init.cwd }),
  );
  const lines = (issues: typeof result.warnings) =>
    issues.map((issue) => formatIssue(issue, { cwd: init.cwd }));
  return result.ok
    ? { ok: true, config: result.config, source: result.source, warnings: lines(result.warnings) }
    : { ok: false, source: result.source, problems: lines(result.errors) };
}

async function serveInWorker(init: ServeWorkerInit): Promise<void> {
  const handlers: RpcHandlers = { ping: () => true };
  // The main isolate may call before this worker can answer (a reload, a routing change while
  // it starts): those calls wait here until the handlers are in place, or fail if it never is.
  const handlersSet = Promise.withResolvers<void>();
  const rpc = createRpc(init.port, handlers, {
    rebuild: rebuildStoreError,
    handlersReady: handlersSet.promise,
  });
  const failed = async (error: string) => {
    handlersSet.resolve();
    await rpc.call("ready", { error });
  };
  const loaded = await loadIn(init);
  if (!loaded.ok) return await failed(loaded.problems.join("; "));
  const { config } = loaded;
  let generations: Generations | null = null;
  const log = redactingLogger(
    taggedLogger(
      createLogger({
        format: config.server.log_format,
        write: (t) => void Deno.stderr.writeSync(new TextEncoder().encode(t)),
      }),
      init.index,
    ),
    () => generations?.current.gateway.redactSecrets ?? knownSecretRedactor(config),
  );
  const parts = workerParts(init, config, rpc, log);
  let first: Gateway;
  try {
    first = await parts.build(config);
  } catch (err) {
    return await failed(err instanceof Error ? err.message : String(err));
  }
  await first.refreshKeys().catch(() => {});
  generations = createGenerations(first, config);
  const gens = generations;
  const reloader = createReloader({ generations: gens, load: () => loadIn(init), ...parts, log });
  const handle = countedByIsolate(parts.metrics, init.index, gens.handle);
  const server = await listenShared(config, handle, log);
  if (server === null) return await failed("the serving worker could not listen");
  Object.assign(handlers, {
    collect: () => parts.metrics.collect(),
    open: () => openTallies(gens.exchanges(), gens.relays()),
    routingSnapshot: (s: RoutingStateSnapshot) => parts.routingState.apply(s),
    refreshKeys: () => gens.current.gateway.refreshKeys(),
    reload: () => void reloader.reload(),
    shutdown: async () => {
      await drain(server, gens, log);
      await settlesWithin(reloader.idle(), drainMarginMs);
      await settlesWithin(gens.recorded(), drainMarginMs);
      await parts.writer.flush();
      parts.writer.stop();
      parts.stopFollowing();
      const current = gens.current.gateway;
      gens.closeAll();
      await current.shutdownTelemetry();
    },
  });
  handlersSet.resolve();
  await rpc.call("ready", {});
}

/** The worker's gateway parts: the main isolate's single state behind the port. */
function workerParts(init: ServeWorkerInit, config: GatewayConfig, rpc: Rpc, log: Logger) {
  const store = relayedStore(rpc, init.storeMethods, init.storeDriver);
  const writer = new ForwardingWriter(rpc, {
    batchSize: config.tracing.batch_size,
    capacity: config.tracing.queue_size,
    // Each isolate's share of the body budget: together they hold no more than one writer would.
    maxBodyBytes: Math.floor(config.tracing.queue_max_body_bytes / config.server.workers),
  }, init.writer);
  const limitCounters = new RelayedCounters(rpc);
  // Breakers and key blocks are the main isolate's (mirrored here); failure counts, pool-key
  // rpm/tpm windows, latencies and affinity stay per isolate (research/issue23_workers.md).
  const routing = sharedRouting(store);
  const routingState = new RelayedRoutingState(rpc, init.routingShared);
  routingState.apply(init.routing);
  routing.state = routingState;
  routing.seals = relayedSeals(rpc);
  const metrics = createGatewayMetrics(writer);
  const build = async (next: GatewayConfig): Promise<Gateway> =>
    createGateway(withProcessSealKey(withoutMetricPush(next), init.sealKey), {
      prices: await loadPrices(next, init.cwd, log),
      store,
      writer,
      onDenied: (d) => void rpc.call("denied", d).catch(() => {}),
      keyHashSecret: init.keyHashSecret,
      log,
      limitCounters,
      routing,
      startedAt: init.startedAt,
      metrics,
      // Its traces reach the main isolate's window with the batches; so does the question.
      live: {
        offer: null,
        source: (r: LiveRequest) => rpc.callWithin<LiveResponse>(liveLimitMs, "live", r),
      },
      isolates: {
        metrics: () => rpc.call<MetricFamily[]>("families"),
        keysChanged: () => rpc.call<void>("keysChanged"),
      },
      ...upstreamClientFor(next, init.env, log),
    });
  return { writer, metrics, build, routingState, stopFollowing: routingState.follow(1_000) };
}

async function listenShared(
  config: GatewayConfig,
  handle: Generations["handle"],
  log: Logger,
): Promise<Deno.HttpServer<Deno.NetAddr> | null> {
  try {
    const { promise, resolve } = Promise.withResolvers<void>();
    const server = Deno.serve({
      hostname: config.server.host,
      port: config.server.port,
      reusePort: true,
      onListen: () => resolve(),
      onError: serveErrorHandler(log),
    }, handle);
    await promise;
    return server;
  } catch (err) {
    log.error("a serving worker failed to listen", {
      error: err instanceof Error ? err.message : String(err),
    });
    return null;
  }
}

/**
 * OTLP metric push stays with the main isolate: several isolates pushing the same series under
 * one resource would overwrite each other at the collector. (The scrape sums every isolate.)
 */
function withoutMetricPush(config: GatewayConfig): GatewayConfig {
  const otel = config.observability.otel;
  if (!otel.metrics_enabled) return config;
  return {
    ...config,
    observability: { ...config.observability, otel: { ...otel, metrics_enabled: false } },
  };
}

/** Every line of a worker says which isolate wrote it (the main isolate's lines say none). */
function taggedLogger(log: Logger, isolate: number): Logger {
  const tag = (fields?: LogFields): LogFields => ({ ...fields, isolate });
  return {
    debug: (msg, fields) => log.debug(msg, tag(fields)),
    info: (msg, fields) => log.info(msg, tag(fields)),
    warn: (msg, fields) => log.warn(msg, tag(fields)),
    error: (msg, fields) => log.error(msg, tag(fields)),
  };
}
