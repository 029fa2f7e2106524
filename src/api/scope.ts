/**
 * The tenant scope of an API request, carried in the Hono context. Team-mode auth sets it
 * (`c.set("scope", { org_id, workspace_id })`) before the API handlers run; unset means every
 * tenant (auth off). Declared on Hono's global variable map so any Hono app, the gateway's
 * included, reads and writes it with its type.
 */
import type { TenantScope } from "../store/mod.ts";
import type { Principal } from "../auth/mod.ts";

declare module "hono" {
  interface ContextVariableMap {
    scope: TenantScope | undefined;
    /** Team mode, a key without `bodies:read`: trace detail and export show bodies as null. */
    hideBodies: boolean | undefined;
    /** Team mode: the calling key's id, recorded as the actor of key lifecycle events. */
    actor: string | undefined;
    /** Team mode: the calling key, whose role and permissions bound what it may grant. */
    principal: Principal | undefined;
  }
}

/** The variables the API reads from the context. */
export interface ApiVariables {
  scope: TenantScope | undefined;
  hideBodies: boolean | undefined;
}
