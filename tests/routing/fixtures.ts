import type { ProviderErrorCategory } from "../../src/providers/mod.ts";
/** Routes and outcomes for the routing tests. */
import type { AttemptOutcome, ResolvedRoute, RouteTarget } from "../../src/routing/mod.ts";

export const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

export function route(
  targets: Partial<RouteTarget>[],
  over: Partial<ResolvedRoute> = {},
): ResolvedRoute {
  return {
    name: "gpt-main",
    strategy: "fallback",
    targets: targets.map((t, i) => ({
      provider: `p${i}`,
      model: "m",
      weight: 1,
      ...t,
    })),
    retry: { attempts: 3, backoffMs: 250, maxBackoffMs: 8000, maxRetryAfterMs: 10_000 },
    timeouts: {
      connectMs: 5000,
      firstByteMs: 30_000,
      firstTokenMs: 10_000,
      idleMs: 10_000,
      totalMs: 120_000,
    },
    breaker: { failures: 3, openMs: 10_000 },
    streamCommit: "first_content",
    maxBufferBytes: 1 << 20,
    ...over,
  };
}

export const ok: AttemptOutcome = { kind: "success" };

export function status(
  s: number,
  headers: Record<string, string> = {},
  category: ProviderErrorCategory | null = null,
): AttemptOutcome {
  return {
    kind: "status",
    status: s,
    headers: new Headers(headers),
    error: category === null ? null : { category, message: null },
  };
}

export const refused: AttemptOutcome = { kind: "connect_failed", detail: "ECONNREFUSED" };
export const headerTimeout: AttemptOutcome = { kind: "timeout", phase: "first_byte" };

/** A deterministic random source cycling through `values`. */
export function randoms(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}
