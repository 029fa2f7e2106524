/**
 * How long a gateway kept `/api/health` waiting while something else ran, counted in the
 * gateway's own CPU time. On a shared 2-core machine running the whole suite in parallel, a
 * health request can wait a second of wall time because the operating system ran other tests;
 * a stalled event loop instead burns the gateway's CPU for the whole wait. So each wait is
 * measured both ways, and the stall is the CPU the gateway used while the request waited: a
 * synchronous step of seconds shows up as seconds whatever the machine's load, a slow machine
 * does not.
 */

/**
 * CPU seconds of the process's main thread (its JavaScript event loop), whose task id is the
 * process id. Other threads (the store worker writing a large body, GC helpers) run beside the
 * loop and do not keep a health check waiting, so they are left out.
 */
function mainThreadCpuSeconds(pid: number): number | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, USER_HZ = 100
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}

export interface HealthWaits {
  /** Polls answered while `until` was pending. */
  count: number;
  /** The longest wall-clock wait, in ms (for messages). */
  worstWallMs: number;
  /** The most CPU (main thread, ms, 10 ms ticks) the gateway used during one wait. */
  worstBusyMs: number;
}

/** Polls `origin`'s `/api/health` back to back (with `gapMs` between) until `until` settles. */
export async function healthWaitsWhile(
  origin: string,
  pid: number,
  until: Promise<unknown>,
  gapMs = 20,
): Promise<HealthWaits> {
  let done = false;
  void until.finally(() => (done = true)).catch(() => {});
  const waits: HealthWaits = { count: 0, worstWallMs: 0, worstBusyMs: 0 };
  while (!done) {
    const cpu0 = mainThreadCpuSeconds(pid);
    const t0 = performance.now();
    const res = await fetch(`${origin}/api/health`);
    await res.body?.cancel();
    const wall = performance.now() - t0;
    const cpu1 = mainThreadCpuSeconds(pid);
    if (res.status !== 200) throw new Error(`/api/health answered ${res.status}`);
    waits.count++;
    waits.worstWallMs = Math.max(waits.worstWallMs, wall);
    if (cpu0 !== null && cpu1 !== null) {
      waits.worstBusyMs = Math.max(waits.worstBusyMs, (cpu1 - cpu0) * 1000);
    }
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return waits;
}

/** The assertion message's figures. */
export function describeWaits(w: HealthWaits): string {
  return `${w.count} health checks, the longest waited ${w.worstWallMs.toFixed(0)} ms ` +
    `with the gateway busy ${w.worstBusyMs.toFixed(0)} ms of it`;
}
