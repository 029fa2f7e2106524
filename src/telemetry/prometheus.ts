/**
 * The Prometheus text exposition format, version 0.0.4: `# HELP` and `# TYPE` per family, one
 * line per sample, histograms as cumulative `_bucket{le="..."}` lines plus `_sum` and `_count`.
 */
import type { MetricFamily } from "./registry.ts";

export const prometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => c === "\n" ? "\\n" : `\\${c}`);
}

export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => c === "\n" ? "\\n" : "\\\\");
}

export function formatValue(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

function labelSet(names: readonly string[], values: readonly string[], extra = ""): string {
  const parts = names.map((n, i) => `${n}="${escapeLabelValue(values[i] ?? "")}"`);
  if (extra !== "") parts.push(extra);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

export function renderPrometheus(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    if (f.type !== "histogram") {
      for (const p of f.points) {
        lines.push(`${f.name}${labelSet(f.labelNames, p.labelValues)} ${formatValue(p.value)}`);
      }
      continue;
    }
    for (const p of f.points) {
      let cumulative = 0;
      f.buckets.forEach((le, i) => {
        cumulative += p.counts[i] ?? 0;
        const labels = labelSet(f.labelNames, p.labelValues, `le="${formatValue(le)}"`);
        lines.push(`${f.name}_bucket${labels} ${cumulative}`);
      });
      const inf = labelSet(f.labelNames, p.labelValues, `le="+Inf"`);
      lines.push(`${f.name}_bucket${inf} ${p.count}`);
      const own = labelSet(f.labelNames, p.labelValues);
      lines.push(`${f.name}_sum${own} ${formatValue(p.sum)}`, `${f.name}_count${own} ${p.count}`);
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
