/**
 * Who a gateway key is: its tenant, role and effective permissions. Roles grant defaults; a key's
 * own `permissions` are added to them (as in the original). There is no empty role: the schema
 * defaults `role` to `developer`, documented, where the original silently read "" as developer.
 */
import type { Permission, ResolvedAuthKey, Role } from "../config/mod.ts";
import { defaultScope, defaultTenant, type Tenant, type TenantScope } from "../traces/mod.ts";

/**
 * A verified key. Its tenant is `orgId`, `workspaceId` and `keyId`; traces and the store take it
 * as the one tenant type through `tenantOf` and `scopeOf`, never by copying the fields.
 */
export interface Principal {
  keyId: string;
  orgId: string;
  workspaceId: string;
  role: Role;
  permissions: ReadonlySet<Permission>;
  /** The key's own limits (config keys), over `limits.per_key`. */
  limits?: ResolvedAuthKey["limits"];
  /**
   * A database key created while team mode was off and not confirmed since: recognised (so it
   * is never forwarded as a credential) but refused on every route that needs a key.
   */
  unconfirmed?: true;
}

/**
 * Role defaults. `bodies:read` (captured prompts and answers) goes to every role that can send
 * traffic, not to `viewer`. `traces:replay` (re-sending a stored request, billed to the caller)
 * to owner, admin and developer; a `member` key gets it explicitly. `diagnostics:read` is no
 * role's default: the trace pipeline's figures count every tenant's traffic, so it is granted
 * per key to operators.
 */
const managing: readonly Permission[] = [
  "proxy:write",
  "analytics:read",
  "bodies:read",
  "keys:manage",
  "audit:read",
  "traces:replay",
];

export const rolePermissions: Readonly<Record<Role, readonly Permission[]>> = {
  owner: managing,
  admin: managing,
  developer: ["proxy:write", "analytics:read", "bodies:read", "traces:replay"],
  member: ["proxy:write", "analytics:read", "bodies:read"],
  viewer: ["analytics:read"],
};

export function principalOf(
  key:
    & Pick<
      ResolvedAuthKey,
      "id" | "org_id" | "workspace_id" | "team" | "role" | "permissions"
    >
    & { limits?: ResolvedAuthKey["limits"] },
): Principal {
  const role = key.role.toLowerCase() as Role;
  return {
    keyId: key.id,
    orgId: key.org_id || defaultScope.org_id,
    workspaceId: key.workspace_id || key.team || defaultScope.workspace_id,
    role,
    permissions: new Set<Permission>([
      ...(rolePermissions[role] ?? []),
      ...key.permissions.map((p) => p.toLowerCase() as Permission),
    ]),
    ...(key.limits === undefined ? {} : { limits: key.limits }),
  };
}

/**
 * The tenant a request is traced under: the principal's, or without team mode (no principal)
 * the default tenant.
 */
export function tenantOf(principal: Principal | null): Tenant {
  return principal === null ? defaultTenant : {
    org_id: principal.orgId,
    workspace_id: principal.workspaceId,
    gateway_key_id: principal.keyId,
  };
}

/** What a principal may read: its own org and workspace. */
export function scopeOf(principal: Principal): TenantScope {
  return { org_id: principal.orgId, workspace_id: principal.workspaceId };
}
