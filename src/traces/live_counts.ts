/**
 * The live view's other figures (issue 25), pure: requests open now, tallied per tenant so a
 * scoped caller sees only its own, and the trace writer's drops over the last minute from a small
 * ring of (time, dropped total) samples.
 */
import type { TenantScope } from "./tenant.ts";

/**
 * What is open in one tenant: requests (`streams` the part whose answer is known to be a stream)
 * and WebSocket relays (a Codex session's socket, open between its responses too).
 */
export interface OpenTally {
  org_id: string;
  workspace_id: string;
  requests: number;
  streams: number;
  websockets: number;
}

export type OpenFigures = Pick<OpenTally, "requests" | "streams" | "websockets">;

/** One tally per tenant from open requests and relays (each isolate counts its own). */
export function tallyOpen(
  open: Iterable<{ tenant: TenantScope; streaming: boolean }>,
  websockets: Iterable<TenantScope> = [],
): OpenTally[] {
  const byTenant = new Map<string, OpenTally>();
  const of = (s: TenantScope) => {
    const key = `${s.org_id}\n${s.workspace_id}`;
    let t = byTenant.get(key);
    if (t === undefined) {
      t = {
        org_id: s.org_id,
        workspace_id: s.workspace_id,
        requests: 0,
        streams: 0,
        websockets: 0,
      };
      byTenant.set(key, t);
    }
    return t;
  };
  for (const o of open) {
    const t = of(o.tenant);
    t.requests++;
    if (o.streaming) t.streams++;
  }
  for (const s of websockets) of(s).websockets++;
  return [...byTenant.values()];
}

/** What is open in `scope` (null: every tenant) over several isolates' tallies. */
export function openIn(
  tallies: Iterable<readonly OpenTally[]>,
  scope: TenantScope | null,
): OpenFigures {
  const sum = { requests: 0, streams: 0, websockets: 0 };
  for (const list of tallies) {
    for (const t of list) {
      if (scope !== null && (t.org_id !== scope.org_id || t.workspace_id !== scope.workspace_id)) {
        continue;
      }
      sum.requests += t.requests;
      sum.streams += t.streams;
      sum.websockets += t.websockets;
    }
  }
  return sum;
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
