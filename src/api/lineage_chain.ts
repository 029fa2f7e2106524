/**
 * A lineage chain read from the store, as `ongoingai debug` (reference section 1.6) and
 * `GET /api/traces/{id}/lineage` build it: the source trace (by id, or the newest stored that
 * matches the filters), the chain's traces (the filters, else the source's own group, thread and
 * run together, else its agent session), paged 200 at a time up to the limit, the source always
 * in, ordered by `sortLineageTraces`.
 */
import type { TenantScope, TraceFilter, TraceStore } from "../store/mod.ts";
import { lineageOf, sortLineageTraces, type Trace } from "../traces/mod.ts";
import {
  type ChainOptions,
  type ChainSelection,
  checkpointDiffs,
  type DebugChainDocument,
  debugChainSchemaVersion,
  type LineageIdentifier,
  toCheckpoint,
} from "./lineage_document.ts";

export const lineageLimits = { defaultLimit: 200, maxLimit: 500, pageSize: 200 } as const;

export type ChainStore = Pick<TraceStore, "getTrace" | "exportTraces">;

export type ChainResult =
  | { kind: "ok"; document: DebugChainDocument; traces: Trace[] }
  | { kind: "trace_not_found" }
  | { kind: "no_traces" };

const filterKeys = ["trace_group_id", "thread_id", "run_id", "session_id"] as const;

function selectionFilter(sel: ChainSelection): TraceFilter {
  const f: TraceFilter = {};
  for (const k of filterKeys) if (sel[k] !== undefined) f[k] = sel[k];
  return f;
}

/** Which lineage names the chain: one filter's name, or `composite_filter` for several. */
function identifierOf(f: TraceFilter): LineageIdentifier {
  const names: Record<(typeof filterKeys)[number], LineageIdentifier> = {
    trace_group_id: "trace_group_id",
    thread_id: "lineage_thread_id",
    run_id: "lineage_run_id",
    session_id: "session_id",
  };
  const set = filterKeys.filter((k) => f[k] !== undefined);
  if (set.length === 0) return "(single trace)";
  return set.length > 1 ? "composite_filter" : names[set[0]!];
}

/** The source's own chain: its group, thread and run together; else its agent session. */
function sourceFilter(source: Trace): { filter: TraceFilter; identifier: LineageIdentifier } {
  const l = lineageOf(source);
  const f: TraceFilter = {};
  if (l.group_id !== null) f.trace_group_id = l.group_id;
  if (l.thread_id !== null) f.thread_id = l.thread_id;
  if (l.run_id !== null) f.run_id = l.run_id;
  const identifier: LineageIdentifier = l.group_id !== null
    ? "trace_group_id"
    : l.thread_id !== null
    ? "lineage_thread_id"
    : l.run_id !== null
    ? "lineage_run_id"
    : "(single trace)";
  if (identifier === "(single trace)" && source.session_id !== null) {
    return { filter: { session_id: source.session_id }, identifier: "session_id" };
  }
  return { filter: f, identifier };
}

async function readChain(store: ChainStore, filter: TraceFilter, limit: number) {
  const items: Trace[] = [];
  let cursor: string | undefined;
  let truncated = false;
  while (items.length < limit) {
    const page = await store.exportTraces({
      ...filter,
      limit: Math.min(lineageLimits.pageSize, limit - items.length),
      ...(cursor === undefined ? {} : { cursor }),
    });
    items.push(...page.items);
    if (page.next_cursor === null || page.items.length === 0) break;
    if (items.length >= limit) {
      truncated = true;
      break;
    }
    cursor = page.next_cursor;
  }
  return { items, truncated };
}

/**
 * The parents the chain's filter left out (a fork or replay starts a run of its own, so its
 * parent is in another run), followed by id from the source up, within the caller's tenant and
 * at most `limit` traces in all: a chain derived from its source (no filters given: with
 * filters, exactly what they select, as reference 1.6 says) reaches back to where it came from.
 */
async function addAncestors(
  store: ChainStore,
  items: Trace[],
  source: Trace,
  scope: TenantScope | undefined,
  limit: number,
): Promise<boolean> {
  const have = new Set(items.map((t) => t.id));
  let parentId = lineageOf(source).parent_checkpoint_id;
  while (parentId !== null && !have.has(parentId)) {
    // True: the limit left a parent out (the chain is `truncated`).
    if (items.length >= limit) return true;
    const parent = await store.getTrace(parentId, scope);
    if (parent === null) return false;
    items.push(parent);
    have.add(parent.id);
    parentId = lineageOf(parent).parent_checkpoint_id;
  }
  return false;
}

export interface BuildChainInput {
  selection: ChainSelection;
  options: ChainOptions;
  scope?: TenantScope | undefined;
  now: () => number;
}

export async function buildLineageChain(
  store: ChainStore,
  input: BuildChainInput,
): Promise<ChainResult> {
  const { selection, options, scope } = input;
  const scoped = (f: TraceFilter): TraceFilter => (scope === undefined ? f : { ...f, scope });
  const filtered = selectionFilter(selection);
  let source: Trace | null;
  if (selection.trace_id !== undefined) {
    source = await store.getTrace(selection.trace_id, scope);
    if (source === null) return { kind: "trace_not_found" };
  } else {
    source = (await store.exportTraces({ ...scoped(filtered), limit: 1 })).items[0] ?? null;
    if (source === null) return { kind: "no_traces" };
  }
  // Derived from the source (no filters given): the chain may reach beyond its own filter.
  const derived = identifierOf(filtered) === "(single trace)";
  const chosen: { filter: TraceFilter; identifier: LineageIdentifier } = derived
    ? sourceFilter(source)
    : { filter: filtered, identifier: identifierOf(filtered) };
  let items: Trace[] = [];
  let truncated = false;
  if (chosen.identifier !== "(single trace)") {
    ({ items, truncated } = await readChain(store, scoped(chosen.filter), options.limit));
  }
  if (derived && lineageOf(source).group_id === null) {
    // A trace without a group is the root of the group its replays and forks name by its id
    // (reference 5.3: group = ... else the checkpoint's id).
    const rooted = await readChain(store, scoped({ trace_group_id: source.id }), options.limit);
    const have = new Set(items.map((t) => t.id));
    const fresh = rooted.items.filter((t) => !have.has(t.id));
    const room = Math.max(0, options.limit - items.length);
    items.push(...fresh.slice(0, room));
    truncated ||= rooted.truncated || fresh.length > room;
    if (chosen.identifier === "(single trace)" && fresh.length > 0 && room > 0) {
      chosen.filter = { trace_group_id: source.id };
      chosen.identifier = "trace_group_id";
    }
  }
  if (!items.some((t) => t.id === source.id)) items.push(source);
  if (derived) {
    truncated = (await addAncestors(store, items, source, scope, options.limit)) || truncated;
  }
  const ordered = sortLineageTraces(items);
  const checkpoints = ordered.map((t, i) => toCheckpoint(t, i + 1, options));
  const chain: DebugChainDocument["chain"] = {
    ...(chosen.filter.trace_group_id === undefined
      ? {}
      : { group_id: chosen.filter.trace_group_id }),
    ...(chosen.filter.thread_id === undefined ? {} : { thread_id: chosen.filter.thread_id }),
    ...(chosen.filter.run_id === undefined ? {} : { run_id: chosen.filter.run_id }),
    ...(chosen.filter.session_id === undefined ? {} : { session_id: chosen.filter.session_id }),
    target_checkpoint_id: source.id,
    checkpoint_count: checkpoints.length,
    truncated,
    checkpoints,
    lineage_identifier: chosen.identifier,
  };
  const document: DebugChainDocument = {
    schema_version: debugChainSchemaVersion,
    generated_at: new Date(input.now()).toISOString(),
    selection,
    options,
    source_trace_id: source.id,
    source_timestamp: source.created_at || source.timestamp,
    source: toCheckpoint(source, 0, options),
    chain,
  };
  if (options.include_diff) {
    document.diffs = checkpointDiffs(ordered, options.bodies_withheld !== true);
  }
  return { kind: "ok", document, traces: ordered };
}
