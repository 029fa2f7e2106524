/**
 * `GET /api/reconciliation`: the provider's reports saved by `ongoingai reconcile --save`,
 * compared with the traces as the command compares them (reconcile/). The provider's bill covers
 * every tenant's traffic to that account, so this is gateway-wide (`diagnostics:read`).
 */
import type { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../errors/mod.ts";
import {
  mergeReports,
  parseReport,
  type ProviderReport,
  reconcile,
  ReportError,
  type ReportProvider,
  toJson,
} from "../reconcile/mod.ts";
import type { TraceStore } from "../store/mod.ts";
import { invalidParameter, parseQuery } from "./query.ts";
import { oneOf } from "./query_params.ts";

const reportProviders: readonly ReportProvider[] = ["anthropic", "openai"];
import { gatewayRows } from "./reconciliation_rows.ts";

const dayParam = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((v) =>
  !Number.isNaN(Date.parse(`${v}T00:00:00Z`))
).optional().describe("a UTC day such as 2026-11-01");

export const reconciliationQuerySchema = z.object({
  provider: oneOf(["anthropic", "openai"]).describe(
    "anthropic or openai: whose saved reports to compare (default: every provider's)",
  ),
  from: dayParam,
  to: dayParam,
  tolerance: z.string().regex(/^\d{1,3}(\.\d{1,6})?$/).transform(Number)
    .pipe(z.number().min(0).max(100)).optional()
    .describe("a percentage from 0 to 100, such as 0.5 (the default)"),
});

export interface ReconciliationDeps {
  store: Pick<TraceStore, "aggregate" | "costLines" | "providerReports">;
  /** The configured providers (their kinds say whose account each is billed to). */
  providers: readonly { id: string; kind?: string }[];
}

function savedReport(provider: ReportProvider, saved: { name: string; body: string }[]) {
  try {
    return mergeReports(
      saved.map((r) => parseReport(JSON.parse(r.body), provider, { name: r.name })),
    );
  } catch (err) {
    const why = err instanceof ReportError || err instanceof SyntaxError
      ? err.message
      : String(err);
    throw new GatewayError(
      "internal_error",
      `the saved ${provider} reports cannot be read: ${why}`,
    );
  }
}

const saveHint = (provider: string, flag = provider) =>
  `no ${provider} report is saved: run ongoingai reconcile --provider ${flag} --report ` +
  "FILE --save (or --fetch --from DAY --to DAY --save) on the gateway's host";

/** One provider's saved reports against the traces; null when none is saved. */
async function reconciliationOf(
  deps: ReconciliationDeps,
  provider: ReportProvider,
  q: z.output<typeof reconciliationQuerySchema>,
) {
  const saved = await deps.store.providerReports(provider);
  if (saved.length === 0) return null;
  const report: ProviderReport = savedReport(provider, saved);
  const providerIds = deps.providers.filter((p) => p.kind === provider).map((p) => p.id);
  // The store is read for the days asked, else for the days the report covers.
  const days = report.sources.flatMap((s) => s.days).sort();
  const from = q.from ?? days[0];
  const to = q.to ?? days.at(-1);
  const rows = await gatewayRows(deps.store, {
    kind: provider,
    providerIds,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  });
  const result = reconcile(rows, report, {
    ...(q.from === undefined ? {} : { from: q.from }),
    ...(q.to === undefined ? {} : { to: q.to }),
    tolerance: (q.tolerance ?? 0.5) / 100,
  });
  return {
    ...toJson(result),
    saved_reports: saved.map((r) => ({ name: r.name, saved_at: r.saved_at })),
  };
}

export function registerReconciliationRoute(app: Hono, deps: ReconciliationDeps): void {
  app.get("/api/reconciliation", async (c) => {
    const q = parseQuery(reconciliationQuerySchema, new URL(c.req.url).searchParams);
    if (q.from !== undefined && q.to !== undefined && q.to < q.from) {
      throw invalidParameter("to", "to must be the same day as from or later");
    }
    const asked = q.provider === undefined ? reportProviders : [q.provider as ReportProvider];
    const items = [];
    const notes: string[] = [];
    for (const provider of asked) {
      const item = await reconciliationOf(deps, provider, q);
      if (item !== null) items.push(item);
      else if (q.provider !== undefined) notes.push(saveHint(provider));
    }
    if (items.length === 0 && q.provider === undefined) {
      notes.push(saveHint("provider", "anthropic|openai"));
    }
    return c.json({ items, notes });
  });
}
