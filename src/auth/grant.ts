/**
 * What a key holding `keys:manage` may hand out over the API. Without a bound, `keys:manage` is
 * every permission: a viewer could mint an owner key, and any manager could mint
 * `diagnostics:read`, which reads every tenant's traffic. The rules, as one pure function:
 *
 * - the new key's role is no higher than the creator's (`roleRank`);
 * - each of its effective permissions (role defaults plus its own) is one the creator holds;
 * - operator-level permissions, those whose data crosses tenants, are never granted over the
 *   API, whoever asks: only the config (`auth.keys`) or `ongoingai keys` on the host give them;
 * - the key lands in the creator's org and workspace.
 *
 * The same check guards a rotate: the new token would hand the rotator the key's powers.
 */
import { type Permission, permissions, type Role } from "../config/mod.ts";
import { rolePermissions } from "./principal.ts";

/**
 * Higher grants more. `developer` and `member` have the same defaults, so neither outranks the
 * other. A `Record` over every role, so a new role cannot be added without a rank.
 */
export const roleRank: Readonly<Record<Role, number>> = {
  owner: 4,
  admin: 3,
  developer: 2,
  member: 2,
  viewer: 1,
};

/**
 * Whose data a permission reaches. `operator`: every tenant's (the trace pipeline figures and the
 * Prometheus scrape count all tenants' traffic, by model). A `Record` over every permission, so
 * a new permission must be classified before it compiles.
 */
export const permissionReach: Readonly<Record<Permission, "tenant" | "operator">> = {
  "proxy:write": "tenant",
  "analytics:read": "tenant",
  "keys:manage": "tenant",
  "bodies:read": "tenant",
  "diagnostics:read": "operator",
  // The tenant's own entries; gateway-wide ones need `diagnostics:read` besides (api/audit.ts).
  "audit:read": "tenant",
  // Re-sends the caller's tenant's stored requests (api/replay.ts), billed to the caller's key.
  "traces:replay": "tenant",
};

export const operatorPermissions: readonly Permission[] = permissions.filter((p) =>
  permissionReach[p] === "operator"
);

/** The key that asks: its tenant, role and effective permissions (a `Principal`). */
export interface Grantor {
  orgId: string;
  workspaceId: string;
  role: Role;
  permissions: ReadonlySet<Permission>;
}

/** The key to be created (or rotated): its tenant, role and own permissions. */
export interface GrantRequest {
  orgId: string;
  workspaceId: string;
  role: Role;
  permissions: readonly Permission[];
}

/** Why a grant is refused: a closed set. */
export type GrantRefusal =
  | { reason: "role_above_creator"; role: Role; creator_role: Role }
  | { reason: "operator_permission"; permission: Permission }
  | { reason: "permission_not_held"; permission: Permission }
  | { reason: "other_tenant"; org_id: string; workspace_id: string };

export type GrantRefusalReason = GrantRefusal["reason"];

export const grantRefusalReasons: readonly GrantRefusalReason[] = [
  "role_above_creator",
  "operator_permission",
  "permission_not_held",
  "other_tenant",
];

/** The role defaults and own permissions together, in `permissions` order. */
export function effectivePermissions(
  role: Role,
  own: readonly Permission[],
): Permission[] {
  const set = new Set<Permission>([...(rolePermissions[role] ?? []), ...own]);
  return permissions.filter((p) => set.has(p));
}

/** Every reason the grant is refused; empty when it is allowed. */
export function checkGrant(creator: Grantor, requested: GrantRequest): GrantRefusal[] {
  const refusals: GrantRefusal[] = [];
  if (requested.orgId !== creator.orgId || requested.workspaceId !== creator.workspaceId) {
    refusals.push({
      reason: "other_tenant",
      org_id: requested.orgId,
      workspace_id: requested.workspaceId,
    });
  }
  // An unknown role (a database row written by hand) ranks above everything: refused.
  const rank = roleRank[requested.role] ?? Infinity;
  if (rank > (roleRank[creator.role] ?? 0)) {
    refusals.push({
      reason: "role_above_creator",
      role: requested.role,
      creator_role: creator.role,
    });
  }
  for (const p of effectivePermissions(requested.role, requested.permissions)) {
    if (permissionReach[p] !== "tenant") {
      refusals.push({ reason: "operator_permission", permission: p });
    } else if (!creator.permissions.has(p)) {
      refusals.push({ reason: "permission_not_held", permission: p });
    }
  }
  // A permission outside the known list (hand-written row) is neither tenant nor held.
  for (const p of requested.permissions) {
    if (!(permissions as readonly string[]).includes(p)) {
      refusals.push({ reason: "operator_permission", permission: p });
    }
  }
  return refusals;
}

/** One sentence per reason, naming what cannot be granted and what to do instead. */
export function describeRefusals(refusals: readonly GrantRefusal[]): string {
  const parts: string[] = [];
  const byReason = <R extends GrantRefusalReason>(r: R) =>
    refusals.filter((x): x is Extract<GrantRefusal, { reason: R }> => x.reason === r);
  for (const r of byReason("other_tenant")) {
    parts.push(
      `cannot create a key in ${r.org_id}/${r.workspace_id}: keys land in your own org and workspace`,
    );
  }
  for (const r of byReason("role_above_creator")) {
    parts.push(`cannot grant role ${r.role}: it ranks above your key's role ${r.creator_role}`);
  }
  const operator = byReason("operator_permission").map((r) => r.permission);
  if (operator.length > 0) {
    parts.push(
      `cannot grant ${operator.join(", ")} over the API: it reads every tenant's traffic, so ` +
        "only the config (auth.keys[].permissions) or `ongoingai keys create --permission` on " +
        "the host can give it",
    );
  }
  const notHeld = byReason("permission_not_held").map((r) => r.permission);
  if (notHeld.length > 0) {
    parts.push(`cannot grant ${notHeld.join(", ")}: your key does not hold it`);
  }
  return parts.join("; ");
}
