/**
 * What the route loop is given per config generation (server/ builds it): the route table, the
 * `Router` shared across reloads, the forwarding route of every enabled provider, and the pool
 * keys' secrets. Also the two rules about credentials that decide which targets a request may
 * use: a key the client sent for one provider never goes to another, and a pool key is used only
 * when the client sent none, in team mode or on a loopback-only gateway (the gateway's own cloud
 * credentials too, whatever the client sent).
 */
import {
  providerCredentialHeaders,
  providerCredentialParams,
  providerKeyFrom,
  type WireFormat,
  wireFormatOf,
} from "../providers/mod.ts";
import type { RoutedRoute, RoutedTarget, Router, RouteTable } from "../routing/mod.ts";
import type { RoutingMetrics } from "../telemetry/mod.ts";
import { agentIdentityFrom } from "../traces/mod.ts";
import type { ProxyRoute } from "./exchange_context.ts";
import { holdsCredentials } from "./upstream_auth.ts";
import type { ResponseMemory } from "./response_memory.ts";

export interface RoutingDeps {
  table: RouteTable;
  /** The routes with target lists (not functions), for `router.view(...)` (API, metrics). */
  staticRoutes: readonly RoutedRoute[];
  router: Router;
  /** The forwarding route of each enabled provider, by provider id. */
  routes: ReadonlyMap<string, ProxyRoute>;
  /** Pool key secrets: provider id, then key id. */
  secrets: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Pools may serve requests here (team mode, or a loopback-only listener). */
  poolsAllowed: boolean;
  random?: () => number;
  /** Attempts and failovers are counted here when metrics are on. */
  metrics?: RoutingMetrics | null;
  /** Where translated Responses turns are kept for `previous_response_id`; null: nowhere. */
  responses?: ResponseMemory | null;
}

export interface TargetChoice {
  /** The route with the targets this request may use, in config order. */
  route: RoutedRoute;
  usePools: boolean;
  /** Providers reached by translation: their pool serves whether or not the client sent a key. */
  pooled: ReadonlySet<string>;
  /** Targets left out, each with why (for the error when none is left). */
  skipped: string[];
}

/**
 * The targets this request may use. With a key of its own the client reaches only targets of the
 * provider it sent the key for; without one, a target needs its provider's pool (or is the entry
 * provider itself, forwarded without a key as today).
 */
export function chooseTargets(
  deps: RoutingDeps,
  route: RoutedRoute,
  entry: string,
  headers: Headers,
  search = "",
  format: WireFormat | null = null,
): TargetChoice {
  const clientKey = providerKeyFrom(headers, search) !== null ||
    providerCredentialHeaders.some((h) => headers.has(h));
  const usePools = !clientKey && deps.poolsAllowed;
  const skipped: string[] = [];
  const pooled = new Set<string>();
  const poolOf = (provider: string) => (deps.secrets.get(provider)?.size ?? 0) > 0;
  const keep = (t: RoutedTarget): boolean => {
    if (!deps.routes.has(t.provider)) {
      skipped.push(`${t.provider}/${t.model}: provider not enabled`);
      return false;
    }
    // The gateway's own cloud credentials go there, the client's never do (upstream_auth.ts);
    // like a pool they serve only in team mode or on a loopback listener.
    if (holdsCredentials(deps.routes.get(t.provider)!.provider)) {
      if (deps.poolsAllowed) return true;
      skipped.push(
        `${t.provider}/${t.model}: the gateway's own cloud credentials for ${t.provider} serve only in team mode or on a loopback listener`,
      );
      return false;
    }
    const kind = deps.routes.get(t.provider)!.provider.kind;
    if (format !== null && wireFormatOf[kind] !== format) {
      if (deps.poolsAllowed && poolOf(t.provider)) return pooled.add(t.provider), true;
      skipped.push(
        `${t.provider}/${t.model}: reached by translation, which sends only a pool key of ${t.provider} (the client's key is never sent to a provider of another protocol), and none is usable (a pool serves only in team mode or on a loopback listener)`,
      );
      return false;
    }
    if (t.provider === entry) return true;
    if (usePools && (deps.secrets.get(t.provider)?.size ?? 0) > 0) return true;
    skipped.push(
      clientKey
        ? `${t.provider}/${t.model}: the client's key is for ${entry}, never sent to another provider, and pool keys serve only requests without one`
        : `${t.provider}/${t.model}: no pool key usable for ${t.provider} (a pool serves only in team mode or on a loopback listener)`,
    );
    return false;
  };
  // A target marked `on_context_length` takes a context-length error from any earlier target.
  const targets = route.targets.filter(keep).map((t) =>
    t.onContextLength ? { ...t, contextWindow: Number.MAX_SAFE_INTEGER } : t
  );
  return { route: { ...route, targets }, usePools, pooled, skipped };
}

/**
 * The credentials of one attempt: the client's own only toward the provider it sent them for;
 * a pool key in the target kind's header when the ticket names one.
 */
export function attemptCredentials(
  headers: Record<string, string>,
  target: ProxyRoute,
  entry: string,
  poolKey: string | null,
): void {
  if (target.provider.id !== entry || poolKey !== null) {
    for (const h of providerCredentialHeaders) delete headers[h];
  }
  if (poolKey === null) return;
  // Where the target's kind reads a key: its adapter knows.
  const [name, value] = target.adapter.keyHeader(poolKey);
  headers[name] = value;
}

/**
 * The session a request belongs to, scoped to its tenant, for affinity: the agent session the
 * trace records (traces/agent_identity.ts knows every agent's session header), else its thread,
 * else the body's `prompt_cache_key`; null when there is none (no affinity).
 */
export function sessionKey(
  headers: Headers,
  promptCacheKey: unknown,
  tenant: { org_id: string; workspace_id: string },
): string | null {
  const agent = agentIdentityFrom(headers);
  let id = agent.session_id ?? agent.thread_id;
  if (id === null && typeof promptCacheKey === "string") id = promptCacheKey;
  if (id === null || id === "" || id.length > 256) return null;
  return `${tenant.org_id}/${tenant.workspace_id}/${id}`;
}

/**
 * The query an attempt sends: the client's, without the parameters that carry a provider key
 * (`?key=`) when the target is another provider than the one the client addressed.
 */
export function attemptSearch(search: string, sameProvider: boolean): string {
  if (sameProvider || search === "") return search;
  const params = new URLSearchParams(search);
  for (const p of providerCredentialParams) params.delete(p);
  const rest = params.toString();
  return rest === "" ? "" : `?${rest}`;
}
