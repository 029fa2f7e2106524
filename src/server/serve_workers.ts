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
import { coalesced, heartbeat, heartbeatOf, restarter } from "./worker_supervision.ts";
import { type ForwardedDrops, type WorkerFigures, writerFamily } from "./worker_figures.ts";
import { relayedRoutingCalls } from "./worker_routing.ts";
import { type GatewayLive, workersOpen } from "./live.ts";
import type { LiveRequest } from "../api/mod.ts";
import type { OpenTally } from "../traces/mod.ts";

export interface MainState {
  store: TraceStore;
  /** Drops and metric families the workers reported, kept when one ends (worker_figures.ts). */
  figures: WorkerFigures;
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
  /** `GET /api/live`: fed the workers' traces, and answering a worker's `/api/live`. */
  live?: GatewayLive;
}

export interface ServeWorkers {
  /** Every isolate's metric families, summed (this one's first). */
  families(): Promise<MetricFamily[]>;
  /** Every worker reads the config again (the main isolate reloads itself). */
  reload(): void;
  /** Gateway keys changed in the store: every worker reloads them; resolves when all did. */
  refreshKeys(): Promise<void>;
  /** Every worker's open requests by tenant (`/api/live`); its last answer when it is slow. */
  open(): Promise<OpenTally[][]>;
  /** The routing state changed: every worker's mirror is replaced. */
  routingChanged(snapshot: RoutingStateSnapshot): void;
  /**
   * Every worker stops accepting, drains and hands over its last traces; a worker that has not
   * answered within `limitMs` (its grace period and flush, with a margin) is given up on.
   */
  shutdown(limitMs: number): Promise<void>;
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

/** A worker's part of a scrape, and of a key change, waits no longer for a worker that hangs. */
const collectLimitMs = 2_000;
const keysLimitMs = 10_000;
/** `/api/live` is asked every second: a worker slower than this counts with its last answer. */
const openLimitMs = 500;
/** How long the main isolate waits for a worker's shutdown: its drain, flush and telemetry. */
export function workerShutdownLimitMs(config: GatewayConfig): number {
  return config.server.shutdown_grace_ms + config.observability.otel.export_timeout_ms + 15_000;
}

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
  /** How often a worker is asked whether it answers, and after how long it counts as hung. */
  heartbeat?: { everyMs: number; hungAfterMs: number };
}

interface Slot {
  worker: Worker;
  rpc: Rpc;
  stopHeartbeat(): void;
}

/** Starts `count` workers and waits until each listens; throws (all stopped) when one cannot. */
export async function startServeWorkers(
  opts: StartWorkers,
  state: MainState,
): Promise<ServeWorkers> {
  const slots: (Slot | undefined)[] = [];
  const live = () => slots.filter((w) => w !== undefined);
  const families = () => scrape(slots, state);
  // A key changed through any isolate's API: every isolate reloads keys before it answers.
  const keysChanged = async () => {
    await Promise.allSettled([
      state.refreshKeys(),
      ...live().map((w) => w.rpc.callWithin(keysLimitMs, "refreshKeys")),
    ]);
  };
  const open = workersOpen(openLimitMs);
  let stopped = false;
  const launch = async (index: number): Promise<void> => {
    const routing = await state.routing.snapshot(Date.now());
    const calls = { families, keysChanged };
    const ended = () => {
      slots[index - 1]?.stopHeartbeat();
      slots[index - 1] = undefined;
      state.figures.retire(index);
      open.ended(index);
      restarts.failed(index);
    };
    const one = startOne(opts, state, index, calls, routing, ended);
    slots[index - 1] = one;
    try {
      await one.ready;
    } catch (err) {
      one.worker.terminate();
      if (slots[index - 1] === one) slots[index - 1] = undefined;
      throw err;
    }
    // Shut down while this one started (a restart): it must not serve on alone, and a shutdown
    // call already sent to it must not wait for an answer that will not come.
    if (stopped) {
      one.rpc.fail(new Error(`serving worker ${index} started after the shutdown began`));
      return void one.worker.terminate();
    }
    one.startHeartbeat();
  };
  const restarts = restarter(opts.log, launch);
  try {
    await Promise.all(Array.from({ length: opts.count }, (_, i) => launch(i + 1)));
  } catch (err) {
    for (const w of live()) stopSlot(w);
    throw err;
  }
  restarts.arm();
  const stop = () => {
    stopped = true;
    restarts.stop();
  };
  return { ...poolOf(live, families, opts.log, stop), open: () => open.ask(slots) };
}

/**
 * Every isolate's families, summed: this one's, each worker's (its last answer when it does not
 * answer in time, logged by the heartbeat when it hangs), and those left by workers that ended.
 */
async function scrape(slots: (Slot | undefined)[], state: MainState): Promise<MetricFamily[]> {
  const { figures } = state;
  const workers = await Promise.all(slots.map(async (slot, i) => {
    if (slot === undefined) return [];
    try {
      const got = await slot.rpc.callWithin<MetricFamily[]>(collectLimitMs, "collect");
      // Ended meanwhile: what it left is in the retired figures (those of its last scrape), so a
      // counter never reads higher now than in every scrape after.
      if (slots[i] !== slot) return [];
      figures.remember(i + 1, got);
      return got;
    } catch {
      return figures.lastFamilies(i + 1) ?? [];
    }
  }));
  return mergeFamilies(
    [state.metrics.collect(), ...workers, figures.retiredFamilies()],
    writerFamily,
  );
}

function stopSlot(slot: Slot): void {
  slot.stopHeartbeat();
  slot.worker.terminate();
}

function poolOf(
  live: () => Slot[],
  families: () => Promise<MetricFamily[]>,
  log: Logger,
  stop: () => void,
): Omit<ServeWorkers, "open"> {
  // Breakers and key blocks change in bursts (a provider failing trips many requests at once):
  // one snapshot goes out per burst, the latest, and never two at a time.
  const routing = coalesced((snapshot: RoutingStateSnapshot) =>
    Promise.allSettled(live().map((w) => w.rpc.call("routingSnapshot", snapshot)))
  );
  return {
    families,
    reload: () => {
      for (const w of live()) void w.rpc.call("reload").catch(() => {});
    },
    refreshKeys: async () => {
      await Promise.allSettled(live().map((w) => w.rpc.callWithin(keysLimitMs, "refreshKeys")));
    },
    routingChanged: routing,
    shutdown: async (limitMs) => {
      stop();
      const done = await Promise.allSettled(
        live().map((w) => (w.stopHeartbeat(), w.rpc.callWithin(limitMs, "shutdown"))),
      );
      const failed = done.filter((d) => d.status === "rejected").length;
      if (failed > 0) log.warn("serving workers did not all shut down cleanly", { failed });
    },
    terminate: () => {
      for (const w of live()) stopSlot(w);
    },
  };
}

/** The main isolate's answers to a worker's calls, over the single state. */
function answersTo(state: MainState, index: number, storeMethods: ReadonlySet<string>) {
  const { store, writer, counters, figures } = state;
  // Only what a worker's relays call: a worker is trusted code, but a wrong name must fail
  // loudly rather than reach `close` or a prototype's property.
  const allowed = (set: ReadonlySet<string>, method: string, what: string) => {
    if (!set.has(method)) throw new Error(`a serving worker called an unknown ${what}: ${method}`);
  };
  const routingMethods = new Set<string>(relayedRoutingCalls);
  return {
    store: (method: string, args: unknown[]) => {
      allowed(storeMethods, method, "store method");
      return (store as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args);
    },
    reserve: (...args: Parameters<CounterStore["reserve"]>) => counters.reserve(...args),
    adjust: (changes: Parameters<CounterStore["adjust"]>[0]) => counters.adjust(changes),
    traces: (batch: TraceRecord[], drops: ForwardedDrops) => {
      for (const t of batch) {
        state.live?.offer?.(t);
        writer.enqueue(t);
      }
      figures.reportDrops(index, drops);
      return writer.snapshot();
    },
    writer: (drops: ForwardedDrops) => {
      figures.reportDrops(index, drops);
      return writer.snapshot();
    },
    routing: (method: string, args: unknown[]) => {
      allowed(routingMethods, method, "routing method");
      return (state.routing as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(
        ...args,
      );
    },
    stateMap: (op: "put" | "get", args: [StateMapKey, string]) =>
      op === "put" ? state.stateMap.put(...args) : state.stateMap.get(args[0]),
    live: (r: LiveRequest) => {
      if (state.live === undefined) throw new Error("this process keeps no live window");
      return state.live.source(r);
    },
    denied: (d: Parameters<NonNullable<GateOptions["onDenied"]>>[0]) => state.onDenied?.(d),
  };
}

function startOne(
  opts: StartWorkers,
  state: MainState,
  index: number,
  calls: { families(): Promise<MetricFamily[]>; keysChanged(): Promise<void> },
  routing: RoutingStateSnapshot,
  ended: () => void,
): Slot & { ready: Promise<void>; startHeartbeat(): void } {
  const worker = new Worker(opts.moduleUrl, { type: "module", name: serveWorkerName });
  const channel = new MessageChannel();
  const ready = Promise.withResolvers<void>();
  // The store's own surface only: `close` stays here, `call` is the worker store's transport.
  const storeMethods = storeMethodNames(state.store).filter((m) => m !== "close" && m !== "call");
  const rpc = createRpc(channel.port1, {
    ready: (r: { error?: string }) =>
      r.error === undefined
        ? ready.resolve()
        : ready.reject(new Error(`serving worker ${index}: ${r.error}`)),
    ...answersTo(state, index, new Set(storeMethods)),
    ...calls,
  });
  let failedOnce = false;
  const fail = (message: string) => {
    if (failedOnce) return;
    failedOnce = true;
    opts.log.error("a serving worker failed", { worker: index, error: message });
    const err = new Error(`serving worker ${index} failed: ${message}`);
    rpc.fail(err);
    ready.reject(err);
    worker.terminate();
    ended();
  };
  worker.onerror = (ev) => {
    ev.preventDefault();
    fail(ev.message);
  };
  const beat = opts.heartbeat ?? heartbeat;
  const alive = heartbeatOf(rpc, beat, () => fail(`no answer for ${beat.hungAfterMs} ms (hung)`));
  worker.postMessage(initFor(opts, state, index, channel.port2, storeMethods, routing), [
    channel.port2,
  ]);
  return {
    worker,
    rpc,
    ready: ready.promise,
    startHeartbeat: alive.start,
    stopHeartbeat: alive.stop,
  };
}

function initFor(
  opts: StartWorkers,
  state: MainState,
  index: number,
  port: MessagePort,
  storeMethods: string[],
  routing: RoutingStateSnapshot,
): ServeWorkerInit {
  return {
    port,
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
    storeMethods,
    storeDriver: state.store.driver,
    writer: state.writer.snapshot(),
    routing,
    routingShared: state.routing.shared,
    sealKey: state.sealKey,
  };
}
