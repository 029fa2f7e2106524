/**
 * A routed attempt whose target cannot read the path it would be sent: its adapter's
 * `pathProblem` (Azure has no form of an OpenAI path such as `/v1/chat/completions`) refuses it
 * before anything is sent. The target is skipped with an outcome of its own (`path_refused`:
 * no breaker failure, never tried again for this request); when every target refused, the client
 * is told which targets and why instead of a gateway error about reachability.
 */
import { GatewayError } from "../errors/mod.ts";
import type { RoutedRoute } from "../routing/mod.ts";
import type { ProxyRoute } from "./exchange_context.ts";
import type { Tried } from "./route_answer.ts";

/** Bound on one target's problem text (the adapter's words, no client data beyond the path). */
const maxProblemChars = 300;

/** One target that refused the path, for the client's error when every target did. */
export interface PathRefusal {
  provider: string;
  kind: string;
  problem: string;
}

/**
 * The failure of an attempt whose target refuses `pathAndQuery` (upstream relative, with the query
 * the attempt would send), or null when the target can read it (or does not say).
 */
export function refusedPath(
  target: ProxyRoute,
  pathAndQuery: string,
  refusals: PathRefusal[],
): Tried | null {
  const problem = target.adapter.pathProblem?.(pathAndQuery) ?? null;
  if (problem === null) return null;
  const detail = problem.slice(0, maxProblemChars);
  refusals.push({ provider: target.provider.id, kind: target.provider.kind, problem: detail });
  return { kind: "failed", outcome: { kind: "path_refused", detail }, replay: null };
}

/** The failure of an attempt whose target's protocol cannot carry the client's operation. */
export function untranslatablePath(
  target: ProxyRoute,
  problem: string,
  refusals: PathRefusal[],
): Tried {
  const detail = problem.slice(0, maxProblemChars);
  refusals.push({ provider: target.provider.id, kind: target.provider.kind, problem: detail });
  return { kind: "failed", outcome: { kind: "path_refused", detail }, replay: null };
}

/** Whether every target of `route` is of a provider that refused the path. */
export function refusedEverywhere(route: RoutedRoute, refusals: readonly PathRefusal[]): boolean {
  if (refusals.length === 0) return false;
  const refused = new Set(refusals.map((r) => r.provider));
  return route.targets.every((t) => refused.has(t.provider));
}

/** Every target refused the path by its kind's rule: the client's request is the problem. */
export function noTargetReadsPath(
  route: RoutedRoute,
  method: string,
  path: string,
  refusals: readonly PathRefusal[],
): GatewayError {
  const seen = new Set<string>();
  const each = refusals.filter((r) => !seen.has(r.provider) && seen.add(r.provider))
    .map((r) => `providers.${r.provider} (kind ${r.kind}): ${r.problem}`);
  return new GatewayError(
    "invalid_provider_path",
    `${method} ${path.slice(0, 200)}: route ${route.name} has no target that can read this ` +
      `path: ${each.join("; ").slice(0, 900)}`,
  );
}
