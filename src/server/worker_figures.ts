/**
 * What the serving workers (`server.workers` > 1) reported to the main isolate, kept there so
 * that the process's figures stay whole when a worker hangs, fails or is started again:
 *
 * - trace drops a worker counted before its traces reached the main writer (its own queue was
 *   full, a batch the main isolate never took, bodies left out over the worker's body budget):
 *   added to the main writer's figures, which `/api/health` and `ongoingai_trace_*` read;
 * - each worker's last metric families: a scrape uses them when the worker does not answer in
 *   time, and a worker that ended leaves its counters in every later scrape (a counter that fell
 *   back would read as a reset to Prometheus).
 */
import { cumulativeOnly, mergeFamilies, type MetricFamily } from "../telemetry/mod.ts";
import type { TraceWriterSnapshot } from "../traces/mod.ts";
import { overriding } from "./overriding.ts";

/** A worker's drops since it started (each only grows). */
export interface ForwardedDrops {
  queue_full: number;
  write_failed: number;
  bodies_dropped: number;
}

export const noDrops: ForwardedDrops = { queue_full: 0, write_failed: 0, bodies_dropped: 0 };

/** `f` of each figure of `a` and `b`. */
function eachDrop(
  a: ForwardedDrops,
  b: ForwardedDrops,
  f: (x: number, y: number) => number,
): ForwardedDrops {
  return {
    queue_full: f(a.queue_full, b.queue_full),
    write_failed: f(a.write_failed, b.write_failed),
    bodies_dropped: f(a.bodies_dropped, b.bodies_dropped),
  };
}

export const addDrops = (a: ForwardedDrops, b: ForwardedDrops) => eachDrop(a, b, (x, y) => x + y);
/** Each figure the larger of the two: reports may arrive out of order, totals only grow. */
export const laterDrops = (a: ForwardedDrops, b: ForwardedDrops) => eachDrop(a, b, Math.max);
export const subtractDrops = (a: ForwardedDrops, b: ForwardedDrops) =>
  eachDrop(a, b, (x, y) => x - y);

/**
 * A writer's figures with drops counted elsewhere added: a trace refused before the writer is
 * `rejected` (queue_full), one accepted and then lost is `dropped_after_accept` (write_failed).
 */
export function withDrops(s: TraceWriterSnapshot, d: ForwardedDrops): TraceWriterSnapshot {
  if (d.queue_full === 0 && d.write_failed === 0 && d.bodies_dropped === 0) return s;
  const by = s.dropped_by_reason;
  return {
    ...s,
    rejected: s.rejected + d.queue_full,
    dropped_after_accept: s.dropped_after_accept + d.write_failed,
    dropped: s.dropped + d.queue_full + d.write_failed,
    dropped_by_reason: {
      ...by,
      queue_full: by.queue_full + d.queue_full,
      write_failed: by.write_failed + d.write_failed,
    },
    bodies_dropped: s.bodies_dropped + d.bodies_dropped,
  };
}

export class WorkerFigures {
  #drops = new Map<number, ForwardedDrops>();
  #retiredDrops = noDrops;
  #families = new Map<number, MetricFamily[]>();
  #retiredFamilies: MetricFamily[] = [];

  constructor(private readonly single: (name: string) => boolean) {}

  /** Worker `index` reports its drops so far. */
  reportDrops(index: number, drops: ForwardedDrops): void {
    this.#drops.set(index, laterDrops(this.#drops.get(index) ?? noDrops, drops));
  }

  /** Every worker's drops, those of ended workers included. */
  drops(): ForwardedDrops {
    let sum = this.#retiredDrops;
    for (const d of this.#drops.values()) sum = addDrops(sum, d);
    return sum;
  }

  /** Worker `index` answered a scrape with `families`; they stand in when it next does not. */
  remember(index: number, families: MetricFamily[]): void {
    this.#families.set(index, families);
  }

  lastFamilies(index: number): MetricFamily[] | null {
    return this.#families.get(index) ?? null;
  }

  /** Counters and histograms of workers that ended, summed. */
  retiredFamilies(): MetricFamily[] {
    return this.#retiredFamilies;
  }

  /** Worker `index` ended: what it reported stays counted; a new worker there starts from 0. */
  retire(index: number): void {
    this.#retiredDrops = addDrops(this.#retiredDrops, this.#drops.get(index) ?? noDrops);
    this.#drops.delete(index);
    const last = this.#families.get(index);
    this.#families.delete(index);
    if (last === undefined) return;
    const keep = cumulativeOnly(last.filter((f) => !this.single(f.name)));
    this.#retiredFamilies = mergeFamilies([this.#retiredFamilies, keep], () => false);
  }
}

/** The trace writer's families: one writer, described by the main isolate alone. */
export const writerFamily = (name: string) => name.startsWith("ongoingai_trace_");

/** The main writer as the process reports it: its figures plus the workers' drops. */
export function countingWorkerDrops<W extends { snapshot(): TraceWriterSnapshot }>(
  writer: W,
  figures: WorkerFigures,
): W {
  const snapshot = () => withDrops(writer.snapshot(), figures.drops());
  return overriding(writer, { snapshot } as Partial<W>);
}
