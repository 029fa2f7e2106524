/**
 * `ongoingai report --by session|developer`: what each agent session, or each developer, cost.
 * Read with the same store queries as `/api/analytics/sessions` and `cost?group_by=developer`
 * and shaped by the same functions, so the report and the API never disagree. Its own JSON
 * schema ("report.by.v1"): the document holds one list, not the full report's sections.
 */
import { analyticsSessions } from "../api/mod.ts";
import type { AnalyticsQuery, SessionQuery, TraceStore } from "../store/mod.ts";
import { type GroupTotals, groupTotals, type ReportDocument } from "./report_data.ts";
import { figureCells, figureColumns, table, totalCost } from "./report_text.ts";

export const reportBySchemaVersion = "report.by.v1";
export const reportGroupings = ["session", "developer"] as const;
export type ReportGrouping = (typeof reportGroupings)[number];

export interface ReportByFilters {
  provider?: string;
  model?: string;
  /** A provider key fingerprint (`--key`). */
  api_key_hash?: string;
  from?: string;
  to?: string;
  /** Sessions only: narrow to one developer, agent or session. */
  developer?: string;
  agent?: string;
  session?: string;
  limit: number;
}

export interface DeveloperTotals extends GroupTotals {
  /** null: traces with no developer (no team mode key, no X-OngoingAI-User). */
  developer: string | null;
}

export interface ReportByDocument {
  schema_version: typeof reportBySchemaVersion;
  generated_at: string;
  storage: ReportDocument["storage"];
  by: ReportGrouping;
  filters: ReportByFilters;
  sessions?: ReturnType<typeof analyticsSessions.sessions>["items"];
  developers?: DeveloperTotals[];
}

type Store = Pick<TraceStore, "aggregate" | "sessions">;

/** All tenants, as the full report: an operator's view of the whole store. */
export async function buildReportBy(
  store: Store,
  by: ReportGrouping,
  filters: ReportByFilters,
  storage: ReportDocument["storage"],
  now: Date = new Date(),
): Promise<ReportByDocument> {
  const head = {
    schema_version: reportBySchemaVersion,
    generated_at: now.toISOString(),
    storage,
    by,
    filters,
  } as const;
  const query: AnalyticsQuery = {};
  for (const key of ["provider", "model", "api_key_hash", "from", "to"] as const) {
    const value = filters[key];
    if (value !== undefined) query[key] = value;
  }
  if (by === "session") {
    const q: SessionQuery = { ...query, limit: filters.limit };
    if (filters.developer !== undefined) q.developer = filters.developer;
    if (filters.agent !== undefined) q.agent = filters.agent;
    if (filters.session !== undefined) q.session_id = filters.session;
    return { ...head, sessions: analyticsSessions.sessions(await store.sessions(q)).items };
  }
  const rows = await store.aggregate({ ...query, group_by: "developer" });
  const developers = groupTotals(rows, "developer").map((g) => ({
    developer: g.group,
    ...g.totals,
  }));
  return { ...head, developers: developers.slice(0, filters.limit) };
}

type SessionItem = NonNullable<ReportByDocument["sessions"]>[number];

/**
 * The report reads every tenant, and a session is (org, workspace, id): the tenant is shown
 * unless every session listed is in the single-user tenant (default/default), where it says
 * nothing. The JSON always carries it.
 */
const showTenant = (sessions: readonly SessionItem[]) =>
  sessions.some((s) => s.org_id !== "default" || s.workspace_id !== "default");

const models = (m: { model: string; request_count: number }[]) =>
  m.length === 0 ? "-" : m.map((x) => `${x.model} (${x.request_count})`).join(", ");

export function renderReportBy(doc: ReportByDocument): string {
  const f = doc.filters;
  const shown = Object.entries(f).filter(([k]) => k !== "limit").map(([k, v]) => `${k}=${v}`);
  const out = [
    `OngoingAI Report by ${doc.by}`,
    "",
    `Generated at ${doc.generated_at}; ${doc.storage.driver}` +
    (doc.storage.path === undefined ? "" : ` ${doc.storage.path}`),
    `Filters: ${shown.length === 0 ? "(none)" : shown.join(" ")}; limit ${f.limit}`,
    "",
  ];
  if (doc.sessions !== undefined) {
    const tenant = showTenant(doc.sessions);
    out.push(...table(
      [
        ...(tenant ? [{ title: "ORG" }, { title: "WORKSPACE" }] : []),
        { title: "SESSION" },
        { title: "AGENT" },
        { title: "DEVELOPER" },
        { title: "FIRST_SEEN" },
        { title: "LAST_SEEN" },
        { title: "REQUESTS", right: true },
        { title: "TOTAL_TOKENS", right: true },
        { title: "TOTAL_COST_USD", right: true },
        { title: "UNPRICED", right: true },
        { title: "ERRORS", right: true },
        { title: "NON_GENERATION", right: true },
        { title: "MODELS" },
      ],
      doc.sessions.map((s) => [
        ...(tenant ? [s.org_id, s.workspace_id] : []),
        s.session_id,
        s.agent,
        s.developer,
        s.first_seen_at,
        s.last_seen_at,
        s.request_count,
        s.total_tokens,
        totalCost(s),
        s.unpriced_count,
        s.error_count,
        s.non_generation_count,
        models(s.models),
      ]),
      "(no sessions: traces carry one when the client sends a session id, see docs/agents.md)",
    ));
  }
  if (doc.developers !== undefined) {
    out.push(...table(
      [{ title: "DEVELOPER" }, ...figureColumns],
      doc.developers.map((d) => [d.developer ?? "(none)", ...figureCells(d)]),
      "(no traces)",
    ));
  }
  return out.join("\n") + "\n";
}
