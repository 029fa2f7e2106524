/**
 * What a verified caller is scoped to. Provider routes trace under its tenant; the API app reads
 * only its tenant's data. Without team mode there is no principal and everything is "default".
 */
import type { MiddlewareHandler } from "hono";
import type { Gate, Principal } from "../auth/mod.ts";
import { parseTarget } from "../proxy/mod.ts";
import type { Tenant } from "../traces/mod.ts";

const defaultTenant: Tenant = { org_id: "default", workspace_id: "default", gateway_key_id: null };

export function tenantOf(principal: Principal | null): Tenant {
  return principal === null ? defaultTenant : {
    org_id: principal.orgId,
    workspace_id: principal.workspaceId,
    gateway_key_id: principal.keyId,
  };
}

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
      c.set("scope", { org_id: principal.orgId, workspace_id: principal.workspaceId });
      c.set("hideBodies", !principal.permissions.has("bodies:read"));
      c.set("actor", principal.keyId);
      c.set("principal", principal);
    }
    await next();
  };
}
