/**
 * Resident memory of a child process, from /proc (Linux). The kernel's own high-water mark
 * (VmHWM) is reset before a measurement when allowed, so that the peak belongs to the scenario
 * and not to startup; a 50 ms sampler backs it up where the reset is refused.
 */

export interface MemorySample {
  rssKb: number;
  hwmKb: number;
}

export function readMemory(pid: number): MemorySample | null {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const field = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
    const rssKb = field("VmRSS");
    const hwmKb = field("VmHWM");
    return Number.isFinite(rssKb) && Number.isFinite(hwmKb) ? { rssKb, hwmKb } : null;
  } catch {
    return null;
  }
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+, same user). */
export function resetPeak(pid: number): boolean {
  try {
    Deno.writeTextFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

export interface MemoryFigures {
  /** RSS when the measurement started (after startup and warm-up). */
  baseline_mb: number;
  /** Highest RSS during the measurement. */
  peak_mb: number;
  growth_mb: number;
  /** "kernel" when VmHWM was reset for the measurement, else "sampled" (50 ms). */
  source: "kernel" | "sampled";
}

export interface MemoryWatch {
  stop(): MemoryFigures | null;
}

export function watchMemory(pid: number, intervalMs = 50): MemoryWatch {
  const start = readMemory(pid);
  const kernel = start !== null && resetPeak(pid);
  let sampledPeak = start?.rssKb ?? 0;
  const timer = setInterval(() => {
    const m = readMemory(pid);
    if (m !== null) sampledPeak = Math.max(sampledPeak, m.rssKb);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      if (start === null) return null;
      const end = readMemory(pid);
      const peakKb = Math.max(sampledPeak, end?.rssKb ?? 0, kernel && end ? end.hwmKb : 0);
      const mb = (kb: number) => Math.round(kb / 102.4) / 10;
      return {
        baseline_mb: mb(start.rssKb),
        peak_mb: mb(peakKb),
        growth_mb: mb(peakKb - start.rssKb),
        source: kernel ? "kernel" : "sampled",
      };
    },
  };
}
