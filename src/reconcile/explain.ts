/**
 * The likely cause of a line's differences, tried in order: usage missing from the gateway
 * (bypass, or usage it marked unknown), cache writes of one lifetime counted as the other, then
 * causes of a USD difference when tokens agree (unpriced, partially priced, Priority Tier, a price
 * that differs). Whatever no rule accounts for is "unexplained", so nothing beyond tolerance goes
 * without a word.
 */
import type { GatewayAgg, ReportAgg } from "./aggregate.ts";
import {
  formatCount,
  formatFigure,
  formatPercent,
  formatRate,
  formatUsd,
  metricLabels,
} from "./format.ts";
import type { Cause, Explanation, MetricCell, ReconcileLine } from "./result.ts";
import type { Metric } from "./types.ts";

/** The token figures that add up to all tokens (the lifetime split is inside the writes). */
const coreTokens: Metric[] = ["uncached_input", "cache_read", "cache_write_total", "output"];

type Take = (cause: Cause, message: string, metrics: Metric[]) => void;

function known(
  line: ReconcileLine,
  m: Metric,
): (MetricCell & { difference: number; relative_difference: number }) | undefined {
  const c = line.metrics[m];
  return c?.difference === null || c === undefined
    ? undefined
    : c as MetricCell & { difference: number; relative_difference: number };
}

/** Sums of the compared core token figures of each side. */
function tokenSums(line: ReconcileLine): { gateway: number; provider: number } {
  let gateway = 0;
  let provider = 0;
  for (const m of coreTokens) {
    const c = known(line, m);
    if (c !== undefined) (gateway += c.gateway!), (provider += c.provider!);
  }
  return { gateway, provider };
}

export function explainLine(
  line: ReconcileLine,
  g: GatewayAgg,
  r: ReportAgg,
  tol: number,
): Explanation[] {
  const open = new Set(
    Object.entries(line.metrics).filter(([, c]) => c.beyond_tolerance).map(([m]) => m as Metric),
  );
  const out: Explanation[] = [];
  const take: Take = (cause, message, metrics) => {
    const mine = metrics.filter((m) => open.has(m));
    if (mine.length === 0) return;
    for (const m of mine) open.delete(m);
    out.push({ cause, message, metrics: mine });
  };
  missingUsage(line, g, tol, take);
  ttlSplit(line, take);
  if (open.has("usd")) usdCause(line, g, r, take);
  if (open.size > 0) {
    const what = [...open].map((m) =>
      `${metricLabels[m]} ${formatPercent(line.metrics[m]!.relative_difference!, true)}`
    );
    out.push({
      cause: "unexplained",
      message: `unexplained: ${what.join(", ")}`,
      metrics: [...open],
    });
  }
  return out;
}

/** Every metric on which the gateway is below the report. */
function lowerMetrics(line: ReconcileLine): Metric[] {
  return (Object.keys(line.metrics) as Metric[]).filter((m) =>
    (known(line, m)?.difference ?? 0) < 0
  );
}

function missingUsage(line: ReconcileLine, g: GatewayAgg, tol: number, take: Take): void {
  const { gateway, provider } = tokenSums(line);
  const usd = known(line, "usd");
  const req = known(line, "requests");
  const sizes = [
    provider > 0 ? `${formatCount(provider - gateway)} tokens` : "",
    req !== undefined && req.difference < 0 ? `${formatCount(-req.difference)} requests` : "",
    usd !== undefined && usd.difference < 0 ? formatUsd(-usd.difference) : "",
  ].filter((s) => s !== "").join(", ");
  if (g.requests === 0 && (provider > 0 || (usd?.provider ?? 0) > 0)) {
    take(
      "bypass",
      `traffic that bypassed the gateway: the report has ${sizes}; the gateway saw none (100%)`,
      lowerMetrics(line),
    );
    return;
  }
  const cells = coreTokens.map((m) => known(line, m)).filter((c) =>
    c !== undefined && c.provider! > 0
  );
  const tokensLower = cells.length > 0 && cells.every((c) => c!.relative_difference < -tol);
  const requestsLower = req !== undefined && req.relative_difference < -tol;
  // Fewer requests alone (tokens agreeing) is no bypass: bypassed traffic brings its tokens.
  if (!tokensLower && !(requestsLower && cells.length === 0)) return;
  const share = provider > 0 ? formatPercent(1 - gateway / provider) : "?";
  if (g.counts.unknown_usage > 0 && !requestsLower) {
    take(
      "unknown_usage",
      `usage the gateway marked unknown (${formatCount(g.counts.unknown_usage)} requests): their ` +
        `tokens are not in the gateway's counts (${share} of the report's tokens, ${sizes})`,
      lowerMetrics(line),
    );
    return;
  }
  take(
    "bypass",
    `traffic that bypassed the gateway: about ${share} of the report's tokens (${sizes})`,
    lowerMetrics(line),
  );
}

/** Total writes agree, the split does not: writes of one lifetime recorded as the other. */
function ttlSplit(line: ReconcileLine, take: Take): void {
  const [c5, c1, all] = [
    known(line, "cache_write_5m"),
    known(line, "cache_write_1h"),
    known(line, "cache_write_total"),
  ];
  if (c5 === undefined || c1 === undefined || all === undefined || all.beyond_tolerance) return;
  if (
    !(c5.beyond_tolerance || c1.beyond_tolerance) ||
    Math.sign(c5.difference) !== -Math.sign(c1.difference)
  ) return;
  const moved = formatCount(Math.abs(c1.difference));
  const usd = known(line, "usd");
  // Counting 1-hour writes as 5-minute makes the gateway cheaper; the reverse, dearer.
  const usdToo = usd !== undefined && Math.sign(usd.difference) === Math.sign(c1.difference)
    ? ["usd" as const]
    : [];
  const [from, to] = c5.difference > 0 ? ["1-hour", "5-minute"] : ["5-minute", "1-hour"];
  const message = `${from} cache writes counted as ${to}: ${moved} tokens the report bills as ` +
    `${from} writes are ${to} writes in the gateway`;
  const withUsd = usdToo.length > 0 ? `${message} (and the cost difference with them)` : message;
  take("cache_ttl_split", withUsd, ["cache_write_5m", "cache_write_1h", ...usdToo]);
}

function usdCause(line: ReconcileLine, g: GatewayAgg, r: ReportAgg, take: Take): void {
  const usd = known(line, "usd")!;
  const { unpriced, partial } = g.counts;
  if (usd.difference < 0 && unpriced > 0) {
    const lacking = formatUsd(usd.difference);
    take(
      "unpriced",
      `unpriced model: ${formatCount(unpriced)} requests had no price, so the gateway's cost ` +
        `lacks theirs (${lacking})`,
      ["usd"],
    );
  } else if (usd.difference < 0 && partial > 0) {
    take(
      "partially_priced",
      `partially priced: ${formatCount(partial)} requests had a figure without a price; the ` +
        `gateway's cost is a lower bound`,
      ["usd"],
    );
  } else if (usd.difference > 0 && r.priority_tokens > 0) {
    take(
      "priority_tier",
      `Priority Tier: ${formatCount(r.priority_tokens)} tokens served at Priority Tier, whose ` +
        `cost Anthropic's cost report leaves out`,
      ["usd"],
    );
  } else if (coreTokens.every((m) => !line.metrics[m]?.beyond_tolerance)) {
    take("price_differs", priceMessage(line, g), ["usd"]);
  }
}

/**
 * Rates per million tokens of each side when the line has tokens (a day total of a cost report
 * not grouped by model has none: then the amounts).
 */
function priceMessage(line: ReconcileLine, g: GatewayAgg): string {
  const usd = known(line, "usd")!;
  const [gUsd, pUsd] = [usd.gateway!, usd.provider!];
  const { gateway, provider } = tokenSums(line);
  const ratio = pUsd > 0 ? ` (${(gUsd / pUsd).toFixed(4)}×)` : "";
  const withTokens = gateway > 0 && provider > 0;
  const what = withTokens
    ? ` with tokens in agreement: the gateway's implied rate ${formatRate(gUsd, gateway)} vs ` +
      `the report's ${formatRate(pUsd, provider)}`
    : `: the gateway's ${formatFigure("usd", gUsd)} vs the report's ${formatFigure("usd", pUsd)}`;
  const rows = [...g.price_rows].sort();
  const used = rows.length > 1
    ? `; the gateway used ${rows.length} price rows this day (${rows.join(", ")})`
    : "";
  return `a price that differs${what}${ratio}: a price change or a wrong price row${used}`;
}
