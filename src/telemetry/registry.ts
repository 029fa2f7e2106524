/**
 * A small metrics registry: counters, fixed-bucket histograms and observed values (read at
 * collection time), each with a closed set of label names. `collect()` returns plain data that
 * any exporter renders (the Prometheus text format now; OTLP can read the same snapshot).
 *
 * Label values are scrubbed (scrub.ts), and the number of label sets per instrument is bounded:
 * past `maxSeriesPerInstrument`, a new set is recorded under `other` (its `keepOnOverflow`
 * labels, closed sets such as a status code, are kept), and
 * `ongoingai_telemetry_series_overflow_total{metric}` counts each such recording. So a client
 * sending a fresh model name per request cannot grow memory without bound.
 */
import { scrubLabelValue } from "./scrub.ts";

export type Labels<L extends string> = Readonly<Record<L, string | number>>;

export interface InstrumentSpec<L extends string> {
  name: string;
  help: string;
  labels: readonly L[];
  /** Labels whose values are a closed set, kept as they are when the series bound is reached. */
  keepOnOverflow?: readonly L[];
}

export interface HistogramSpec<L extends string> extends InstrumentSpec<L> {
  /** Upper bounds, ascending; `+Inf` is implied. */
  buckets: readonly number[];
}

export interface ObservedSpec<L extends string> extends InstrumentSpec<L> {
  type: "counter" | "gauge";
}

export interface Counter<L extends string> {
  add(labels: Labels<L>, value?: number): void;
}

export interface Histogram<L extends string> {
  observe(labels: Labels<L>, value: number): void;
}

export interface ScalarPoint {
  labelValues: readonly string[];
  value: number;
}

export interface HistogramPoint {
  labelValues: readonly string[];
  /** Per bucket, not cumulative; one more than `buckets` (the `+Inf` bucket). */
  counts: readonly number[];
  sum: number;
  count: number;
}

interface FamilyBase {
  name: string;
  help: string;
  labelNames: readonly string[];
}

export type MetricFamily =
  | FamilyBase & {
    type: "counter" | "gauge";
    points: ScalarPoint[];
    /**
     * A gauge whose values add up across isolates (an up-down counter: open streams, items in
     * a queue), where a plain gauge's (a setting, a last reading) do not.
     */
    additive?: boolean;
  }
  | FamilyBase & { type: "histogram"; buckets: readonly number[]; points: HistogramPoint[] };

export const overflowLabel = "other";
export const defaultMaxSeries = 2000;

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label sets of one instrument, scrubbed and bounded. */
class SeriesMap<S> {
  readonly series = new Map<string, { labelValues: string[]; state: S }>();
  readonly #keep: boolean[];

  constructor(
    readonly labelNames: readonly string[],
    keep: readonly string[],
    readonly max: number,
    readonly onOverflow: () => void,
    readonly init: () => S,
  ) {
    this.#keep = labelNames.map((n) => keep.includes(n));
  }

  get(labels: Readonly<Record<string, string | number>>): S {
    let values = this.labelNames.map((n) => scrubLabelValue(String(labels[n] ?? "")));
    let key = JSON.stringify(values);
    let entry = this.series.get(key);
    if (entry !== undefined) return entry.state;
    if (this.series.size >= this.max) {
      this.onOverflow();
      values = values.map((v, i) => this.#keep[i] ? v : overflowLabel);
      key = JSON.stringify(values);
      entry = this.series.get(key);
      if (entry !== undefined) return entry.state;
    }
    entry = { labelValues: values, state: this.init() };
    this.series.set(key, entry);
    return entry.state;
  }
}

type Collector = () => MetricFamily;

export class MetricsRegistry {
  readonly maxSeries: number;
  readonly #collectors: Collector[] = [];
  readonly #names = new Set<string>();
  readonly #overflow: Counter<"metric">;

  constructor(opts: { maxSeriesPerInstrument?: number } = {}) {
    this.maxSeries = opts.maxSeriesPerInstrument ?? defaultMaxSeries;
    // Unbounded: its one label holds names of this registry's own instruments.
    this.#overflow = this.#counter({
      name: "ongoingai_telemetry_series_overflow_total",
      help: "Recordings folded into the `other` series because an instrument had too many " +
        "label sets.",
      labels: ["metric"],
    }, Infinity);
  }

  counter<L extends string>(spec: InstrumentSpec<L>): Counter<L> {
    return this.#counter(spec, this.maxSeries);
  }

  #counter<L extends string>(spec: InstrumentSpec<L>, max: number): Counter<L> {
    const map = this.#series(spec, max, () => ({ value: 0 }));
    this.#collectors.push(() => ({
      type: "counter",
      ...base(spec),
      points: [...map.series.values()].map((s) => ({
        labelValues: s.labelValues,
        value: s.state.value,
      })),
    }));
    return {
      add(labels, value = 1) {
        if (!(value >= 0) || !Number.isFinite(value)) return;
        map.get(labels).value += value;
      },
    };
  }

  histogram<L extends string>(spec: HistogramSpec<L>): Histogram<L> {
    const buckets = [...spec.buckets];
    if (buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new Error(`${spec.name}: buckets must be finite and ascending`);
    }
    if ((spec.labels as readonly string[]).includes("le")) {
      throw new Error(`${spec.name}: "le" is reserved for histogram buckets`);
    }
    const map = this.#series(spec, this.maxSeries, () => ({
      counts: new Array<number>(buckets.length + 1).fill(0),
      sum: 0,
      count: 0,
    }));
    this.#collectors.push(() => ({
      type: "histogram",
      ...base(spec),
      buckets,
      points: [...map.series.values()].map((s) => ({
        labelValues: s.labelValues,
        counts: [...s.state.counts],
        sum: s.state.sum,
        count: s.state.count,
      })),
    }));
    return {
      observe(labels, value) {
        // A non-finite sum would poison the series for good (every later scrape and push).
        if (!Number.isFinite(value)) return;
        const s = map.get(labels);
        let i = 0;
        while (i < buckets.length && value > buckets[i]!) i++;
        s.counts[i]!++;
        s.sum += value;
        s.count++;
      },
    };
  }

  /** Values read at collection time (queue depth, writer totals), from closed label sets. */
  observe<L extends string>(
    spec: ObservedSpec<L>,
    read: () => Iterable<readonly [Labels<L>, number]>,
  ): void {
    this.#register(spec);
    this.#collectors.push(() => ({
      type: spec.type,
      ...base(spec),
      points: [...read()].map(([labels, value]) => ({
        labelValues: spec.labels.map((n) => scrubLabelValue(String(labels[n]))),
        value,
      })),
    }));
  }

  /**
   * A family its owner computes at collection time (the OpenTelemetry meter's gauges and
   * up-down counters, otel_meter.ts), scrubbing and bounding its own label values.
   */
  family(name: string, collect: () => MetricFamily): void {
    this.#register({ name, help: "", labels: [] });
    this.#collectors.push(collect);
  }

  collect(): MetricFamily[] {
    return this.#collectors.map((c) => c());
  }

  #series<L extends string, S>(
    spec: InstrumentSpec<L>,
    max: number,
    init: () => S,
  ): SeriesMap<S> {
    this.#register(spec);
    return new SeriesMap(
      spec.labels,
      spec.keepOnOverflow ?? [],
      max,
      () => this.#overflow.add({ metric: spec.name }),
      init,
    );
  }

  #register(spec: InstrumentSpec<string>): void {
    if (!metricName.test(spec.name)) throw new Error(`invalid metric name ${spec.name}`);
    if (this.#names.has(spec.name)) throw new Error(`metric ${spec.name} registered twice`);
    for (const l of spec.labels) {
      if (!labelName.test(l) || l.startsWith("__")) {
        throw new Error(`${spec.name}: invalid label name ${l}`);
      }
    }
    if (new Set(spec.labels).size !== spec.labels.length) {
      throw new Error(`${spec.name}: label names repeat`);
    }
    this.#names.add(spec.name);
  }
}

function base(spec: InstrumentSpec<string>): FamilyBase {
  return { name: spec.name, help: spec.help, labelNames: spec.labels };
}
