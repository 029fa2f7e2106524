/**
 * The order in which one request tries a route's targets:
 * - fallback: the configured order;
 * - weighted: drawn by weight without replacement (weight 0: only after every weighted target);
 * - least_latency: targets with no recent measurement first (so a recovered or slow target is
 *   measured again), then by recent latency; with probability `exploration` a random target
 *   jumps to the front, so estimates stay current.
 * A session's sticky target (affinity) goes first in every strategy. Unavailable targets stay in
 * the order; the route run skips them when it gets there.
 */
import type { ResolvedRoute } from "./types.ts";
import type { LatencyTracker } from "./latency.ts";
import { pickWeighted } from "./weighted.ts";

export function targetId(t: { provider: string; model: string }): string {
  return `${t.provider}/${t.model}`;
}

export interface OrderInput {
  now: number;
  random: () => number;
  latency: LatencyTracker;
  /** Target index a session is bound to, or null. */
  sticky: number | null;
  /** least_latency: chance of a random target first (default 0.05). */
  exploration?: number;
}

export function orderTargets(route: ResolvedRoute, input: OrderInput): number[] {
  const all = route.targets.map((_, i) => i);
  let order: number[];
  switch (route.strategy) {
    case "fallback":
      order = all;
      break;
    case "weighted":
      order = weightedOrder(route, all, input.random);
      break;
    case "least_latency":
      order = latencyOrder(route, all, input);
      break;
  }
  return input.sticky === null || !order.includes(input.sticky)
    ? order
    : [input.sticky, ...order.filter((i) => i !== input.sticky)];
}

function weightedOrder(route: ResolvedRoute, all: number[], random: () => number): number[] {
  const weight = (i: number) => route.targets[i]!.weight;
  const left = all.filter((i) => weight(i) > 0);
  const order: number[] = [];
  while (left.length > 0) {
    const i = pickWeighted(left, weight, random)!;
    order.push(i);
    left.splice(left.indexOf(i), 1);
  }
  return [...order, ...all.filter((i) => !(weight(i) > 0))];
}

function latencyOrder(route: ResolvedRoute, all: number[], input: OrderInput): number[] {
  const est = all.map((i) => input.latency.estimate(targetId(route.targets[i]!), input.now));
  const unknown = all.filter((i) => est[i] === null);
  const known = all.filter((i) => est[i] !== null).sort((a, b) => est[a]! - est[b]! || a - b);
  const order = [...unknown, ...known];
  if (order.length > 1 && input.random() < (input.exploration ?? 0.05)) {
    const i = order[Math.min(order.length - 1, Math.floor(input.random() * order.length))]!;
    return [i, ...order.filter((x) => x !== i)];
  }
  return order;
}
