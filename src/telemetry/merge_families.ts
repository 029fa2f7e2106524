/**
 * One scrape over several isolates (`server.workers`): each isolate's families, summed point by
 * point (counters and histograms: every isolate counted its own requests), except families the
 * caller names as single (the trace writer's figures: there is one writer, which the first
 * isolate's families already describe). Gauges made by up-down counters (`additive`) add up too;
 * other gauges (a setting, a last reading) take the largest value. Series are matched by label
 * name and value, so two isolates that learned an instrument's labels in another order (labels
 * named at first use) still meet; a label one isolate lacks is empty there.
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

/**
 * What an isolate that ended leaves in every later scrape: its counters and histograms (a
 * counter that fell back would read as a reset), not its gauges (its open streams are gone).
 */
export function cumulativeOnly(families: readonly MetricFamily[]): MetricFamily[] {
  return families.filter((f) => f.type !== "gauge").map(copyFamily);
}

function copyFamily(f: MetricFamily): MetricFamily {
  return f.type === "histogram"
    ? { ...f, points: f.points.map((p) => ({ ...p, counts: [...p.counts] })) }
    : { ...f, points: f.points.map((p) => ({ ...p })) };
}

function mergeInto(into: MetricFamily, from: MetricFamily): void {
  if (into.type !== from.type) return;
  const fromValues = alignLabels(into, from);
  const key = (values: readonly string[]) => JSON.stringify(values);
  if (into.type === "histogram" && from.type === "histogram") {
    if (key(into.buckets.map(String)) !== key(from.buckets.map(String))) return;
    const byKey = new Map<string, HistogramPoint>(into.points.map((p) => [key(p.labelValues), p]));
    from.points.forEach((p, i) => {
      const labelValues = fromValues[i]!;
      const have = byKey.get(key(labelValues));
      if (have === undefined) into.points.push({ ...p, labelValues, counts: [...p.counts] });
      else {
        const counts = have.counts.map((c, b) => c + (p.counts[b] ?? 0));
        Object.assign(have, { counts, sum: have.sum + p.sum, count: have.count + p.count });
      }
    });
    return;
  }
  if (into.type === "histogram" || from.type === "histogram") return;
  const adds = into.type === "counter" || into.additive === true;
  const byKey = new Map<string, ScalarPoint>(into.points.map((p) => [key(p.labelValues), p]));
  from.points.forEach((p, i) => {
    const labelValues = fromValues[i]!;
    const have = byKey.get(key(labelValues));
    if (have === undefined) into.points.push({ ...p, labelValues });
    else have.value = adds ? have.value + p.value : Math.max(have.value, p.value);
  });
}

/**
 * Puts `from`'s points in `into`'s label order, first widening `into` by any label name only
 * `from` has (its points get the empty value there). Returns `from`'s label values, aligned.
 */
function alignLabels(into: MetricFamily, from: MetricFamily): string[][] {
  const same = into.labelNames.length === from.labelNames.length &&
    into.labelNames.every((n, i) => from.labelNames[i] === n);
  if (same) return from.points.map((p) => [...p.labelValues]);
  const extra = from.labelNames.filter((n) => !into.labelNames.includes(n));
  if (extra.length > 0) {
    into.labelNames = [...into.labelNames, ...extra];
    for (const p of into.points) p.labelValues = [...p.labelValues, ...extra.map(() => "")];
  }
  return from.points.map((p) =>
    into.labelNames.map((n) => {
      const at = from.labelNames.indexOf(n);
      return at < 0 ? "" : p.labelValues[at] ?? "";
    })
  );
}
