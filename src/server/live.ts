/**
 * `GET /api/live`'s figures for one process (issue 25): the live window every trace built here is
 * offered to, the requests open in every isolate, and the trace writer's queue and drops.
 *
 * One window per process, kept by the main isolate across reloads: with `server.workers` > 1 the
 * workers' traces reach it with the batches they forward to the main writer (serve_workers.ts),
 * and a worker answers `/api/live` by asking the main isolate (serve_worker.ts). Each isolate
 * counts its own open requests; the main isolate asks the workers for theirs when it answers.
 */
import { liveBody, type LiveRequest, type LiveSource } from "../api/mod.ts";
import type { Exchange } from "../proxy/mod.ts";
import {
  DropSamples,
  LiveWindow,
  openIn,
  type OpenTally,
  tallyOpen,
  type TenantScope,
  type TraceRecord,
  type TraceWriterSnapshot,
} from "../traces/mod.ts";

export interface GatewayLive {
  /**
   * Told of every trace this isolate builds; null in a serving worker, whose traces reach the
   * main isolate's window with the batches it forwards.
   */
  offer: ((t: TraceRecord) => void) | null;
  source: LiveSource;
}

export interface ProcessLiveOptions {
  /** Epoch ms. */
  now(): number;
  startedAt: number;
  /** The writer as the process reports it (the workers' drops included). */
  writer: { snapshot(): TraceWriterSnapshot };
  /** This isolate's open exchanges, over every config generation still serving. */
  exchanges(): Iterable<Exchange>;
  /** The tenant of each WebSocket relay open in this isolate, likewise. */
  relays(): Iterable<TenantScope>;
  /** The serving workers' tallies (each its last known when it does not answer in time). */
  workers?: () => Promise<OpenTally[][]>;
  /** The window's entry cap (tests); default `defaultLiveEntries`. */
  maxEntries?: number;
}

/** How often, at most, the writer's dropped total is sampled from the hot path. */
const sampleEveryMs = 1_000;

/** The main isolate's (or a lone gateway's) live figures. */
export function processLive(o: ProcessLiveOptions): GatewayLive {
  const window = new LiveWindow({
    now: o.now,
    startedAt: o.startedAt,
    ...(o.maxEntries === undefined ? {} : { maxEntries: o.maxEntries }),
  });
  const drops = new DropSamples(o.startedAt);
  let nextSample = 0;
  // A minute's drops need the total as it was a minute ago: sampled with traffic (at most once a
  // second, the snapshot's cost spread over the traces of that second) and with every query.
  const sample = (now: number) => {
    nextSample = now + sampleEveryMs;
    const s = o.writer.snapshot();
    drops.observe(now, s.dropped);
    return s;
  };
  return {
    offer(t) {
      const now = window.offer(t);
      if (now >= nextSample) sample(now);
    },
    async source(r: LiveRequest) {
      const workers = o.workers === undefined ? [] : await o.workers();
      const now = o.now();
      const s = sample(now);
      const open = openIn([openTallies(o.exchanges(), o.relays()), ...workers], r.scope);
      return liveBody(r, {
        now,
        startedAt: o.startedAt,
        view: window.query(r),
        open,
        pipeline: r.pipeline
          ? {
            queue_depth: s.queue_depth,
            queue_capacity: s.queue_capacity,
            dropped_total: s.dropped,
            dropped_last_minute: drops.lastMinute(now, s.dropped),
          }
          : null,
      });
    },
  };
}

/**
 * The main isolate's: one window for the process, every isolate's traces, across reloads; open
 * requests of every live generation here and of every worker.
 */
export function mainLive(
  startedAt: number,
  writer: { snapshot(): TraceWriterSnapshot },
  generations: () => OpenParts | null,
  pool: { readonly current: { open(): Promise<OpenTally[][]> } | null },
): GatewayLive {
  return processLive({
    now: Date.now,
    startedAt,
    writer,
    exchanges: () => generations()?.exchanges() ?? [],
    relays: () => generations()?.relays() ?? [],
    workers: () => pool.current?.open() ?? Promise.resolve([]),
  });
}

/** What an isolate has open: exchanges, and the tenants of its WebSocket relays. */
export interface OpenParts {
  exchanges(): Iterable<Exchange>;
  relays(): Iterable<TenantScope>;
}

/** This isolate's open requests and relays, tallied per tenant (also a worker's answer). */
export function openTallies(
  exchanges: Iterable<Exchange>,
  relays: Iterable<TenantScope>,
): OpenTally[] {
  return tallyOpen(openOf(exchanges), relays);
}

/** A stream once the answer's headers say so (the attempt's framing); before that, a request. */
function* openOf(exchanges: Iterable<Exchange>) {
  for (const ex of exchanges) {
    yield { tenant: ex.tenant, streaming: ex.attempt?.eventStream ?? false };
  }
}

/**
 * The main isolate's ask of every worker's open requests: a worker that does not answer within
 * `limitMs` counts with its last answer; one that ended counts no more (its requests ended).
 */
export function workersOpen(limitMs: number) {
  const last = new Map<number, OpenTally[]>();
  return {
    ask(
      slots:
        readonly ({ rpc: { callWithin<T>(ms: number, op: string): Promise<T> } } | undefined)[],
    ): Promise<OpenTally[][]> {
      return Promise.all(slots.map(async (slot, i) => {
        if (slot === undefined) return [];
        try {
          const got = await slot.rpc.callWithin<OpenTally[]>(limitMs, "open");
          last.set(i + 1, got);
          return got;
        } catch {
          return last.get(i + 1) ?? [];
        }
      }));
    },
    ended(index: number): void {
      last.delete(index);
    },
  };
}
