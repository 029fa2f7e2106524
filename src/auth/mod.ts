/**
 * Team mode: gateway keys from the config (held as keyed digests, compared in constant time), the
 * principal a key stands for, the pure `authorize()` over every route, and the gate that applies
 * them to a request before anything is forwarded or read.
 */
export { type Principal, principalOf, rolePermissions, scopeOf, tenantOf } from "./principal.ts";
export {
  authorize,
  type AuthRequest,
  type AuthRoutes,
  authRoutes,
  type Decision,
  type EndpointAccess,
  type EndpointRule,
  type Requirement,
  requirementFor,
} from "./authorize.ts";
export { constantTimeEqual, createKeyRing, type KeyRing, tokenDigest } from "./keys.ts";
export { createGate, type Gate, type GateOptions } from "./gate.ts";
export {
  checkGrant,
  describeRefusals,
  effectivePermissions,
  type Grantor,
  type GrantRefusal,
  type GrantRefusalReason,
  grantRefusalReasons,
  type GrantRequest,
  operatorPermissions,
  permissionReach,
  roleRank,
} from "./grant.ts";
