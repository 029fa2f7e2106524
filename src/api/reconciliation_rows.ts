/**
 * The gateway's side of a reconciliation (reconcile/): per UTC day × model, the traces of the
 * providers billed to the account a report is of, from the rollups (requests, tokens, cost and
 * cost statuses) and the cost-line rollup (cache writes by lifetime, tool uses). Shared by
 * `ongoingai reconcile` and `GET /api/reconciliation`.
 */
import type { AnalyticsQuery, TenantScope, TraceStore } from "../store/mod.ts";
import {
  type GatewayRow,
  gatewayTokensFrom,
  type KeyNames,
  type ReportProvider,
} from "../reconcile/mod.ts";
import type { AggregateRow } from "../store/mod.ts";

export interface GatewayRowsQuery {
  /** The report's provider: the gateway rows are of this kind. */
  kind: ReportProvider;
  /** The gateway's provider ids whose traffic that account is billed for. */
  providerIds: readonly string[];
  /** Inclusive UTC days, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  scope?: TenantScope;
  /**
   * Split by the provider's API key: the provider's key ids by the last four characters the
   * gateway keeps (`parseKeyList`). The daily key rollup has no cache lifetimes: keyed rows
   * report their cache writes without a lifetime.
   */
  keys?: KeyNames;
}

/** The model of requests that named none (probes, model lists): never a billed model. */
const unnamed = "unknown";

interface Acc {
  row: GatewayRow;
  sums: { input: number; cached: number; written: number; output: number };
  w5m: number;
  w1h: number;
}

/** A day's, model's and group's key. */
const keyOf = (day: string, model: string, group = "") => `${day}\u0000${model}\u0000${group}`;

export async function gatewayRows(
  store: Pick<TraceStore, "aggregate" | "costLines">,
  q: GatewayRowsQuery,
): Promise<GatewayRow[]> {
  const acc = new Map<string, Acc>();
  for (const provider of q.providerIds) {
    const query: AnalyticsQuery = { provider, bucket: "day", group_by: "model" };
    if (q.from !== undefined) query.from = `${q.from}T00:00:00.000Z`;
    if (q.to !== undefined) query.to = `${q.to}T23:59:59.999Z`;
    if (q.scope !== undefined) query.scope = q.scope;
    if (q.keys !== undefined) {
      await addKeyed(store, query, q.kind, q.keys, acc);
      continue;
    }
    for (const r of await store.aggregate(query)) {
      if (r.group === null || r.group === unnamed || r.bucket_start === null) continue;
      add(entry(acc, q.kind, r.bucket_start.slice(0, 10), r.group), r);
    }
    for (const l of await store.costLines(query)) {
      if (l.group === null || l.bucket_start === null) continue;
      const a = acc.get(keyOf(l.bucket_start.slice(0, 10), l.group, ""));
      if (a === undefined) continue;
      if (l.dimension === "cache_write_1h") a.w1h += l.quantity;
      // Anthropic's default lifetime is five minutes; OpenAI reports no lifetime.
      else if (l.dimension === "cache_write" && q.kind === "anthropic") a.w5m += l.quantity;
      else if (l.unit === "per_use") {
        a.row.tool_uses = { ...a.row.tool_uses, [l.dimension]: l.quantity };
      }
    }
  }
  return [...acc.values()].map(finish).sort((a, b) =>
    a.day < b.day ? -1 : a.day > b.day ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0
  );
}

/** One aggregate row's figures added to its line. */
function add(a: Acc, r: AggregateRow): void {
  // Refused and failed requests bill nothing and no provider report counts them.
  a.row.requests += r.request_count - r.error_count_4xx - r.error_count_5xx;
  a.row.usd += r.total_cost_usd ?? 0;
  a.row.priced_requests += r.priced_count;
  a.row.partial_requests += r.partial_count;
  a.row.unpriced_requests += r.unpriced_count;
  a.row.unknown_usage_requests += r.unknown_usage_count;
  a.sums.input += r.input_tokens;
  a.sums.cached += r.cached_input_tokens;
  a.sums.written += r.cache_write_tokens;
  a.sums.output += r.output_tokens;
}

/**
 * The rows by provider API key: per model, the daily key rollup grouped by fingerprint, each
 * named by the provider's id for its last four (or `...abcd` when the list has no such key).
 */
async function addKeyed(
  store: Pick<TraceStore, "aggregate">,
  query: AnalyticsQuery,
  kind: string,
  keys: KeyNames,
  acc: Map<string, Acc>,
): Promise<void> {
  const { bucket: _byDay, ...whole } = query;
  const models = (await store.aggregate({ ...whole, group_by: "model" }))
    .map((r) => r.group).filter((m): m is string => m !== null && m !== unnamed);
  for (const model of models) {
    const rows = await store.aggregate({
      ...query,
      model,
      group_by: "api_key_hash",
      with_key_only: true,
    });
    for (const r of rows) {
      if (r.bucket_start === null) continue;
      const last4 = r.api_key_last4 ?? "????";
      const id = keys.byLast4.get(last4) ?? `...${last4}`;
      const a = entry(acc, kind, r.bucket_start.slice(0, 10), model, id);
      a.row.group = { api_key_id: id };
      add(a, r);
    }
  }
}

function entry(
  acc: Map<string, Acc>,
  kind: string,
  day: string,
  model: string,
  group = "",
): Acc {
  let a = acc.get(keyOf(day, model, group));
  if (a === undefined) {
    a = {
      row: {
        day,
        provider: kind,
        model,
        requests: 0,
        tokens: gatewayTokensFrom({
          input_tokens: 0,
          cached_input_tokens: 0,
          cache_write_tokens: 0,
          output_tokens: 0,
        }),
        usd: 0,
        priced_requests: 0,
        partial_requests: 0,
        unpriced_requests: 0,
        unknown_usage_requests: 0,
      },
      sums: { input: 0, cached: 0, written: 0, output: 0 },
      w5m: 0,
      w1h: 0,
    };
    acc.set(keyOf(day, model, group), a);
  }
  return a;
}

function finish(a: Acc): GatewayRow {
  a.row.tokens = gatewayTokensFrom({
    input_tokens: a.sums.input,
    cached_input_tokens: a.sums.cached,
    cache_write_tokens: a.sums.written,
    output_tokens: a.sums.output,
    cache_write_1h: a.w1h,
    cache_write_5m: a.w5m,
  });
  // Sums of doubles drift in the last bits; costs are kept to 1e-10 USD.
  a.row.usd = Math.round(a.row.usd * 1e10) / 1e10;
  return a.row;
}
