/**
 * What a verified caller is scoped to. Provider routes trace under its tenant; the API app reads
 * only its tenant's data. Without team mode there is no principal and everything is "default".
 */
import type { MiddlewareHandler } from "hono";
import { type Gate, scopeOf } from "../auth/mod.ts";
import { parseTarget } from "../proxy/mod.ts";

export { tenantOf } from "../auth/mod.ts";

/**
 * Team mode for the API app itself, so it is protected however it is called: the caller's tenant
 * becomes the scope of every read, and a key without `bodies:read` sees no captured bodies.
 */
export function apiAuth(gate: Gate): MiddlewareHandler {
  return async (c, next) => {
    const principal = gate.check(
      c.req.method,
      parseTarget(c.req.url, null).path,
      c.req.raw.headers,
    );
    if (principal !== null) {
      c.set("scope", scopeOf(principal));
      c.set("hideBodies", !principal.permissions.has("bodies:read"));
      c.set("actor", principal.keyId);
      c.set("principal", principal);
    }
    await next();
  };
}
