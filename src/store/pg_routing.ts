/**
 * The routing state on PostgreSQL, shared by every instance (issue 19): open breakers and
 * cooling or disabled pool keys, in `routing_breakers` and `routing_key_blocks` (migration 007).
 *
 * Consistency: reads answer from a cache, refreshed in the background when a read finds it older
 * than `refreshMs` (one refresh at a time, none without traffic, no timer); a write updates the
 * cache at once and the database after, and a refresh that raced a local write is dropped (the
 * next read refreshes again): one during which this instance changed the cache, and one that
 * began while a write of this instance was still on its way to the database (its read, on
 * another pooled connection, may not see that write yet, and would undo the instance's own
 * change: a breaker it just opened, a key it just disabled). Another instance therefore sees a change within about `refreshMs`.
 * Every write is a single statement whose result does not depend on the order in which
 * instances' writes arrive (a cooldown keeps the later deadline, an open breaker the later end),
 * and the half-open probe is claimed by one conditional UPDATE, so exactly one instance gets it.
 * When the database cannot be reached, routing goes on with the cache (a probe is then claimed
 * locally) and `snapshot().lastError` says why.
 */
import {
  boundedReason,
  type BreakerRecord,
  inForce,
  type KeyBlock,
  type KeyScope,
  mergeCooldown,
  type ProbeClaim,
  type RoutingState,
  type RoutingStateSnapshot,
  scopeKey,
} from "../routing/mod.ts";
import type { Sql } from "./pg_connect.ts";

export interface PostgresRoutingOptions {
  /** How old the cache may get before a read refreshes it (default 1000 ms). */
  refreshMs?: number;
  /** Rows read per table (default 10000): the state of a sane config is far smaller. */
  maxRows?: number;
}

const sweepEveryMs = 60_000;
const maxErrorChars = 200;

const ms = (v: unknown): number | null => v instanceof Date ? v.getTime() : null;

export class PostgresRoutingState implements RoutingState {
  readonly shared = true;
  readonly #sql: Sql;
  readonly #assertOpen: () => void;
  readonly #refreshMs: number;
  readonly #maxRows: number;
  #breakers = new Map<string, BreakerRecord>();
  #blocks = new Map<string, KeyBlock>();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<void> | null = null;
  #writes = 0;
  /** This instance's writes sent and not yet answered by the database. */
  #writesInFlight = 0;
  #nextSweep = 0;
  #lastError: string | null = null;
  readonly #inflight = new Set<Promise<unknown>>();

  constructor(sql: Sql, assertOpen: () => void, options: PostgresRoutingOptions = {}) {
    this.#sql = sql;
    this.#assertOpen = assertOpen;
    this.#refreshMs = options.refreshMs ?? 1000;
    this.#maxRows = options.maxRows ?? 10_000;
  }

  breaker(target: string, now: number): BreakerRecord | null {
    this.#maybeRefresh(now);
    return this.#breakers.get(target) ?? null;
  }

  blocked(scope: KeyScope, now: number): KeyBlock | null {
    this.#maybeRefresh(now);
    return inForce(this.#blocks.get(scopeKey(scope)) ?? null, now);
  }

  /** Reads the database now and replaces the cache (unless a local write raced it). */
  async refresh(now: number): Promise<void> {
    const generation = this.#writes;
    const behindOwnWrite = this.#writesInFlight > 0;
    const loaded = await this.#track(this.#load(now));
    if (behindOwnWrite || generation !== this.#writes) return;
    this.#breakers = loaded.breakers;
    this.#blocks = loaded.blocks;
    this.#loadedAt = now;
    this.#lastError = null;
  }

  openBreaker(target: string, now: number, openUntil: number): Promise<void> {
    const was = this.#breakers.get(target);
    const until = Math.max(openUntil, was?.openUntil ?? 0);
    this.#local(() =>
      this.#breakers.set(target, { target, openedAt: now, openUntil: until, probeUntil: null })
    );
    return this.#write(async (sql) => {
      await sql`INSERT INTO routing_breakers (target, opened_at, open_until, probe_until)
        VALUES (${target}, ${new Date(now)}, ${new Date(openUntil)}, NULL)
        ON CONFLICT (target) DO UPDATE SET
          opened_at = EXCLUDED.opened_at,
          open_until = GREATEST(routing_breakers.open_until, EXCLUDED.open_until),
          probe_until = NULL,
          updated_at = now()`;
    });
  }

  async claimProbe(target: string, now: number, leaseMs: number): Promise<ProbeClaim> {
    const lease = now + Math.max(1, leaseMs);
    let claim: ProbeClaim;
    try {
      this.#assertOpen();
      const [row] = await this.#track(this.#sql`WITH claimed AS (
          UPDATE routing_breakers SET probe_until = ${new Date(lease)}, updated_at = now()
          WHERE target = ${target} AND open_until <= ${new Date(now)}
            AND (probe_until IS NULL OR probe_until <= ${new Date(now)})
          RETURNING target)
        SELECT (SELECT count(*) FROM claimed)::int AS claimed,
          (SELECT count(*) FROM routing_breakers WHERE target = ${target})::int AS present`);
      claim = row?.claimed === 1 ? "probe" : row?.present === 1 ? "busy" : "closed";
    } catch (err) {
      // The database is out of reach: one probe per instance rather than none at all.
      this.#failed(err);
      const b = this.#breakers.get(target);
      if (b === undefined) return "closed";
      if (now < b.openUntil || (b.probeUntil !== null && now < b.probeUntil)) return "busy";
      b.probeUntil = lease;
      return "probe";
    }
    this.#local(() => {
      const b = this.#breakers.get(target);
      if (claim === "closed") this.#breakers.delete(target);
      else if (claim === "probe") {
        // Also when this cache had not seen the breaker yet: the rest of this instance skips it.
        this.#breakers.set(target, {
          target,
          openedAt: b?.openedAt ?? now,
          openUntil: b?.openUntil ?? now,
          probeUntil: lease,
        });
      }
    });
    return claim;
  }

  releaseProbe(target: string, _now?: number): Promise<void> {
    this.#local(() => {
      const b = this.#breakers.get(target);
      if (b !== undefined) b.probeUntil = null;
    });
    return this.#write(async (sql) => {
      await sql`UPDATE routing_breakers SET probe_until = NULL, updated_at = now()
        WHERE target = ${target}`;
    });
  }

  closeBreaker(target: string, _now?: number): Promise<void> {
    this.#local(() => this.#breakers.delete(target));
    return this.#write(async (sql) => {
      await sql`DELETE FROM routing_breakers WHERE target = ${target}`;
    });
  }

  coolDown(scope: KeyScope, now: number, until: number, reason: string): Promise<void> {
    const k = scopeKey(scope);
    const r = boundedReason(reason);
    this.#local(() =>
      this.#blocks.set(k, mergeCooldown(this.#blocks.get(k) ?? null, scope, now, until, r))
    );
    // The same merge as mergeCooldown, in one statement: every SET reads the old row.
    return this.#write(async (sql) => {
      await sql`INSERT INTO routing_key_blocks AS b (provider, scope, id, state, since, until, reason)
        VALUES (${scope.provider}, ${scope.kind}, ${scope.id}, 'cooling', ${new Date(now)},
          ${new Date(until)}, ${r})
        ON CONFLICT (provider, scope, id) DO UPDATE SET
          since = CASE WHEN b.until > EXCLUDED.since THEN b.since ELSE EXCLUDED.since END,
          reason = CASE WHEN b.until > EXCLUDED.since AND b.until >= EXCLUDED.until
            THEN b.reason ELSE EXCLUDED.reason END,
          until = CASE WHEN b.until > EXCLUDED.since THEN GREATEST(b.until, EXCLUDED.until)
            ELSE EXCLUDED.until END,
          updated_at = now()
        WHERE b.state = 'cooling'`;
    });
  }

  disableKey(scope: KeyScope, now: number, reason: string): Promise<void> {
    const k = scopeKey(scope);
    const r = boundedReason(reason);
    this.#local(() => {
      if (this.#blocks.get(k)?.state === "disabled") return;
      this.#blocks.set(k, { scope, state: "disabled", since: now, until: null, reason: r });
    });
    return this.#write(async (sql) => {
      await sql`INSERT INTO routing_key_blocks AS b (provider, scope, id, state, since, until, reason)
        VALUES (${scope.provider}, ${scope.kind}, ${scope.id}, 'disabled', ${new Date(
        now,
      )}, NULL, ${r})
        ON CONFLICT (provider, scope, id) DO UPDATE SET
          state = 'disabled', since = EXCLUDED.since, until = NULL, reason = EXCLUDED.reason,
          updated_at = now()
        WHERE b.state <> 'disabled'`;
    });
  }

  async enableKey(scope: KeyScope, _now?: number): Promise<boolean> {
    this.#local(() => this.#blocks.delete(scopeKey(scope)));
    let removed = false;
    await this.#write(async (sql) => {
      const rows = await sql`DELETE FROM routing_key_blocks
        WHERE provider = ${scope.provider} AND scope = ${scope.kind} AND id = ${scope.id}
        RETURNING 1 AS x`;
      removed = rows.length > 0;
    });
    return removed;
  }

  async snapshot(now: number): Promise<RoutingStateSnapshot> {
    try {
      await this.refresh(now);
    } catch (err) {
      this.#failed(err);
    }
    const blocks = [...this.#blocks.values()].filter((b) => inForce(b, now) !== null);
    return {
      breakers: [...this.#breakers.values()].map((b) => ({ ...b })),
      blocks: blocks.map((b) => ({ ...b, scope: { ...b.scope } })),
      lastError: this.#lastError,
    };
  }

  /** Waits for background refreshes and writes (tests; closing the store). */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  #maybeRefresh(now: number): void {
    if (this.#refreshing !== null || now - this.#loadedAt < this.#refreshMs) return;
    try {
      this.#assertOpen();
    } catch {
      return;
    }
    this.#refreshing = this.refresh(now)
      .catch((err) => this.#failed(err))
      .finally(() => this.#refreshing = null);
  }

  async #load(now: number): Promise<{
    breakers: Map<string, BreakerRecord>;
    blocks: Map<string, KeyBlock>;
  }> {
    this.#assertOpen();
    const sql = this.#sql;
    if (now >= this.#nextSweep) {
      this.#nextSweep = now + sweepEveryMs;
      await this.#sweep(now);
    }
    const [breakerRows, blockRows] = await Promise.all([
      sql`SELECT target, opened_at, open_until, probe_until FROM routing_breakers
        ORDER BY updated_at DESC LIMIT ${this.#maxRows}`,
      sql`SELECT provider, scope, id, state, since, until, reason FROM routing_key_blocks
        WHERE state = 'disabled' OR until > ${new Date(now)}
        ORDER BY updated_at DESC LIMIT ${this.#maxRows}`,
    ]);
    const breakers = new Map<string, BreakerRecord>();
    for (const r of breakerRows) {
      breakers.set(r.target, {
        target: r.target,
        openedAt: ms(r.opened_at) ?? 0,
        openUntil: ms(r.open_until) ?? 0,
        probeUntil: ms(r.probe_until),
      });
    }
    const blocks = new Map<string, KeyBlock>();
    for (const r of blockRows) {
      const scope: KeyScope = { kind: r.scope, provider: r.provider, id: r.id };
      blocks.set(scopeKey(scope), {
        scope,
        state: r.state,
        since: ms(r.since) ?? 0,
        until: ms(r.until),
        reason: r.reason,
      });
    }
    return { breakers, blocks };
  }

  /** Old rows go: cooldowns an hour past, breakers nobody probed for a day (closed then). */
  async #sweep(now: number): Promise<void> {
    const hourAgo = new Date(now - 3600_000);
    const dayAgo = new Date(now - 86_400_000);
    await this.#sql`DELETE FROM routing_key_blocks WHERE state = 'cooling' AND until < ${hourAgo}`;
    await this.#sql`DELETE FROM routing_breakers
      WHERE open_until < ${dayAgo} AND (probe_until IS NULL OR probe_until < ${dayAgo})`;
  }

  #local(change: () => unknown): void {
    this.#writes++;
    change();
  }

  async #write(run: (sql: Sql) => Promise<void>): Promise<void> {
    this.#writesInFlight++;
    try {
      this.#assertOpen();
      await this.#track(run(this.#sql));
    } catch (err) {
      this.#failed(err);
      throw err;
    } finally {
      this.#writesInFlight--;
    }
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    p.then(() => this.#inflight.delete(p), () => this.#inflight.delete(p));
    return p;
  }

  #failed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.#lastError = `routing state on PostgreSQL: ${message}`.slice(0, maxErrorChars);
  }
}
