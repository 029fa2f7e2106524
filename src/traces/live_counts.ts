/**
 * The live view's other figures (issue 25), pure: requests open now, tallied per tenant so a
 * scoped caller sees only its own, and the trace writer's drops over the last minute from a small
 * ring of (time, dropped total) samples.
 */
import type { TenantScope } from "./tenant.ts";

/** Requests open in one tenant: `streams` is the part whose answer is known to be a stream. */
export interface OpenTally {
  org_id: string;
  workspace_id: string;
  requests: number;
  streams: number;
}

/** One tally per tenant from open requests (each isolate counts its own). */
export function tallyOpen(
  open: Iterable<{ tenant: TenantScope; streaming: boolean }>,
): OpenTally[] {
  const byTenant = new Map<string, OpenTally>();
  for (const o of open) {
    const key = `${o.tenant.org_id}\n${o.tenant.workspace_id}`;
    let t = byTenant.get(key);
    if (t === undefined) {
      t = { org_id: o.tenant.org_id, workspace_id: o.tenant.workspace_id, requests: 0, streams: 0 };
      byTenant.set(key, t);
    }
    t.requests++;
    if (o.streaming) t.streams++;
  }
  return [...byTenant.values()];
}

/** The open requests and streams of `scope` (null: every tenant) over several isolates' tallies. */
export function openIn(
  tallies: Iterable<readonly OpenTally[]>,
  scope: TenantScope | null,
): { requests: number; streams: number } {
  let requests = 0;
  let streams = 0;
  for (const list of tallies) {
    for (const t of list) {
      if (scope !== null && (t.org_id !== scope.org_id || t.workspace_id !== scope.workspace_id)) {
        continue;
      }
      requests += t.requests;
      streams += t.streams;
    }
  }
  return { requests, streams };
}

const sampleEveryMs = 1_000;
/** Samples kept: a minute at one a second, and the one before it. */
const maxSamples = 62;

/**
 * The writer's dropped total as it was at moments in the past, at most one sample a second, so
 * that the drops of the last minute are the total now minus the total a minute ago.
 */
export class DropSamples {
  readonly #startedAt: number;
  #times: number[] = [];
  #totals: number[] = [];

  /** `startedAt`: when the process started, with no drop yet. */
  constructor(startedAt: number) {
    this.#startedAt = startedAt;
  }

  /** Keeps `total` as of `now` unless a sample was kept less than a second ago. */
  observe(now: number, total: number): void {
    const last = this.#times.at(-1);
    if (last !== undefined && now - last < sampleEveryMs) return;
    this.#times.push(now);
    this.#totals.push(total);
    // Only the newest sample at least a minute old is ever read among the old ones.
    while (this.#times.length > maxSamples || (this.#times[1] ?? Infinity) <= now - 60_000) {
      this.#times.shift();
      this.#totals.shift();
    }
  }

  /**
   * Drops since a minute ago: `total` minus the newest sample at least a minute old. With none
   * that old, from the process start (0 drops then) when it is under a minute old, else from the
   * oldest sample kept: the best figure there is (samples come with traffic and queries).
   */
  lastMinute(now: number, total: number): number {
    const since = now - 60_000;
    let base: number | null = null;
    for (let i = 0; i < this.#times.length && this.#times[i]! <= since; i++) {
      base = this.#totals[i]!;
    }
    if (base === null) base = this.#startedAt > since ? 0 : (this.#totals[0] ?? 0);
    return Math.max(0, total - base);
  }
}
