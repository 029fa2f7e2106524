/**
 * Charts as inline SVG with the table of their numbers beneath (for screen readers, for copying,
 * and for a reader who distrusts a bar). Pure: a chart's data in, its HTML out. Every value the
 * chart shows is also a table cell whose `data-value` holds the exact number; unknown is `null`
 * and shows as "unknown", never as a zero-length bar.
 */
import { escapeHtml as e } from "./escape.ts";

export interface Series {
  name: string;
  /** One value per category; null: unknown (not priced, usage not read). */
  values: (number | null)[];
}

export interface Chart {
  id: string;
  title: string;
  /** What one unit of the value axis is: `USD`, `tokens`, `ms`, `%`. */
  unit: string;
  /** The category axis' label: `day (UTC)`, `model`. */
  categoryLabel: string;
  categories: string[];
  /** Stacked in this order; one series draws plain bars. */
  series: Series[];
  /** Horizontal bars (long labels: models, keys), else vertical (time). */
  horizontal?: boolean;
  /**
   * Lines instead of stacked bars, for figures that do not add up (percentiles): one line per
   * series, broken where a value is null. No total column.
   */
  line?: boolean;
  /** Short labels for the category axis' ticks (time slots); the table keeps `categories`. */
  ticks?: string[];
  /** What a null value means in this chart's table: "unknown" unless said (`no requests`). */
  nullText?: string;
  /**
   * More columns of the table, not drawn: what a figure leaves out (unpriced, unknown usage),
   * request counts. Values are counts unless `unit` says otherwise; null reads as `nullText`.
   */
  columns?: { name: string; unit?: string; values: (number | null)[] }[];
  /**
   * A text column of the table after the category, not drawn: what a short axis label stands
   * for in full, to copy (a key's whole fingerprint for `report --key`).
   */
  detail?: { name: string; values: string[] };
  /** A note under the chart: what the figures leave out (unpriced, unknown usage). */
  note?: string;
}

/** At most this many series have their own colour; more share the last one, named "other". */
export const palette = [
  "#2f6fb3",
  "#d9822b",
  "#3f9e5a",
  "#b8433f",
  "#7b5ea7",
  "#8c6d4f",
  "#5f7f8c",
];

const width = 720;
const plotLeft = 190;
const plotRight = 20;
const rowHeight = 22;
/** A horizontal bar's label is cut to what fits left of the plot at 11px (the table has it all). */
const labelChars = 27;

/** A number as the table shows it: USD to the micro-dollar, others grouped. */
export function formatValue(v: number | null, unit: string): string {
  if (v === null) return "unknown";
  if (unit === "USD") return `$${v.toFixed(6)}`;
  if (unit === "%") return `${(v * 100).toFixed(2)}%`;
  return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(3);
}

/** A round step of about a fifth of `max`, for the value axis' ticks. */
export function tickStep(max: number): number {
  if (!(max > 0)) return 1;
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  return step;
}

function totals(c: Chart): number[] {
  return c.categories.map((_, i) => c.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
}

/** The value axis' ticks from 0 to at least `max`, a round step apart. */
function ticks(max: number): number[] {
  const step = tickStep(max);
  const out: number[] = [0];
  while (out.at(-1)! < max && out.length <= 10) {
    out.push(Number((out.length * step).toPrecision(12)));
  }
  return out.length < 2 ? [0, step] : out;
}

function legend(c: Chart): string {
  if (c.series.length < 2 && !c.line) return "";
  const items = c.series.map((s, i) =>
    `<li><span class="swatch" style="background:${
      palette[Math.min(i, palette.length - 1)]
    }"></span>${e(s.name)}</li>`
  );
  return `<ul class="legend">${items.join("")}</ul>`;
}

/** One stacked piece of a category's bar: where it starts and ends on the value axis. */
interface Segment {
  from: number;
  to: number;
  colour: string;
  /** The tooltip: category, series and value. */
  label: string;
}

/** The category's known positive values stacked in series order (zero and unknown draw none). */
function segments(c: Chart, i: number): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  c.series.forEach((s, k) => {
    const v = s.values[i];
    if (v === null || v === undefined || v <= 0) return;
    out.push({
      from: at,
      to: at + v,
      colour: palette[Math.min(k, palette.length - 1)]!,
      label: `${c.categories[i]}, ${s.name}: ${formatValue(v, c.unit)}`,
    });
    at += v;
  });
  return out;
}

function rect(x: number, y: number, width: number, height: number, g: Segment): string {
  return `<rect class="bar" x="${x}" y="${y}" width="${width}" height="${height}" ` +
    `fill="${g.colour}"><title>${e(g.label)}</title></rect>`;
}

/** Horizontal bars, one row per category, stacked by series. */
function horizontalSvg(c: Chart): string {
  const sums = totals(c);
  const axis = ticks(Math.max(...sums, 0));
  const top = axis.at(-1)!;
  const plotWidth = width - plotLeft - plotRight;
  const height = 30 + c.categories.length * rowHeight + 30;
  const x = (v: number) => plotLeft + (top === 0 ? 0 : v / top * plotWidth);
  const parts: string[] = [];
  for (const t of axis) {
    parts.push(
      `<line class="grid" x1="${x(t)}" x2="${x(t)}" y1="20" y2="${height - 30}"/>`,
      `<text class="tick" x="${x(t)}" y="${height - 14}" text-anchor="middle">${
        e(formatValue(t, c.unit === "USD" ? "plain" : c.unit))
      }</text>`,
    );
  }
  c.categories.forEach((cat, i) => {
    const y = 24 + i * rowHeight;
    parts.push(
      `<text class="label" x="${plotLeft - 6}" y="${y + 14}" text-anchor="end">${
        e(cat.length > labelChars ? `${cat.slice(0, labelChars - 1)}…` : cat)
      }</text>`,
    );
    parts.push(
      ...segments(c, i).map((g) => rect(x(g.from), y + 3, x(g.to) - x(g.from), rowHeight - 6, g)),
    );
    if (c.series.every((s) => s.values[i] === null)) {
      parts.push(`<text class="unknown" x="${plotLeft + 4}" y="${y + 14}">unknown</text>`);
    }
  });
  parts.push(
    `<text class="axis" x="${plotLeft + plotWidth / 2}" y="${height - 1}" text-anchor="middle">${
      e(c.unit)
    }</text>`,
  );
  return svg(c, height, parts);
}

/** The value axis' top: the largest stack, or for lines the largest value. */
function peak(c: Chart): number {
  if (!c.line) return Math.max(...totals(c), 0);
  return Math.max(0, ...c.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
}

/** Each series as a line through its known values, broken at nulls, a dot on every value. */
function lines(c: Chart, x: (i: number) => number, y: (v: number) => number): string[] {
  return c.series.flatMap((s, k) => {
    const colour = palette[Math.min(k, palette.length - 1)]!;
    const runs: string[][] = [[]];
    const dots: string[] = [];
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) {
        if (runs.at(-1)!.length > 0) runs.push([]);
        return;
      }
      runs.at(-1)!.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      dots.push(
        `<circle class="dot" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" ` +
          `fill="${colour}"><title>${
            e(`${c.categories[i]}, ${s.name}: ${formatValue(v, c.unit)}`)
          }</title></circle>`,
      );
    });
    const paths = runs.filter((r) => r.length > 1).map((r) =>
      `<polyline class="line" fill="none" stroke="${colour}" stroke-width="2" points="${
        r.join(" ")
      }"/>`
    );
    return [...paths, ...dots];
  });
}

/** Vertical bars, one column per category (time), stacked by series; or lines. */
function verticalSvg(c: Chart): string {
  const axis = ticks(peak(c));
  const top = axis.at(-1)!;
  const height = 300;
  const plotTop = 20;
  const plotBottom = height - 60;
  const left = 80;
  const plotWidth = width - left - plotRight;
  const slot = plotWidth / Math.max(c.categories.length, 1);
  const y = (v: number) => plotBottom - (top === 0 ? 0 : v / top * (plotBottom - plotTop));
  const parts: string[] = [];
  for (const t of axis) {
    parts.push(
      `<line class="grid" x1="${left}" x2="${width - plotRight}" y1="${y(t)}" y2="${y(t)}"/>`,
      `<text class="tick" x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${
        e(formatValue(t, c.unit === "USD" ? "plain" : c.unit))
      }</text>`,
    );
  }
  const labelEvery = Math.max(1, Math.ceil(c.categories.length / 10));
  c.categories.forEach((cat, i) => {
    const x = left + i * slot + slot * 0.15;
    if (!c.line) {
      parts.push(
        ...segments(c, i).map((g) => rect(x, y(g.to), slot * 0.7, y(g.from) - y(g.to), g)),
      );
    }
    if (i % labelEvery === 0) {
      parts.push(
        `<text class="tick" x="${x + slot * 0.35}" y="${plotBottom + 16}" text-anchor="middle">${
          e(c.ticks?.[i] ?? cat)
        }</text>`,
      );
    }
  });
  if (c.line) parts.push(...lines(c, (i) => left + (i + 0.5) * slot, y));
  parts.push(
    `<text class="axis" x="${left + plotWidth / 2}" y="${height - 20}" text-anchor="middle">${
      e(c.categoryLabel)
    }</text>`,
    `<text class="axis" transform="translate(14 ${
      (plotTop + plotBottom) / 2
    }) rotate(-90)" text-anchor="middle">${e(c.unit)}</text>`,
  );
  return svg(c, height, parts);
}

function svg(c: Chart, height: number, parts: string[]): string {
  return `<svg class="chart" id="${e(c.id)}-svg" role="img" aria-labelledby="${e(c.id)}-title" ` +
    `viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" ` +
    `xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}

/** The chart's numbers: one row per category, one column per series, and the total of stacks. */
function table(c: Chart): string {
  const withTotal = c.series.length > 1 && !c.line;
  const head = [c.categoryLabel, ...c.series.map((s) => `${s.name} (${c.unit})`)];
  if (c.detail !== undefined) head.splice(1, 0, c.detail.name);
  if (withTotal) head.push(`total (${c.unit})`);
  const columns = c.columns ?? [];
  head.push(...columns.map((col) => col.unit ? `${col.name} (${col.unit})` : col.name));
  const nullText = c.nullText ?? "unknown";
  const rows = c.categories.map((cat, i) => {
    const values = c.series.map((s) => s.values[i] ?? null);
    const cells = values.map((v) => cell(v, c.unit, nullText));
    if (c.detail !== undefined) {
      cells.unshift(`<td class="detail">${e(c.detail.values[i] ?? "")}</td>`);
    }
    if (withTotal) cells.push(totalCell(values, c.unit));
    for (const col of columns) cells.push(cell(col.values[i] ?? null, col.unit ?? "", nullText));
    return `<tr><th scope="row">${e(cat)}</th>${cells.join("")}</tr>`;
  });
  return `<table class="numbers" data-chart="${e(c.id)}"><thead><tr>${
    head.map((h) => `<th scope="col">${e(h)}</th>`).join("")
  }</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/**
 * A row's total: the sum when every part is known; with a part unknown, a lower bound (`>=`)
 * when the known parts add up to something, else unknown. Never a zero that hides an unknown.
 */
function totalCell(values: (number | null)[], unit: string): string {
  const known = values.filter((v): v is number => v !== null);
  const sum = known.reduce((a, b) => a + b, 0);
  if (known.length === values.length) return cell(sum, unit);
  if (sum === 0) return cell(null, unit);
  return `<td data-value="${sum}" data-lower-bound="true">&gt;=${e(formatValue(sum, unit))}</td>`;
}

function cell(v: number | null, unit: string, nullText = "unknown"): string {
  const text = v === null ? nullText : formatValue(v, unit);
  return `<td data-value="${v === null ? "null" : String(v)}">${e(text)}</td>`;
}

/** The chart as one `<section>`: title, legend, SVG, note, and its table. */
export function renderChart(c: Chart): string {
  const empty = c.categories.length === 0;
  return `<section class="chart-block" id="${e(c.id)}"><h2 id="${e(c.id)}-title">${
    e(c.title)
  }</h2>${
    empty
      ? `<p class="empty">No data in this period.</p>`
      : `${legend(c)}${c.horizontal ? horizontalSvg(c) : verticalSvg(c)}${
        c.note ? `<p class="note">${e(c.note)}</p>` : ""
      }<details open><summary>The numbers</summary><div class="scroll">${table(c)}</div></details>`
  }</section>`;
}
