/**
 * The report as one self-contained HTML page: inline CSS, inline SVG, no script, and a Content
 * Security Policy that forbids every request, so the page works offline and a browser refuses
 * anything that would reach out (the test suite opens it in Chromium and checks it asked for
 * nothing). Light and dark colour schemes; printable.
 */
import { type Chart, renderChart } from "./charts.ts";
import { escapeHtml as e } from "./escape.ts";

export interface HtmlReport {
  title: string;
  /** The period, filters and source, in one line. */
  subtitle: string;
  generatedAt: string;
  /** What the report was made with: period, filters, tenant scope, grouping (label, value). */
  madeWith: [label: string, value: string][];
  /** The headline figures, label and value (already formatted: `>=` and "unknown" included). */
  summary: [label: string, value: string][];
  charts: Chart[];
  /** Caveats for the reader (what the figures leave out). */
  notes: string[];
}

const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; " +
  "form-action 'none'";

const css = `
:root { color-scheme: light dark; --fg: #1d2329; --muted: #5b6670; --bg: #ffffff;
  --grid: #d8dde2; --panel: #f4f6f8; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e9ec; --muted: #9aa5ae; --bg: #15191d; --grid: #36404a; --panel: #1e2429; }
}
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); margin: 0 auto; max-width: 980px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 0 0 8px; }
.subtitle, .note, .tick, .empty, summary { color: var(--muted); }
.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
  gap: 8px; margin: 16px 0 24px; padding: 0; list-style: none; }
.summary li { background: var(--panel); border-radius: 6px; padding: 10px 12px; }
.summary .value { display: block; font-size: 18px; font-weight: 600; }
.chart-block { margin: 0 0 32px; break-inside: avoid; }
.made-with { display: flex; flex-wrap: wrap; gap: 4px 20px; margin: 8px 0 0; }
.made-with div { display: flex; gap: 6px; } .made-with dt { color: var(--muted); }
.made-with dd { margin: 0; font-weight: 600; }
/* A long table (a month of days) scrolls in its box, so the charts stay together. */
.scroll { overflow: auto; max-height: 16em; border-bottom: 1px solid var(--grid); }
table.numbers thead th { position: sticky; top: 0; background: var(--bg); }
svg.chart { display: block; max-width: 100%; height: auto; }
svg .grid { stroke: var(--grid); stroke-width: 1; }
svg text { fill: var(--fg); font-size: 11px; } svg .tick, svg .unknown { fill: var(--muted); }
svg .axis { font-size: 12px; }
.legend { list-style: none; padding: 0; margin: 0 0 6px; display: flex; flex-wrap: wrap; gap: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 5px; border-radius: 2px; }
table.numbers { border-collapse: collapse; font-variant-numeric: tabular-nums; margin-top: 6px; }
table.numbers th, table.numbers td { padding: 3px 10px; border-bottom: 1px solid var(--grid);
  text-align: right; } table.numbers th[scope="row"], table.numbers thead th:first-child {
  text-align: left; }
table.numbers th[scope="row"] { white-space: nowrap; }
table.numbers td.detail { text-align: left; font-family: ui-monospace, monospace; font-size: 11px;
  word-break: break-all; user-select: all; }
@media print { body { max-width: none; padding: 0; } details { display: block; }
  .scroll { max-height: none; overflow: visible; }
  details > summary { display: none; } .chart-block { page-break-inside: avoid; } }
`;

export function renderHtmlReport(r: HtmlReport): string {
  const summary = r.summary.map(([label, value]) =>
    `<li><span class="label">${e(label)}</span><span class="value">${e(value)}</span></li>`
  ).join("");
  const notes = r.notes.length === 0
    ? ""
    : `<section class="notes"><h2>Notes</h2><ul>${
      r.notes.map((n) => `<li>${e(n)}</li>`).join("")
    }</ul></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ongoingai report">
<title>${e(r.title)}</title><style>${css}</style></head>
<body><header><h1>${e(r.title)}</h1><p class="subtitle">${e(r.subtitle)} · generated ${
    e(r.generatedAt)
  }</p></header>
<dl class="made-with">${
    r.madeWith.map(([label, value]) => `<div><dt>${e(label)}</dt><dd>${e(value)}</dd></div>`)
      .join("")
  }</dl>
<ul class="summary">${summary}</ul>
${r.charts.map(renderChart).join("\n")}
${notes}
</body></html>
`;
}
