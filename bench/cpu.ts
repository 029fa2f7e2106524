/**
 * CPU time a process has used (all its threads: the gateway's main thread and its store
 * worker), from /proc/<pid>/stat. Throughput on a shared 2-core machine also measures whoever
 * else runs there (the load generator, a collector); CPU per request is the gateway's own cost.
 */

/** Clock ticks per second of /proc's utime and stime: USER_HZ, 100 on Linux. */
const userHz = 100;

/** Seconds of user + system CPU the process has used, or null where /proc is not readable. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // The command name (field 2) may hold spaces and parentheses: count from the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / userHz : null;
  } catch {
    return null;
  }
}

/** Microseconds of CPU per request between two readings, to 0.1 µs; null when unknown. */
export function cpuMicrosPerRequest(
  before: number | null,
  after: number | null,
  requests: number,
): number | null {
  if (before === null || after === null || requests <= 0) return null;
  return Math.round(((after - before) * 1e6 / requests) * 10) / 10;
}
