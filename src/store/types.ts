/**
 * The trace store contract. SQLite and PostgreSQL implement it; one conformance suite
 * (`tests/store/conformance.ts`) runs against both.
 */
import type { TenantScope, Trace, TraceRecord } from "../traces/mod.ts";
import type { ProviderReportInput, StoredProviderReport } from "./provider_reports.ts";
import type {
  AggregateRow,
  AnalyticsQuery,
  CostLineRow,
  PercentileRow,
} from "./analytics_types.ts";
import type { SessionQuery, SessionRow } from "./sessions.ts";
import type { FailoverQuery, FailoverRow } from "./failovers.ts";

/**
 * Tenant scope applied to every read (the one tenant type's org and workspace, traces/tenant.ts).
 * Absent means "all tenants" (team mode off).
 */
export type { TenantScope };

export interface TraceFilter {
  provider?: string;
  model?: string;
  /** HTTP status sent to the client. */
  status?: number;
  /** Status at or above this (`400`: the errors the client saw). */
  min_status?: number;
  api_key_hash?: string;
  /** Inclusive bounds on `timestamp`, RFC 3339 UTC. */
  from?: string;
  to?: string;
  trace_group_id?: string;
  thread_id?: string;
  run_id?: string;
  /** The claimed agent or `X-OngoingAI-Session-Id` session (`Trace.session_id`). */
  session_id?: string;
  /** The route's name (`Trace.route`). */
  route?: string;
  /** Bounds on `total_tokens` (traces with unknown usage never match a token bound). */
  min_tokens?: number;
  max_tokens?: number;
  scope?: TenantScope;
}

export interface TraceListQuery extends TraceFilter {
  limit: number;
  /** Opaque, from a previous page's `next_cursor`. */
  cursor?: string;
}

/** A list item: the trace without headers, bodies, attempt records and metadata. */
export type TraceSummary = Omit<
  Trace,
  | "request_headers"
  | "response_headers"
  | "request_body"
  | "response_body"
  | "attempts"
  | "cost_breakdown"
  | "metadata"
>;

export interface TracePage {
  items: TraceSummary[];
  next_cursor: string | null;
}

/** A page of an export: like the list, but with whole traces. */
export interface TraceExportQuery extends TraceFilter {
  limit: number;
  /** Opaque, from a previous page's `next_cursor`. */
  cursor?: string;
}

export interface TraceExportPage {
  items: Trace[];
  next_cursor: string | null;
}

export interface StoreStats {
  driver: "sqlite" | "postgres";
  /** Size of the database files on disk, when the store can tell. */
  db_size_bytes: number | null;
}

export interface TraceStore {
  readonly driver: "sqlite" | "postgres";
  /**
   * Writes all traces in one transaction; an id already stored is left as it is (idempotent),
   * keeping its place in the list. Each stored trace gets the next insert sequence number (`seq`,
   * internal: not a Trace field), in array order within the batch.
   */
  writeBatch(traces: readonly TraceRecord[]): Promise<void>;
  /**
   * Newest-stored first: ordered by `seq` descending, never by `created_at` or `timestamp`,
   * which are stamped before the trace is queued and may be stored seconds later (flush
   * interval, writer retries) or out of order.
   *
   * `seq` must grow in the order writes become visible to readers: every trace a reader can
   * see for the first time has a larger seq than every trace that reader could already see.
   * SQLite gets this from its single writer (AUTOINCREMENT rowid); PostgreSQL's bigserial does not
   * by itself (concurrent transactions commit out of sequence order), so writeBatch must serialize
   * writers across instances, e.g. with `pg_advisory_xact_lock` before inserting. A seq is never
   * reused, even after deletes.
   *
   * `next_cursor` is opaque (`encodeCursor` of the last item's id, never its seq, which counts
   * every tenant's inserts; null on the last page); the next page is the traces with a smaller
   * seq than that item's that match the same filter. So paging through with
   * one filter, however long it takes, lists every matching trace stored before the first page was
   * read exactly once, and never one stored after it (it is newer than any cursor). A cursor that
   * does not decode, or names no trace in the query's scope, throws `InvalidCursorError`.
   */
  listTraces(query: TraceListQuery): Promise<TracePage>;
  /**
   * The same pages as `listTraces` (same order, filters, cursors and guarantees), with every
   * field of each trace: what an export streams, one page at a time.
   */
  exportTraces(query: TraceExportQuery): Promise<TraceExportPage>;
  /** Null when missing or outside `scope`, so the caller cannot tell the two apart. */
  getTrace(id: string, scope?: TenantScope): Promise<Trace | null>;
  countTraces(filter?: TraceFilter): Promise<number>;
  /**
   * Totals per (bucket, group) of the traces matching `query`: ordered by bucket, then request
   * count descending, then group. Without bucket and group, one row (none when nothing matches).
   */
  aggregate(query: AnalyticsQuery): Promise<AggregateRow[]>;
  /** Latency and time-to-first-token percentiles per (bucket, group), by bucket then group. */
  percentiles(query: AnalyticsQuery): Promise<PercentileRow[]>;
  /**
   * The cost lines (`Trace.cost_breakdown`) summed per (bucket, group, billed dimension): group
   * by provider, model or workspace only (`costLineGroups`); traces stored before cost lines
   * existed have none. By bucket, then group, then the dearest dimension first.
   */
  costLines(query: AnalyticsQuery): Promise<CostLineRow[]>;
  /**
   * The `query.limit` sessions (`Trace.session_id`) with the latest last request in the range,
   * most recent first, each with its totals and models (sessions.ts). Read from the raw traces.
   */
  sessions(query: SessionQuery): Promise<SessionRow[]>;
  /**
   * Per route and answering target (provider, model): requests, failovers (more than one
   * attempt), attempts and errors of the routed traces in the range, most requests first, at
   * most `query.limit` rows (failovers.ts). Read from the raw routed traces.
   */
  failovers(query: FailoverQuery): Promise<FailoverRow[]>;
  stats(): Promise<StoreStats>;
  /**
   * Replaces `provider`'s saved reports (reconciliation) with these, in one transaction; a
   * RangeError past the bounds (`providerReportLimits`) writes nothing.
   */
  saveProviderReports(provider: string, reports: readonly ProviderReportInput[]): Promise<void>;
  /** `provider`'s saved reports in the order saved; none when nothing was saved. */
  providerReports(provider: string): Promise<StoredProviderReport[]>;
  close(): Promise<void>;
}

/** A cursor that does not decode, raised by `listTraces`; the API answers 400. */
export class InvalidCursorError extends Error {
  constructor(reason: string) {
    super(
      `cursor is invalid (${reason}); pass the next_cursor value from the previous page unchanged`,
    );
    this.name = "InvalidCursorError";
  }
}
