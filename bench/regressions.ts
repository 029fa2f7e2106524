/**
 * Goal figures that got worse than in the previous run of the same mode by more than a
 * threshold (issue 23: 10%). Pure. Which way is worse comes from each goal (`better`); a figure
 * that was 0 (or below: a negative added latency is noise) regresses when it becomes positive,
 * a boolean when it turns false. Flags, not failures: the exit code stays the checks' (a busy
 * machine moves figures by more than 10%, and the report says when it was busy).
 */
import type { Goal } from "./goals.ts";
import type { MachineInfo } from "./machine.ts";

export interface Regression {
  where: string;
  goal: string;
  previous: number | boolean;
  now: number | boolean;
  /** Relative change in the worse direction (0.25: 25% worse); null when previous was 0. */
  worse_by: number | null;
}

export const regressionThreshold = 0.1;

export function regressions(
  current: readonly Goal[],
  previous: readonly Goal[] | null,
  threshold = regressionThreshold,
): Regression[] {
  if (previous === null) return [];
  const before = new Map(previous.map((g) => [g.where, g.value]));
  const out: Regression[] = [];
  for (const g of current) {
    const was = before.get(g.where);
    const r = was === undefined || was === null || g.value === null
      ? null
      : compare(g, was, g.value, threshold);
    if (r !== null) out.push(r);
  }
  return out;
}

function compare(
  g: Goal,
  was: number | boolean,
  now: number | boolean,
  threshold: number,
): Regression | null {
  const base = { where: g.where, goal: g.goal, previous: was, now };
  if (typeof was === "boolean" || typeof now === "boolean") {
    const worse = g.better === "higher" ? was === true && now === false : was === false && now;
    return worse ? { ...base, worse_by: null } : null;
  }
  if (g.better === "higher") {
    if (was <= 0) return null;
    const worseBy = round((was - now) / was);
    return worseBy > threshold ? { ...base, worse_by: worseBy } : null;
  }
  if (was <= 0) return now > 0 ? { ...base, worse_by: null } : null;
  const worseBy = round((now - was) / was);
  return worseBy > threshold ? { ...base, worse_by: worseBy } : null;
}

/** To 0.1%: 2.2 against 2 is 10% worse, not 10.000000000000009%. */
const round = (v: number) => Math.round(v * 1000) / 1000;

/** The report's section: one line per regression, or that there is none. */
export function regressionLines(list: readonly Regression[], threshold = regressionThreshold) {
  if (list.length === 0) {
    return [`No goal figure is more than ${threshold * 100}% worse than in the previous run.`];
  }
  return list.map((r) =>
    `- ⚠️ \`${r.where}\` (${r.goal}): ${r.previous} → ${r.now}` +
    (r.worse_by === null ? "" : `, ${Math.round(r.worse_by * 100)}% worse`)
  );
}

/**
 * Whether two runs' figures can be compared: the same processor model and core count. Absolute
 * figures (req/s, µs) move with the processor, and so do ratios to baselines, less so.
 */
export function sameMachine(a: MachineInfo, b: MachineInfo): boolean {
  return a.cpu_model === b.cpu_model && a.cores === b.cores;
}

/**
 * The run to compare with among earlier runs of the same mode, newest first: the newest on the
 * same machine, else the newest (the report then says the machines differ).
 */
export function pickPrevious<R extends { machine: MachineInfo }>(
  newestFirst: readonly R[],
  machine: MachineInfo,
): { run: R; sameMachine: boolean } | null {
  const same = newestFirst.find((r) => sameMachine(r.machine, machine));
  if (same !== undefined) return { run: same, sameMachine: true };
  return newestFirst[0] === undefined ? null : { run: newestFirst[0], sameMachine: false };
}
