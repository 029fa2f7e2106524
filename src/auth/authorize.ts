/**
 * `authorize()`: pure, given the request line, the route table and who is calling (or null when
 * no valid key came). Every path gets a requirement, so nothing falls between the cracks:
 *
 * - under a provider prefix: `proxy:write`, whatever the method (OPTIONS too: it would be
 *   forwarded upstream);
 * - an API endpoint of the registry: the `access` its entry for the request's method declares
 *   (HEAD as GET; one path may need `analytics:read` to GET and `traces:replay` to POST); a
 *   method the path does not serve needs its first entry's access, then gets 405 after auth,
 *   so it reveals nothing to a caller without a key;
 * - anything else, `/api/...` included: a valid key, then the API's 404. Unlike the original, an
 *   unknown `/api` path is never a 403 before authentication, and no path is public by accident.
 *
 * Provider prefixes are matched on the raw path, as the proxy routes; API paths are matched after
 * `decodeURI`, as Hono routes, so `/api/%74races` needs what `/api/traces` needs.
 */
import type { Permission } from "../config/mod.ts";
import type { Principal } from "./principal.ts";

/**
 * Who may call an API endpoint in team mode (\`auth.enabled\`): anyone (\`public\`), any valid
 * gateway key (\`key\`), or a key holding that permission. Every endpoint of the API's registry
 * declares one; the gate is given the registry (auth does not import the API).
 */
export type EndpointAccess = "public" | "key" | Permission;

/** What the gate needs to know of an API endpoint. */
export interface EndpointRule {
  path: string;
  access: EndpointAccess;
  /** `get`, `post`, ...; absent: every method. */
  method?: string;
}

export type Requirement =
  | { kind: "public" }
  | { kind: "key" }
  | { kind: "permission"; permission: Permission };

export type Decision =
  | { allow: true; requirement: Requirement }
  | { allow: false; status: 401; requirement: Requirement }
  | { allow: false; status: 403; requirement: Requirement; permission: Permission };

/** One API path's requirements: by method (upper case), else its first entry's. */
export interface PathRequirements {
  byMethod: ReadonlyMap<string, Requirement>;
  otherwise: Requirement;
}

export interface AuthRoutes {
  providerPrefixes: readonly string[];
  exact: ReadonlyMap<string, PathRequirements>;
  patterns: readonly (readonly [RegExp, PathRequirements])[];
}

export interface AuthRequest {
  method: string;
  /** Raw path as sent, without the query. */
  path: string;
}

function requirementOf(access: EndpointAccess): Requirement {
  return access === "public" || access === "key"
    ? { kind: access }
    : { kind: "permission", permission: access };
}

/** Compiled once at startup from the provider prefixes and the API registry. */
export function authRoutes(
  providerPrefixes: readonly string[],
  endpoints: readonly EndpointRule[],
): AuthRoutes {
  const byPath = new Map<string, { byMethod: Map<string, Requirement>; otherwise: Requirement }>();
  for (const e of endpoints) {
    const requirement = requirementOf(e.access);
    const rule = byPath.get(e.path) ?? { byMethod: new Map(), otherwise: requirement };
    if (e.method !== undefined && !rule.byMethod.has(e.method.toUpperCase())) {
      rule.byMethod.set(e.method.toUpperCase(), requirement);
    }
    byPath.set(e.path, rule);
  }
  const exact = new Map<string, PathRequirements>();
  const patterns: [RegExp, PathRequirements][] = [];
  for (const [path, rule] of byPath) {
    if (!path.includes("{")) {
      exact.set(path, rule);
      continue;
    }
    const source = path.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
      .join("[^/]+");
    patterns.push([new RegExp(`^${source}$`), rule]);
  }
  return { providerPrefixes, exact, patterns };
}

function forMethod(rule: PathRequirements, method: string): Requirement {
  const m = method.toUpperCase();
  return rule.byMethod.get(m) ?? (m === "HEAD" ? rule.byMethod.get("GET") : undefined) ??
    rule.otherwise;
}

const anyKey: Requirement = { kind: "key" };
const proxyWrite: Requirement = { kind: "permission", permission: "proxy:write" };

function underPrefix(path: string, prefix: string): boolean {
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47);
}

export function requirementFor(req: AuthRequest, routes: AuthRoutes): Requirement {
  for (const prefix of routes.providerPrefixes) {
    if (underPrefix(req.path, prefix)) return proxyWrite;
  }
  let path = req.path;
  try {
    path = decodeURI(req.path);
  } catch {
    // Malformed escapes match no endpoint: a valid key, then 404 or 400.
  }
  const exact = routes.exact.get(path);
  if (exact !== undefined) return forMethod(exact, req.method);
  for (const [pattern, rule] of routes.patterns) {
    if (pattern.test(path)) return forMethod(rule, req.method);
  }
  return anyKey;
}

export function authorize(
  req: AuthRequest,
  routes: AuthRoutes,
  principal: Principal | null,
): Decision {
  const requirement = requirementFor(req, routes);
  if (requirement.kind === "public") return { allow: true, requirement };
  if (principal === null) return { allow: false, status: 401, requirement };
  if (requirement.kind === "key" || principal.permissions.has(requirement.permission)) {
    return { allow: true, requirement };
  }
  return { allow: false, status: 403, requirement, permission: requirement.permission };
}
