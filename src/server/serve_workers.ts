/**
 * The main isolate's side of `server.workers` > 1: starts the serving workers (serve_worker.ts)
 * and answers their calls from the state that stays single: the trace writer (each batch of a
 * worker's traces enqueued as if recorded here), the trace store, the limit counters, the audit
 * of denials, and the scrape (every isolate's metric families summed). It also carries the
 * process's reloads and shutdown to them.
 */
import type { GatewayConfig } from "../config/mod.ts";
import type { GateOptions } from "../auth/mod.ts";
import type { CounterStore } from "../limits/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { StateMap } from "../providers/mod.ts";
import type { RoutingState, RoutingStateSnapshot } from "../routing/mod.ts";
import type { TraceStore } from "../store/mod.ts";
import { type GatewayMetrics, mergeFamilies, type MetricFamily } from "../telemetry/mod.ts";
import type { TraceRecord, TraceWriterSnapshot } from "../traces/mod.ts";
import { type ServeWorkerInit, serveWorkerName } from "./serve_worker_init.ts";
import { storeMethodNames } from "./worker_deps.ts";
import { withProcessSealKey } from "./worker_seals.ts";
import type { GatewayDeps } from "./gateway.ts";
import { createRpc, type Rpc } from "./worker_rpc.ts";

export interface MainState {
  store: TraceStore;
  writer: { enqueue(trace: TraceRecord): boolean; snapshot(): TraceWriterSnapshot };
  counters: CounterStore;
  metrics: GatewayMetrics;
  /** Breakers and key blocks: every isolate's writes land here (worker_routing.ts). */
  routing: RoutingState;
  /** Translation's Chat tool-call state (worker_seals.ts). */
  stateMap: StateMap;
  sealKey: string;
  /** This isolate's current generation reloads its gateway keys. */
  refreshKeys(): Promise<void>;
  onDenied?: GateOptions["onDenied"];
}

export interface ServeWorkers {
  /** Every isolate's metric families, summed (this one's first). */
  families(): Promise<MetricFamily[]>;
  /** Every worker reads the config again (the main isolate reloads itself). */
  reload(): void;
  /** Gateway keys changed in the store: every worker reloads them; resolves when all did. */
  refreshKeys(): Promise<void>;
  /** The routing state changed: every worker's mirror is replaced. */
  routingChanged(snapshot: RoutingStateSnapshot): void;
  /** Every worker stops accepting, drains and hands over its last traces. */
  shutdown(): Promise<void>;
  terminate(): void;
}

/**
 * What the main isolate's gateways get when workers serve beside it (nothing for one isolate):
 * the scrape and key reloads over every isolate, and the one seal key (worker_seals.ts).
 */
export function besideWorkers(
  config: GatewayConfig,
  pool: { readonly current: ServeWorkers | null },
  state: MainState,
): { deps: Partial<GatewayDeps>; config(c: GatewayConfig): GatewayConfig } {
  if (!(config.server.workers > 1)) return { deps: {}, config: (c) => c };
  return {
    deps: {
      isolates: {
        metrics: () => pool.current?.families() ?? Promise.resolve(state.metrics.collect()),
        keysChanged: () => pool.current?.refreshKeys() ?? Promise.resolve(),
      },
    },
    config: (c) => withProcessSealKey(c, state.sealKey),
  };
}

type StateMapKey = Parameters<StateMap["get"]>[0];

/** The trace writer's families: one writer, described by the main isolate alone. */
const singleFamily = (name: string) => name.startsWith("ongoingai_trace_");

export interface StartWorkers {
  count: number;
  moduleUrl: string;
  config: GatewayConfig;
  /** The bound port (the config's may be pinned from the environment). */
  port: number;
  configSource: string | null;
  cwd: string;
  env: Record<string, string>;
  keyHashSecret: string;
  startedAt: number;
  log: Logger;
}

/** Starts `count` workers and waits until each listens; throws (all stopped) when one cannot. */
export async function startServeWorkers(
  opts: StartWorkers,
  state: MainState,
): Promise<ServeWorkers> {
  const workers: { worker: Worker; rpc: Rpc }[] = [];
  // A worker that failed (logged when it did) leaves the scrape without its figures, not empty.
  const collectAll = async (): Promise<MetricFamily[][]> => [
    state.metrics.collect(),
    ...(await Promise.allSettled(workers.map((w) => w.rpc.call<MetricFamily[]>("collect"))))
      .flatMap((r) => r.status === "fulfilled" ? [r.value] : []),
  ];
  const families = async () => mergeFamilies(await collectAll(), singleFamily);
  const started: Promise<void>[] = [];
  // A key changed through any isolate's API: every isolate reloads keys before it answers.
  const keysChanged = async () => {
    await Promise.allSettled([
      state.refreshKeys(),
      ...workers.map((w) => w.rpc.call("refreshKeys")),
    ]);
  };
  const routing = await state.routing.snapshot(Date.now());
  for (let index = 1; index <= opts.count; index++) {
    const { worker, rpc, ready } = startOne(opts, state, index, { families, keysChanged }, routing);
    workers.push({ worker, rpc });
    started.push(ready);
  }
  try {
    await Promise.all(started);
  } catch (err) {
    for (const w of workers) w.worker.terminate();
    throw err;
  }
  return {
    families,
    reload: () => {
      for (const w of workers) void w.rpc.call("reload").catch(() => {});
    },
    refreshKeys: async () => {
      await Promise.allSettled(workers.map((w) => w.rpc.call("refreshKeys")));
    },
    routingChanged: (snapshot) => {
      for (const w of workers) void w.rpc.call("routingSnapshot", snapshot).catch(() => {});
    },
    shutdown: async () => {
      const done = await Promise.allSettled(workers.map((w) => w.rpc.call("shutdown")));
      const failed = done.filter((d) => d.status === "rejected").length;
      if (failed > 0) opts.log.warn("serving workers did not all shut down cleanly", { failed });
    },
    terminate: () => {
      for (const w of workers) w.worker.terminate();
    },
  };
}

function startOne(
  opts: StartWorkers,
  state: MainState,
  index: number,
  calls: { families(): Promise<MetricFamily[]>; keysChanged(): Promise<void> },
  routing: RoutingStateSnapshot,
): { worker: Worker; rpc: Rpc; ready: Promise<void> } {
  const worker = new Worker(opts.moduleUrl, { type: "module", name: serveWorkerName });
  const channel = new MessageChannel();
  const ready = Promise.withResolvers<void>();
  const { store, writer, counters } = state;
  const rpc = createRpc(channel.port1, {
    ready: (r: { error?: string }) =>
      r.error === undefined
        ? ready.resolve()
        : ready.reject(new Error(`serving worker ${index}: ${r.error}`)),
    store: (method: string, args: unknown[]) =>
      (store as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args),
    reserve: (...args: Parameters<CounterStore["reserve"]>) => counters.reserve(...args),
    adjust: (changes: Parameters<CounterStore["adjust"]>[0]) => counters.adjust(changes),
    traces: (batch: TraceRecord[]) => {
      for (const t of batch) writer.enqueue(t);
      return writer.snapshot();
    },
    writer: () => writer.snapshot(),
    routing: (method: string, args: unknown[]) =>
      (state.routing as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args),
    stateMap: (op: "put" | "get", args: [StateMapKey, string]) =>
      op === "put" ? state.stateMap.put(...args) : state.stateMap.get(args[0]),
    denied: (d: Parameters<NonNullable<GateOptions["onDenied"]>>[0]) => state.onDenied?.(d),
    ...calls,
  });
  worker.onerror = (ev) => {
    ev.preventDefault();
    const err = new Error(`serving worker ${index} failed: ${ev.message}`);
    opts.log.error("a serving worker failed", { worker: index, error: ev.message });
    rpc.fail(err);
    ready.reject(err);
  };
  const init: ServeWorkerInit = {
    port: channel.port2,
    index,
    configSource: opts.configSource,
    cwd: opts.cwd,
    env: {
      ...opts.env,
      ONGOINGAI_HOST: opts.config.server.host,
      ONGOINGAI_PORT: String(opts.port),
    },
    keyHashSecret: opts.keyHashSecret,
    startedAt: opts.startedAt,
    // The store's own surface only: `close` stays here, `call` is the worker store's transport.
    storeMethods: storeMethodNames(store).filter((m) => m !== "close" && m !== "call"),
    storeDriver: store.driver,
    writer: writer.snapshot(),
    routing,
    routingShared: state.routing.shared,
    sealKey: state.sealKey,
  };
  worker.postMessage(init, [channel.port2]);
  return { worker, rpc, ready: ready.promise };
}
