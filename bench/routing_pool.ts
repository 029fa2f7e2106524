/**
 * Two scenarios of the routing benchmark besides the fault matrix.
 *
 * Key pool: three keys whose upstream allows 10 requests per time base each (a minute by default;
 * a shorter base scales the configured rpm so the rate is the same per base), 30 requests spread
 * evenly over one base, sent without a provider key: the pool should carry them all with no 429
 * reaching the client. The fault upstream enforces the limit per key, as a provider does.
 *
 * Healthy path: the same non-streamed chat through a route (one healthy target) and unrouted,
 * interleaved request by request on the same gateway, so that both see the same machine.
 */
import type { FaultUpstream } from "../tests/support/fault_upstream.ts";
import { percentiles, round3 } from "./stats.ts";

export interface PoolResult {
  routed: boolean;
  time_base_s: number;
  requests: number;
  client_200: number;
  client_429: number;
  client_other: number;
  upstream_requests: number;
  upstream_429: number;
  per_key: Record<string, number>;
  wall_s: number;
  note: string;
}

export async function runPool(
  origin: string,
  upstream: FaultUpstream,
  baseS: number,
  requests: number,
): Promise<PoolResult> {
  const statuses: number[] = [];
  const t0 = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < requests; i++) {
    const due = t0 + (i * baseS * 1000) / requests;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    sends.push(
      fetch(`${origin}/pooled/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "pool.route", messages: [{ role: "user", content: "hi" }] }),
      }).then(async (res) => {
        await res.body?.cancel();
        statuses.push(res.status);
      }, () => void statuses.push(0)),
    );
  }
  await Promise.all(sends);
  const perKey: Record<string, number> = {};
  for (const r of upstream.requests) {
    perKey[r.key ?? "(none)"] = (perKey[r.key ?? "(none)"] ?? 0) + 1;
  }
  const routed = upstream.requests.every((r) => r.model === "pool-model");
  const client429 = statuses.filter((s) => s === 429).length;
  return {
    routed,
    time_base_s: baseS,
    requests,
    client_200: statuses.filter((s) => s === 200).length,
    client_429: client429,
    client_other: statuses.filter((s) => s !== 200 && s !== 429).length,
    upstream_requests: upstream.requests.length,
    upstream_429: upstream.requests.filter((r) => r.script === "rate_limited").length,
    per_key: perKey,
    wall_s: round3((performance.now() - t0) / 1000),
    note: routed
      ? (client429 === 0 ? "zero 429s reached the client" : `${client429} 429s reached the client`)
      : "not routed: the gateway forwarded the route's name unchanged and no pool key was used",
  };
}

export interface LatencyResult {
  routed_applied: boolean;
  requests_each: number;
  unrouted_ms: ReturnType<typeof percentiles>;
  routed_ms: ReturnType<typeof percentiles>;
  added_p50_ms: number;
  added_p99_ms: number;
  failures: number;
}

export async function runLatency(
  origin: string,
  upstream: FaultUpstream,
  each: number,
): Promise<LatencyResult> {
  const one = async (model: string) => {
    const t = performance.now();
    const res = await fetch(`${origin}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-bench-client" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
    await res.arrayBuffer();
    return { ms: performance.now() - t, ok: res.status === 200 };
  };
  const warm = Math.min(50, Math.ceil(each / 5));
  for (let i = 0; i < warm; i++) {
    await one("healthy");
    await one("healthy.routed");
  }
  const before = upstream.requests.length;
  const plain: number[] = [], routed: number[] = [];
  let failures = 0;
  for (let i = 0; i < each; i++) {
    // Alternate which goes first, so neither always follows the other.
    const order = i % 2 === 0 ? ["healthy", "healthy.routed"] : ["healthy.routed", "healthy"];
    for (const m of order) {
      const r = await one(m);
      if (!r.ok) failures++;
      (m === "healthy" ? plain : routed).push(r.ms);
    }
  }
  const seen = upstream.requests.slice(before);
  const p = percentiles(plain), q = percentiles(routed);
  return {
    // Routed requests reach the upstream as the target's model, unrouted ones as sent.
    routed_applied: !seen.some((r) => r.model === "healthy.routed"),
    requests_each: each,
    unrouted_ms: p,
    routed_ms: q,
    added_p50_ms: round3(q.p50 - p.p50),
    added_p99_ms: round3(q.p99 - p.p99),
    failures,
  };
}
