/**
 * One scrape over several isolates (`server.workers`): each isolate's families, summed point by
 * point (counters and histograms: every isolate counted its own requests), except families the
 * caller names as single (the trace writer's figures: there is one writer, which the first
 * isolate's families already describe). Gauges of several isolates take the largest value.
 */
import type { HistogramPoint, MetricFamily, ScalarPoint } from "./registry.ts";

export function mergeFamilies(
  isolates: readonly (readonly MetricFamily[])[],
  single: (name: string) => boolean,
): MetricFamily[] {
  const [first = [], ...rest] = isolates;
  const out = new Map<string, MetricFamily>(first.map((f) => [f.name, copyFamily(f)]));
  for (const families of rest) {
    for (const f of families) {
      const have = out.get(f.name);
      if (have === undefined) out.set(f.name, copyFamily(f));
      else if (!single(f.name)) mergeInto(have, f);
    }
  }
  return [...out.values()];
}

function copyFamily(f: MetricFamily): MetricFamily {
  return f.type === "histogram"
    ? { ...f, points: f.points.map((p) => ({ ...p, counts: [...p.counts] })) }
    : { ...f, points: f.points.map((p) => ({ ...p })) };
}

function mergeInto(into: MetricFamily, from: MetricFamily): void {
  if (into.type !== from.type) return;
  const key = (values: readonly string[]) => JSON.stringify(values);
  if (into.type === "histogram" && from.type === "histogram") {
    if (key(into.buckets.map(String)) !== key(from.buckets.map(String))) return;
    const byKey = new Map<string, HistogramPoint>(into.points.map((p) => [key(p.labelValues), p]));
    for (const p of from.points) {
      const have = byKey.get(key(p.labelValues));
      if (have === undefined) into.points.push({ ...p, counts: [...p.counts] });
      else {
        const counts = have.counts.map((c, i) => c + (p.counts[i] ?? 0));
        Object.assign(have, { counts, sum: have.sum + p.sum, count: have.count + p.count });
      }
    }
    return;
  }
  if (into.type === "histogram" || from.type === "histogram") return;
  const byKey = new Map<string, ScalarPoint>(into.points.map((p) => [key(p.labelValues), p]));
  for (const p of from.points) {
    const have = byKey.get(key(p.labelValues));
    if (have === undefined) into.points.push({ ...p });
    else {
      have.value = into.type === "gauge" ? Math.max(have.value, p.value) : have.value + p.value;
    }
  }
}
