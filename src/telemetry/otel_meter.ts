/**
 * The gateway's own implementation of the OpenTelemetry metrics API (`MeterProvider`, `Meter`)
 * over its metrics registry (registry.ts), so that instruments made through the API show in the
 * Prometheus scrape and the OTLP metric push like the gateway's: label values scrubbed, series
 * bounded, names in Prometheus form (`http.server.duration` becomes `http_server_duration`).
 *
 * Counters and histograms are the registry's; gauges and up-down counters (synchronous or
 * observed) are families computed at collection time. An instrument's label names are fixed when
 * it is made: `labels` in its options (the gateway's own instruments, which also name the labels
 * kept on overflow), else the attribute keys of its first recording (later keys are ignored, a
 * missing one reads `unknown`). Making an instrument twice returns the first; a name taken by an
 * instrument of another kind, or invalid, gives one that records nothing. Histograms take their
 * buckets from `advice.explicitBucketBoundaries`, else OpenTelemetry's default buckets.
 */
import type {
  Attributes,
  BatchObservableCallback,
  Counter,
  Gauge,
  Histogram,
  Meter,
  MeterProvider,
  MetricOptions,
  Observable,
  ObservableCallback,
  UpDownCounter,
} from "@opentelemetry/api";
import {
  type MetricFamily,
  type MetricsRegistry,
  overflowLabel,
  type ScalarPoint,
} from "./registry.ts";
import { scrubLabelValue } from "./scrub.ts";

export interface GatewayMetricOptions extends MetricOptions {
  /** Label names in order; default: the keys of the first recording's attributes. */
  labels?: readonly string[];
  /** Labels kept as they are past the series bound (closed sets such as a status code). */
  keepOnOverflow?: readonly string[];
}

/** OpenTelemetry's default explicit bucket boundaries. */
const defaultBuckets = [
  0,
  5,
  10,
  25,
  50,
  75,
  100,
  250,
  500,
  750,
  1000,
  2500,
  5000,
  7500,
  10000,
];

/** An OpenTelemetry name or attribute key in Prometheus form. */
export function prometheusName(name: string): string {
  const out = name.replace(/[^a-zA-Z0-9_:]/g, "_");
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

type Labelled = Readonly<Record<string, string | number>>;

/** Attributes keyed by Prometheus label names (only for instruments not made by the gateway). */
function relabel(attributes: Attributes | undefined): Labelled {
  const out: Record<string, string | number> = {};
  for (const key in attributes) {
    const v = attributes[key];
    if (v !== undefined && v !== null) {
      out[prometheusName(key)] = typeof v === "number" ? v : String(v);
    }
  }
  return out;
}

const noop = {
  add() {},
  record() {},
  addCallback() {},
  removeCallback() {},
};

/** Label names fixed up front (`labels`) or at the first recording. */
function labelling(opts: GatewayMetricOptions | undefined) {
  const given = opts?.labels;
  return {
    given,
    names: (attributes: Attributes | undefined) =>
      given ?? Object.keys(attributes ?? {}).map(prometheusName),
    values: given === undefined ? relabel : (a: Attributes | undefined) => (a ?? {}) as Labelled,
  };
}

/** Last-value or running-sum series read at collection time, bounded like the registry's. */
class ValueSeries {
  readonly #points = new Map<string, ScalarPoint & { value: number }>();
  constructor(readonly max: number) {}

  update(labelValues: string[], f: (old: number) => number): void {
    let key = JSON.stringify(labelValues);
    let point = this.#points.get(key);
    if (point === undefined && this.#points.size >= this.max) {
      labelValues = labelValues.map(() => overflowLabel);
      key = JSON.stringify(labelValues);
      point = this.#points.get(key);
    }
    if (point === undefined) this.#points.set(key, point = { labelValues, value: 0 });
    point.value = f(point.value);
  }

  points(): ScalarPoint[] {
    return [...this.#points.values()].map((p) => ({ labelValues: p.labelValues, value: p.value }));
  }
}

class ObservableInstrument implements Observable {
  readonly callbacks = new Set<ObservableCallback>();
  readonly batches = new Set<BatchObservableCallback>();
  addCallback(callback: ObservableCallback): void {
    this.callbacks.add(callback);
  }
  removeCallback(callback: ObservableCallback): void {
    this.callbacks.delete(callback);
  }
}

export class GatewayMeter implements Meter {
  readonly #instruments = new Map<string, { kind: string; instrument: unknown }>();

  constructor(readonly registry: MetricsRegistry) {}

  #make<T>(name: string, kind: string, make: (name: string) => T): T {
    const prom = prometheusName(name);
    const known = this.#instruments.get(prom);
    if (known !== undefined) return (known.kind === kind ? known.instrument : noop) as T;
    let instrument: T;
    try {
      instrument = make(prom);
    } catch {
      instrument = noop as T;
    }
    this.#instruments.set(prom, { kind, instrument });
    return instrument;
  }

  createCounter(name: string, opts?: GatewayMetricOptions): Counter {
    return this.#make(name, "counter", (prom) => {
      const l = labelling(opts);
      const make = (labels: readonly string[]) =>
        this.registry.counter({ name: prom, help: opts?.description ?? "", labels, ...keep(opts) });
      let counter = l.given === undefined ? null : make(l.given);
      return {
        add: (value: number, attributes?: Attributes) => {
          counter ??= lazily(() => make(l.names(attributes)));
          counter?.add(l.values(attributes), value);
        },
      };
    });
  }

  createHistogram(name: string, opts?: GatewayMetricOptions): Histogram {
    return this.#make(name, "histogram", (prom) => {
      const l = labelling(opts);
      const buckets = opts?.advice?.explicitBucketBoundaries ?? defaultBuckets;
      const make = (labels: readonly string[]) =>
        this.registry.histogram({
          name: prom,
          help: opts?.description ?? "",
          labels,
          buckets,
          ...keep(opts),
        });
      let histogram = l.given === undefined ? null : make(l.given);
      return {
        record: (value: number, attributes?: Attributes) => {
          histogram ??= lazily(() => make(l.names(attributes)));
          histogram?.observe(l.values(attributes), value);
        },
      };
    });
  }

  createUpDownCounter(name: string, opts?: GatewayMetricOptions): UpDownCounter {
    const add = this.#valueFamily(name, "updown", opts, (v) => (old) => old + v);
    return { add: (value, attributes) => add(value, attributes) };
  }

  createGauge(name: string, opts?: GatewayMetricOptions): Gauge {
    const record = this.#valueFamily(name, "gauge", opts, (v) => () => v);
    return { record: (value, attributes) => record(value, attributes) };
  }

  #valueFamily(
    name: string,
    kind: string,
    opts: GatewayMetricOptions | undefined,
    update: (value: number) => (old: number) => number,
  ): (value: number, attributes?: Attributes) => void {
    return this.#make(name, kind, (prom) => {
      const l = labelling(opts);
      const series = new ValueSeries(this.registry.maxSeries);
      let labelNames = l.given ?? null;
      this.registry.family(prom, () => ({
        type: "gauge",
        name: prom,
        help: opts?.description ?? "",
        labelNames: labelNames ?? [],
        points: series.points(),
        ...(kind === "updown" ? { additive: true } : {}),
      }));
      return (value: number, attributes?: Attributes) => {
        if (!Number.isFinite(value)) return;
        labelNames ??= l.names(attributes);
        const labels = l.values(attributes);
        series.update(
          labelNames.map((n) => scrubLabelValue(String(labels[n] ?? ""))),
          update(value),
        );
      };
    });
  }

  createObservableGauge(name: string, opts?: GatewayMetricOptions): Observable {
    return this.#observable(name, "gauge", opts);
  }

  createObservableCounter(name: string, opts?: GatewayMetricOptions): Observable {
    return this.#observable(name, "counter", opts);
  }

  createObservableUpDownCounter(name: string, opts?: GatewayMetricOptions): Observable {
    return this.#observable(name, "updown-observed", opts);
  }

  #observable(name: string, kind: string, opts: GatewayMetricOptions | undefined): Observable {
    return this.#make(name, kind, (prom) => {
      const observable = new ObservableInstrument();
      const l = labelling(opts);
      this.registry.family(prom, () => observed(prom, kind, opts, l, observable));
      return observable;
    });
  }

  addBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    for (const o of observables) if (o instanceof ObservableInstrument) o.batches.add(callback);
  }

  removeBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]) {
    for (const o of observables) if (o instanceof ObservableInstrument) o.batches.delete(callback);
  }
}

function keep(opts: GatewayMetricOptions | undefined) {
  return opts?.keepOnOverflow === undefined ? {} : { keepOnOverflow: opts.keepOnOverflow };
}

/** A registry instrument made at first use; null when the registry refuses it. */
function lazily<T>(make: () => T): T | null {
  try {
    return make();
  } catch {
    return null;
  }
}

/** One collection of an observable: its callbacks run now (a promise they return is ignored). */
function observed(
  name: string,
  kind: string,
  opts: GatewayMetricOptions | undefined,
  l: ReturnType<typeof labelling>,
  observable: ObservableInstrument,
): MetricFamily {
  const seen: [Attributes | undefined, number][] = [];
  const result = {
    observe: (value: number, attributes?: Attributes) => seen.push([attributes, value]),
  };
  for (const callback of observable.callbacks) void callback(result);
  for (const batch of observable.batches) {
    void batch({
      observe: (o, value, attributes) => o === observable && seen.push([attributes, value]),
    });
  }
  const labelNames = l.given ?? l.names(seen[0]?.[0]);
  return {
    type: kind === "counter" ? "counter" : "gauge",
    ...(kind === "updown-observed" ? { additive: true } : {}),
    name,
    help: opts?.description ?? "",
    labelNames,
    points: seen.map(([attributes, value]) => {
      const labels = l.values(attributes);
      return {
        labelValues: labelNames.map((n) => scrubLabelValue(String(labels[n] ?? ""))),
        value,
      };
    }),
  };
}

/** Every meter of the provider records into one registry (the scope name is not exported). */
export class GatewayMeterProvider implements MeterProvider {
  readonly #meter: GatewayMeter;

  constructor(registry: MetricsRegistry) {
    this.#meter = new GatewayMeter(registry);
  }

  getMeter(): GatewayMeter {
    return this.#meter;
  }
}

const meters = new WeakMap<MetricsRegistry, GatewayMeterProvider>();

/** The meter provider over `registry` (one per registry, so instruments are made once). */
export function meterProviderOf(registry: MetricsRegistry): GatewayMeterProvider {
  let provider = meters.get(registry);
  if (provider === undefined) meters.set(registry, provider = new GatewayMeterProvider(registry));
  return provider;
}
