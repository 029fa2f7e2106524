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

interface Slot {
  worker: Worker;
  rpc: Rpc;
}

/** Starts `count` workers and waits until each listens; throws (all stopped) when one cannot. */
export async function startServeWorkers(
  opts: StartWorkers,
  state: MainState,
): Promise<ServeWorkers> {
  const slots: Slot[] = [];
  const live = () => slots.filter((w) => w !== undefined);
  // A worker that failed (logged when it did) leaves the scrape without its figures, not empty.
  const collectAll = async (): Promise<MetricFamily[][]> => [
    state.metrics.collect(),
    ...(await Promise.allSettled(live().map((w) => w.rpc.call<MetricFamily[]>("collect"))))
      .flatMap((r) => r.status === "fulfilled" ? [r.value] : []),
  ];
  const families = async () => mergeFamilies(await collectAll(), singleFamily);
  // A key changed through any isolate's API: every isolate reloads keys before it answers.
  const keysChanged = async () => {
    await Promise.allSettled([
      state.refreshKeys(),
      ...live().map((w) => w.rpc.call("refreshKeys")),
    ]);
  };
  const launch = async (index: number): Promise<void> => {
    const routing = await state.routing.snapshot(Date.now());
    const calls = { families, keysChanged };
    const one = startOne(opts, state, index, calls, routing, () => restarts.failed(index));
    slots[index - 1] = { worker: one.worker, rpc: one.rpc };
    await one.ready;
  };
  const restarts = restarter(opts.log, launch);
  try {
    await Promise.all(Array.from({ length: opts.count }, (_, i) => launch(i + 1)));
  } catch (err) {
    for (const w of live()) w.worker.terminate();
    throw err;
  }
  restarts.arm();
  return poolOf(live, families, opts.log, restarts);
}

/** At most this many restarts of one worker within `restartWindowMs`; then it stays down. */
const maxRestarts = 3;
const restartWindowMs = 60_000;

/**
 * A serving worker that fails once serving (an uncaught error ends its isolate, and the kernel
 * stops handing it connections when its socket closes) is started again, a bounded number of
 * times, so the process keeps its cores. Failures during startup fail the startup instead.
 */
function restarter(log: Logger, launch: (index: number) => Promise<void>) {
  let armed = false;
  const times = new Map<number, number[]>();
  return {
    arm: () => void (armed = true),
    stop: () => void (armed = false),
    failed(index: number): void {
      if (!armed) return;
      const now = Date.now();
      const recent = (times.get(index) ?? []).filter((t) => now - t < restartWindowMs);
      if (recent.length >= maxRestarts) {
        log.error("a serving worker failed again; it is not started again", {
          worker: index,
          restarts: recent.length,
        });
        return;
      }
      times.set(index, [...recent, now]);
      launch(index).then(
        () => log.info("serving worker started again", { worker: index }),
        (err) =>
          log.error("a serving worker could not be started again", {
            worker: index,
            error: String(err),
          }),
      );
    },
  };
}

function poolOf(
  live: () => Slot[],
  families: () => Promise<MetricFamily[]>,
  log: Logger,
  restarts: { stop(): void },
): ServeWorkers {
  return {
    families,
    reload: () => {
      for (const w of live()) void w.rpc.call("reload").catch(() => {});
    },
    refreshKeys: async () => {
      await Promise.allSettled(live().map((w) => w.rpc.call("refreshKeys")));
    },
    routingChanged: (snapshot) => {
      for (const w of live()) void w.rpc.call("routingSnapshot", snapshot).catch(() => {});
    },
    shutdown: async () => {
      restarts.stop();
      const done = await Promise.allSettled(live().map((w) => w.rpc.call("shutdown")));
      const failed = done.filter((d) => d.status === "rejected").length;
      if (failed > 0) log.warn("serving workers did not all shut down cleanly", { failed });
    },
    terminate: () => {
      for (const w of live()) w.worker.terminate();
    },
  };
}

function startOne(
  opts: StartWorkers,
  state: MainState,
  index: number,
  calls: { families(): Promise<MetricFamily[]>; keysChanged(): Promise<void> },
  routing: RoutingStateSnapshot,
  onFailed: () => void,
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
    worker.terminate();
    onFailed();
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
