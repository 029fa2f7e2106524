/**
 * Lineage: how traces link into chains (the `lineage_*` metadata keys build.ts writes from the
 * `X-OngoingAI-*` lineage headers), read back with the original's defaults, and the original's
 * `SortLineageTraces` order (reference section 4.4). Pure: `debug`, the lineage API and replay
 * share it.
 *
 * One divergence from the original, on purpose: a stored `lineage_checkpoint_seq` of 0 counts as
 * a resolved sequence (the header accepts any non-negative integer, so a client numbering from 0
 * is honoured), and a parent may be inferred as 0 from a child at 1. The original ignored 0.
 */

/** What a trace must carry to be placed in a chain (a stored `Trace` has all of it). */
export interface LineageItem {
  id: string;
  trace_group_id?: string | null;
  /** RFC 3339; the order time is `created_at`, else `timestamp` (as the original). */
  created_at?: string | null;
  timestamp?: string | null;
  metadata: Readonly<Record<string, unknown>> | null;
}

/** A trace's lineage with defaults applied: a trace is its own immutable checkpoint. */
export interface TraceLineage {
  group_id: string | null;
  thread_id: string | null;
  run_id: string | null;
  checkpoint_id: string;
  parent_checkpoint_id: string | null;
  checkpoint_seq: number | null;
  immutable: boolean;
}

/** Inputs above this are refused: resolution is quadratic in the worst case (2n passes). */
export const maxLineageTraces = 10_000;

function text(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const v = value.trim();
  return v === "" ? null : v;
}

/** A non-negative safe integer, as a number or a string of digits; else null. */
export function lineageSeq(value: unknown): number | null {
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value >= 0 ? value : null;
  }
  if (typeof value === "string" && /^\s*\d{1,15}\s*$/.test(value)) return Number(value);
  return null;
}

export function lineageOf(item: LineageItem): TraceLineage {
  const m = item.metadata ?? {};
  return {
    group_id: text(m.lineage_group_id) ?? text(item.trace_group_id),
    thread_id: text(m.lineage_thread_id),
    run_id: text(m.lineage_run_id),
    checkpoint_id: text(m.lineage_checkpoint_id) ?? item.id.trim(),
    parent_checkpoint_id: text(m.lineage_parent_checkpoint_id),
    checkpoint_seq: lineageSeq(m.lineage_checkpoint_seq),
    immutable: typeof m.lineage_immutable === "boolean" ? m.lineage_immutable : true,
  };
}

interface Node {
  index: number;
  id: string;
  /** Epoch ms; -Infinity when neither time parses (sorts first, as Go's zero time). */
  time: number;
  checkpoint: string;
  parent: string | null;
  seq: number | null;
  indegree: number;
  children: number[];
}

function orderTime(item: LineageItem): number {
  for (const raw of [item.created_at, item.timestamp]) {
    if (typeof raw !== "string" || raw === "") continue;
    const t = Date.parse(raw);
    if (!Number.isNaN(t)) return t;
  }
  return -Infinity;
}

/** The comparator: resolved sequence first (ascending), then time, trace id, input position. */
function less(a: Node, b: Node): number {
  if ((a.seq === null) !== (b.seq === null)) return a.seq !== null ? -1 : 1;
  if (a.seq !== null && b.seq !== null && a.seq !== b.seq) return a.seq - b.seq;
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return a.index - b.index;
}

function buildNodes(items: readonly LineageItem[]): Node[] {
  const nodes = items.map((item, index): Node => {
    const l = lineageOf(item);
    return {
      index,
      id: item.id.trim(),
      time: orderTime(item),
      checkpoint: l.checkpoint_id,
      parent: l.parent_checkpoint_id,
      seq: l.checkpoint_seq,
      indegree: 0,
      children: [],
    };
  });
  // The first trace claiming a checkpoint id owns it (ids are unique; a copy must not re-link).
  const byCheckpoint = new Map<string, number>();
  for (const n of nodes) {
    if (!byCheckpoint.has(n.checkpoint)) byCheckpoint.set(n.checkpoint, n.index);
  }
  for (const n of nodes) {
    const p = n.parent === null ? undefined : byCheckpoint.get(n.parent);
    if (p === undefined || p === n.index) continue;
    n.indegree++;
    nodes[p]!.children.push(n.index);
  }
  return nodes;
}

/** Fills missing sequences: child = parent + 1, else parent = min(child) - 1; at most 2n passes. */
function resolveSeqs(nodes: Node[], parentOf: (n: Node) => Node | undefined): void {
  const maxPasses = nodes.length * 2;
  for (let pass = 0; pass < maxPasses; pass++) {
    let progress = false;
    for (const n of nodes) {
      if (n.seq !== null) continue;
      const p = parentOf(n);
      if (p === undefined || p.seq === null) continue;
      n.seq = p.seq + 1;
      progress = true;
    }
    for (const n of nodes) {
      if (n.seq !== null) continue;
      let inferred: number | null = null;
      for (const c of n.children) {
        const s = nodes[c]!.seq;
        if (s === null || s - 1 < 0) continue;
        if (inferred === null || s - 1 < inferred) inferred = s - 1;
      }
      if (inferred === null) continue;
      n.seq = inferred;
      progress = true;
    }
    if (!progress) break;
  }
}

/** A binary min-heap of node indexes under `less`: Kahn's candidates in O(log n) per step. */
class Candidates {
  #heap: number[] = [];
  constructor(private readonly nodes: Node[]) {}
  get size(): number {
    return this.#heap.length;
  }
  #lt(i: number, j: number): boolean {
    return less(this.nodes[this.#heap[i]!]!, this.nodes[this.#heap[j]!]!) < 0;
  }
  #swap(i: number, j: number): void {
    const h = this.#heap;
    [h[i], h[j]] = [h[j]!, h[i]!];
  }
  push(index: number): void {
    const h = this.#heap;
    h.push(index);
    for (let i = h.length - 1; i > 0;) {
      const up = (i - 1) >> 1;
      if (!this.#lt(i, up)) break;
      this.#swap(i, up);
      i = up;
    }
  }
  pop(): number {
    const h = this.#heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length === 0) return top;
    h[0] = last;
    for (let i = 0;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < h.length && this.#lt(l, m)) m = l;
      if (r < h.length && this.#lt(r, m)) m = r;
      if (m === i) break;
      this.#swap(i, m);
      i = m;
    }
    return top;
  }
}

/**
 * The traces in chain order (a new array; the input is left as it is): parents before children
 * (Kahn's topological sort over `lineage_parent_checkpoint_id` → `lineage_checkpoint_id`), ties
 * broken by the comparator; traces caught in a cycle come last, in comparator order.
 */
export function sortLineageTraces<T extends LineageItem>(items: readonly T[]): T[] {
  if (items.length > maxLineageTraces) {
    throw new RangeError(
      `sortLineageTraces: ${items.length} traces is more than the ${maxLineageTraces} a chain ` +
        `may hold; read fewer (a smaller limit)`,
    );
  }
  if (items.length < 2) return [...items];
  const nodes = buildNodes(items);
  const parents = new Map<number, number>();
  for (const n of nodes) for (const c of n.children) parents.set(c, n.index);
  resolveSeqs(nodes, (n) => {
    const p = parents.get(n.index);
    return p === undefined ? undefined : nodes[p];
  });
  const order: number[] = [];
  const done = new Array<boolean>(nodes.length).fill(false);
  const queue = new Candidates(nodes);
  for (const n of nodes) if (n.indegree === 0) queue.push(n.index);
  while (queue.size > 0) {
    const i = queue.pop();
    if (done[i]) continue;
    done[i] = true;
    order.push(i);
    for (const c of nodes[i]!.children) {
      if (--nodes[c]!.indegree === 0) queue.push(c);
    }
  }
  if (order.length < nodes.length) {
    order.push(...nodes.filter((n) => !done[n.index]).sort(less).map((n) => n.index));
  }
  return order.map((i) => items[i]!);
}
