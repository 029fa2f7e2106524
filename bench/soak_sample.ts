/**
 * What the soak samples every few seconds (the gateway's resident memory and open file
 * descriptors from /proc, its trace pipeline figures, the load's counters) and the drift it
 * computes from them once the warm-up is over.
 */
import type { LoadCounters } from "./soak_load.ts";
import { readMemory } from "./rss.ts";
import { round1, round3 } from "./stats.ts";

export interface SoakSample {
  /** Seconds since the soak load started. */
  t_s: number;
  rss_mb: number | null;
  fds: number | null;
  /** The part of `fds` that are sockets: client and upstream connections, listeners. */
  sockets: number | null;
  sent: number;
  errors: number;
  /** Requests finished since the previous sample, per second. */
  rps: number;
  accepted: number | null;
  written: number | null;
  dropped: number | null;
  queue_depth: number | null;
  queue_depth_high_watermark: number | null;
}

/** Entries of /proc/<pid>/fd (Linux), and how many are sockets; null where unreadable. */
export function countFds(pid: number): { fds: number; sockets: number } | null {
  try {
    let fds = 0, sockets = 0;
    for (const e of Deno.readDirSync(`/proc/${pid}/fd`)) {
      fds++;
      try {
        if (Deno.readLinkSync(`/proc/${pid}/fd/${e.name}`).startsWith("socket:")) sockets++;
      } catch { /* closed between the listing and the link: not counted as a socket */ }
    }
    return { fds, sockets };
  } catch {
    return null;
  }
}

async function pipeline(origin: string): Promise<Record<string, number> | null> {
  try {
    const res = await fetch(`${origin}/api/diagnostics/trace-pipeline`);
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    return (await res.json()).diagnostics as Record<string, number>;
  } catch {
    return null;
  }
}

export class Sampler {
  readonly samples: SoakSample[] = [];
  #t0 = performance.now();
  #lastT = 0;
  #lastDone = 0;

  constructor(
    private readonly pid: number,
    private readonly origin: string,
    private readonly load: LoadCounters,
  ) {}

  async sample(): Promise<SoakSample> {
    const mem = readMemory(this.pid);
    const fds = countFds(this.pid);
    const d = await pipeline(this.origin);
    const t = (performance.now() - this.#t0) / 1000;
    const done = this.load.ok + this.load.errors;
    const s: SoakSample = {
      t_s: round1(t),
      rss_mb: mem === null ? null : round1(mem.rssKb / 1024),
      fds: fds?.fds ?? null,
      sockets: fds?.sockets ?? null,
      sent: this.load.sent,
      errors: this.load.errors,
      rps: t > this.#lastT ? round1((done - this.#lastDone) / (t - this.#lastT)) : 0,
      accepted: d?.enqueue_accepted_total ?? null,
      written: d?.written_total ?? null,
      dropped: d?.total_dropped_total ?? null,
      queue_depth: d?.queue_depth ?? null,
      queue_depth_high_watermark: d?.queue_depth_high_watermark ?? null,
    };
    this.#lastT = t;
    this.#lastDone = done;
    this.samples.push(s);
    return s;
  }
}

export interface Drift {
  /** Samples after the warm-up, and how many make the first and the last window. */
  samples: number;
  window: number;
  first_median: number | null;
  last_median: number | null;
  change: number | null;
  change_pct: number | null;
  min: number | null;
  max: number | null;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return round3(s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2);
}

/**
 * Last-window median against first-window median, over the samples after the warm-up; a
 * window is a fifth of them (at least one), so one GC peak or a burst of connections moves
 * neither median.
 */
export function drift(values: (number | null)[]): Drift {
  const xs = values.filter((v): v is number => v !== null);
  const window = Math.max(1, Math.floor(xs.length / 5));
  const first = median(xs.slice(0, window)), last = median(xs.slice(-window));
  const change = first === null || last === null ? null : round3(last - first);
  return {
    samples: xs.length,
    window,
    first_median: first,
    last_median: last,
    change,
    change_pct: change === null || !first ? null : round1((change / first) * 100),
    min: xs.length ? Math.min(...xs) : null,
    max: xs.length ? Math.max(...xs) : null,
  };
}
