/**
 * Limit counters in PostgreSQL, so every instance counts against the same limits. A reservation
 * is one transaction: the window rows are created if missing, locked in bucket order (no
 * deadlocks between instances), checked and added to, all or nothing.
 */
import { type Charge, type CounterStore, fits } from "../limits/mod.ts";
import type { Sql } from "./pg_connect.ts";

const sweepEveryMs = 60_000;

export function postgresLimitCounters(sql: Sql, assertOpen: () => void): CounterStore {
  let nextSweep = 0;
  return {
    async reserve(charges: readonly Charge[], now: number): Promise<Charge | null> {
      assertOpen();
      if (charges.length === 0) return null;
      if (now >= nextSweep) {
        nextSweep = now + sweepEveryMs;
        sql`DELETE FROM limit_counters WHERE window_end < ${new Date(now)}`.catch(() => {});
      }
      const sorted = [...charges].sort((a, b) => a.bucket < b.bucket ? -1 : 1);
      const buckets = sorted.map((c) => c.bucket);
      const ends = sorted.map((c) => new Date(c.windowEnd).toISOString());
      return await sql.begin(async (tx) => {
        await tx`INSERT INTO limit_counters (bucket, value, window_end)
          SELECT b, 0, e::timestamptz
          FROM unnest(${tx.array(buckets)}::text[], ${tx.array(ends)}::text[]) AS t(b, e)
          ON CONFLICT (bucket) DO NOTHING`;
        const rows = await tx`SELECT bucket, value FROM limit_counters
          WHERE bucket = ANY(${tx.array(buckets)}::text[]) ORDER BY bucket FOR UPDATE`;
        const current = new Map(rows.map((r) => [r.bucket as string, Number(r.value)]));
        for (const c of charges) if (!fits(current.get(c.bucket) ?? 0, c)) return c;
        const amounts = sorted.map((c) => String(c.amount));
        await tx`UPDATE limit_counters AS l SET value = l.value + t.a
          FROM unnest(${tx.array(buckets)}::text[], ${tx.array(amounts)}::bigint[]) AS t(b, a)
          WHERE l.bucket = t.b`;
        return null;
      });
    },
    async adjust(changes) {
      assertOpen();
      if (changes.length === 0) return;
      const buckets = changes.map((c) => c.bucket);
      const deltas = changes.map((c) => String(Math.round(c.delta)));
      await sql`UPDATE limit_counters AS l SET value = GREATEST(0, l.value + t.d)
        FROM unnest(${sql.array(buckets)}::text[], ${sql.array(deltas)}::bigint[]) AS t(b, d)
        WHERE l.bucket = t.b`;
    },
  };
}
