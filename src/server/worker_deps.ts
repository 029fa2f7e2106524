/**
 * What a serving worker (`server.workers` > 1) uses in place of the main isolate's single state,
 * each reaching it over the worker's port (worker_rpc.ts): the trace store (every call relayed),
 * the limit counters (one arbiter, so limits stay exact across isolates) and the trace writer
 * (traces sent in batches; its figures come back with each batch's answer).
 */
import type { CounterStore } from "../limits/mod.ts";
import { InvalidCursorError, ResponseStateError, type TraceStore } from "../store/mod.ts";
import { traceBodySize, type TraceRecord, type TraceWriterSnapshot } from "../traces/mod.ts";
import type { Rpc, RpcError } from "./worker_rpc.ts";
import type { GatewayMetrics } from "../telemetry/mod.ts";
import {
  type ForwardedDrops,
  laterDrops,
  noDrops,
  subtractDrops,
  withDrops,
} from "./worker_figures.ts";

/** Store errors the API tells apart keep their class across the port. */
export function rebuildStoreError(e: RpcError): Error {
  let err: Error;
  if (e.name === "InvalidCursorError") {
    err = new InvalidCursorError(e.message.replace(/^cursor is invalid \((.*?)\);.*$/s, "$1"));
  } else if (e.name === "ResponseStateError") {
    err = new ResponseStateError(e.code as ResponseStateError["code"], e.message);
  } else if (e.name === "TypeError") err = new TypeError(e.message);
  else if (e.name === "RangeError") err = new RangeError(e.message);
  else err = new Error(e.message);
  err.name = e.name;
  if (e.code !== undefined) (err as Error & { code?: unknown }).code = e.code;
  return err;
}

/** The methods a store offers (own and inherited), so a worker's relay offers the same ones. */
export function storeMethodNames(store: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = store; o !== null && o !== Object.prototype;) {
    for (const n of Object.getOwnPropertyNames(o)) {
      if (n !== "constructor" && typeof (store as Record<string, unknown>)[n] === "function") {
        names.add(n);
      }
    }
    o = Object.getPrototypeOf(o);
  }
  return [...names];
}

/**
 * The main isolate's store as a worker sees it: each method a call. `close` only forgets the
 * port: the main isolate closes its store itself, after every worker is done.
 */
export function relayedStore(rpc: Rpc, methods: readonly string[], driver: string): TraceStore {
  const store: Record<string, unknown> = { driver };
  for (const m of methods) {
    if (m === "close") continue;
    store[m] = (...args: unknown[]) => rpc.call("store", m, args);
  }
  store.close = () => Promise.resolve();
  return store as unknown as TraceStore;
}

/** Limit counters kept by the main isolate: reserve and adjust are calls. */
export class RelayedCounters implements CounterStore {
  constructor(private readonly rpc: Rpc) {}
  reserve(...args: Parameters<CounterStore["reserve"]>) {
    return this.rpc.call<Awaited<ReturnType<CounterStore["reserve"]>>>("reserve", ...args);
  }
  async adjust(changes: Parameters<CounterStore["adjust"]>[0]): Promise<void> {
    await this.rpc.call("adjust", changes);
  }
}

const snapshotRefreshMs = 250;

export interface ForwardingLimits {
  batchSize: number;
  /** Traces waiting here (sent or not, without an answer yet); more are dropped and counted. */
  capacity: number;
  /** Captured body bytes waiting here; over it a trace goes without its bodies, as the writer's. */
  maxBodyBytes: number;
}

/**
 * Finished traces go to the main isolate's writer, `batchSize` per message or whatever has
 * gathered by the next timer tick, bounded in count and body bytes like the writer's own queue.
 * What this worker drops is reported with every call, so the main isolate's figures (health,
 * `ongoingai_trace_*`) count it (worker_figures.ts).
 */
export class ForwardingWriter {
  #buffer: TraceRecord[] = [];
  #unanswered = 0;
  /** Body bytes in `#buffer`, and in the batches sent without an answer yet. */
  #bufferBytes = 0;
  #unansweredBytes = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #sending = new Set<Promise<void>>();
  #latest: TraceWriterSnapshot;
  #drops: ForwardedDrops = { ...noDrops };
  /** The drops the main isolate had counted as of its latest answer. */
  #counted: ForwardedDrops = noDrops;
  #refresh: ReturnType<typeof setInterval>;

  constructor(
    private readonly rpc: Rpc,
    private readonly limits: ForwardingLimits,
    first: TraceWriterSnapshot,
  ) {
    this.#latest = first;
    // The figures also move while this worker sends nothing (the main writer writes what the
    // others sent): asked for again a few times a second, so health lags by at most that.
    this.#refresh = setInterval(() => {
      const drops = { ...this.#drops };
      rpc.call<TraceWriterSnapshot>("writer", drops).then(
        (s) => this.#answered(s, drops),
        () => {},
      );
    }, snapshotRefreshMs);
    Deno.unrefTimer(this.#refresh);
  }

  stop(): void {
    clearInterval(this.#refresh);
  }

  enqueue(trace: TraceRecord): boolean {
    if (this.#buffer.length + this.#unanswered >= this.limits.capacity) {
      this.#drops.queue_full++;
      return false;
    }
    const bodies = traceBodySize(trace);
    if (
      bodies > 0 && this.#bufferBytes + this.#unansweredBytes + bodies > this.limits.maxBodyBytes
    ) {
      trace.request_body = trace.response_body = null;
      trace.metadata.bodies_dropped = "queue_memory";
      this.#drops.bodies_dropped++;
    } else {
      this.#bufferBytes += bodies;
    }
    this.#buffer.push(trace);
    if (this.#buffer.length >= this.limits.batchSize) this.#send();
    else this.#timer ??= setTimeout(() => this.#send(), 5);
    return true;
  }

  /** The main writer's figures as of its last answer, plus what waits or was dropped here since. */
  snapshot(): TraceWriterSnapshot {
    const waiting = this.#buffer.length + this.#unanswered;
    const s = withDrops(this.#latest, subtractDrops(this.#drops, this.#counted));
    return waiting === 0 ? s : { ...s, queue_depth: s.queue_depth + waiting };
  }

  /** Sends what waits and resolves once the main writer has every trace of this worker. */
  async flush(): Promise<void> {
    this.#send();
    while (this.#sending.size > 0) await Promise.allSettled([...this.#sending]);
  }

  #answered(s: TraceWriterSnapshot, drops: ForwardedDrops): void {
    this.#latest = s;
    this.#counted = laterDrops(this.#counted, drops);
  }

  #send(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#buffer.length === 0) return;
    // The message is a copy: once it is posted, only the count and bytes are kept here.
    const count = this.#buffer.length;
    const bytes = this.#bufferBytes;
    const drops = { ...this.#drops };
    const call = this.rpc.call<TraceWriterSnapshot>("traces", this.#buffer, drops);
    this.#buffer = [];
    this.#bufferBytes = 0;
    this.#unanswered += count;
    this.#unansweredBytes += bytes;
    const sent: Promise<void> = call.then(
      (s) => this.#answered(s, drops),
      () => void (this.#drops.write_failed += count),
    ).finally(() => {
      this.#unanswered -= count;
      this.#unansweredBytes -= bytes;
      this.#sending.delete(sent);
    });
    this.#sending.add(sent);
  }
}

/**
 * With several isolates, each counts the requests it was handed, under its own `isolate` label
 * (0 is the main one), so an operator sees how the kernel spread connections.
 */
export function countedByIsolate<A extends unknown[]>(
  metrics: GatewayMetrics,
  isolate: number,
  handle: (req: Request, ...rest: A) => Promise<Response>,
): (req: Request, ...rest: A) => Promise<Response> {
  const served = metrics.registry.counter({
    name: "ongoingai_server_isolate_requests_total",
    help: "Requests handed to each serving isolate (server.workers), by isolate number.",
    labels: ["isolate"],
  });
  const labels = { isolate: String(isolate) };
  return (req, ...rest) => {
    served.add(labels);
    return handle(req, ...rest);
  };
}
