/**
 * Garbage collection of a child process, read from V8's `--trace-gc-nvp` lines on its stdout:
 * one JSON object per collection (`[pid:isolate:0] 1234 ms: GC: {...}`) with its pause, the
 * bytes allocated since the previous collection, and what survived. Summed over every isolate of
 * the process (the gateway's store worker too), like CPU time; `window()` marks a measured run.
 *
 * Two threads may print at once and cut each other's lines: a line that does not parse is
 * counted (`unreadable`), never guessed at.
 */

export interface GcTotals {
  /** Young-generation collections (scavenges) and their pauses. */
  scavenges: number;
  scavengeMs: number;
  /** Full collections (mark-compact, including incremental finalisation) and their pauses. */
  fullGcs: number;
  fullGcMs: number;
  /** Bytes allocated between collections (V8's `allocated`, summed). */
  allocatedBytes: number;
  /** Bytes a scavenge kept alive: copied within the young generation or promoted out of it. */
  survivedBytes: number;
  unreadable: number;
}

const empty = (): GcTotals => ({
  scavenges: 0,
  scavengeMs: 0,
  fullGcs: 0,
  fullGcMs: 0,
  allocatedBytes: 0,
  survivedBytes: 0,
  unreadable: 0,
});

/** The V8 flags that make a process print what `GcTrace` reads. */
export const gcTraceFlags = "--trace-gc-nvp";

export class GcTrace {
  #totals = empty();

  /** One line of the child's stdout. */
  feed(line: string): void {
    const at = line.indexOf("GC: {");
    if (at < 0) return;
    let gc: Record<string, unknown>;
    try {
      gc = JSON.parse(line.slice(at + 4)) as Record<string, unknown>;
    } catch {
      this.#totals.unreadable++;
      return;
    }
    add(this.#totals, gc);
  }

  totals(): GcTotals {
    return { ...this.#totals };
  }

  /** Totals from now until the returned function is called. */
  window(): () => GcTotals {
    const before = this.totals();
    return () => difference(this.totals(), before);
  }
}

function add(t: GcTotals, gc: Record<string, unknown>): void {
  const n = (key: string) => (typeof gc[key] === "number" ? gc[key] as number : 0);
  t.allocatedBytes += n("allocated");
  if (gc.gc === "s") {
    t.scavenges++;
    t.scavengeMs += n("pause");
    t.survivedBytes += n("new_space_survived") + n("promoted");
  } else {
    t.fullGcs++;
    t.fullGcMs += n("pause");
  }
}

function difference(a: GcTotals, b: GcTotals): GcTotals {
  const out = empty();
  for (const key of Object.keys(out) as (keyof GcTotals)[]) out[key] = a[key] - b[key];
  return out;
}

/** Figures per request over a window; null where there were no requests. */
export function perRequest(t: GcTotals, requests: number) {
  if (requests <= 0) return null;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    alloc_kb_per_request: round(t.allocatedBytes / 1024 / requests),
    gc_pause_ms_per_1k_requests: round((t.scavengeMs + t.fullGcMs) * 1000 / requests),
    survived_kb_per_scavenge: t.scavenges === 0
      ? null
      : round(t.survivedBytes / 1024 / t.scavenges),
    scavenges: t.scavenges,
    full_gcs: t.fullGcs,
    unreadable_gc_lines: t.unreadable,
  };
}
