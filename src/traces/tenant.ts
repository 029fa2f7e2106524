/**
 * The one tenant type: who a request belongs to. Traces are stored under a tenant, the store
 * scopes every read to a tenant's org and workspace, and auth turns a verified gateway key into
 * one (`tenantOf` in auth/principal.ts). It lives in `traces/`, the lowest folder that stores or
 * reads tenants, so that every folder above can use it.
 */
export interface Tenant {
  org_id: string;
  workspace_id: string;
  /** The gateway key that made the request; null without team mode. */
  gateway_key_id: string | null;
}

/** What data is scoped to: a tenant's org and workspace, whichever of its keys asks. */
export type TenantScope = Pick<Tenant, "org_id" | "workspace_id">;

/** Without team mode, and for keys that name none, org and workspace are "default". */
export const defaultScope: TenantScope = { org_id: "default", workspace_id: "default" };

/** The tenant of every request without team mode. */
export const defaultTenant: Tenant = { ...defaultScope, gateway_key_id: null };
