import assert from "node:assert/strict";
import {
  authorize,
  authRoutes,
  type Decision,
  type Principal,
  principalOf,
  rolePermissions,
} from "../../src/auth/mod.ts";
import { type EndpointAccess, endpoints } from "../../src/api/mod.ts";
import { type Permission, permissions, type Role, roles } from "../../src/config/mod.ts";

/**
 * What each registry endpoint needs, written out by hand: a new endpoint fails this test until it
 * is added here, and a changed `access` fails it until this table agrees.
 */
const expectedAccess: Record<string, EndpointAccess> = {
  getRoot: "public",
  getHealth: "public",
  getOpenApi: "key",
  listTraces: "analytics:read",
  getTrace: "analytics:read",
  getTraceLineage: "analytics:read",
  getTraceLineageCheckpoints: "analytics:read",
  forkTrace: "analytics:read",
  exportTraces: "analytics:read",
  getTracePipelineDiagnostics: "diagnostics:read",
  getAnalyticsUsage: "analytics:read",
  getAnalyticsCost: "analytics:read",
  getAnalyticsModels: "analytics:read",
  getAnalyticsKeys: "analytics:read",
  getAnalyticsLatency: "analytics:read",
  getAnalyticsErrors: "analytics:read",
  getAnalyticsFailovers: "analytics:read",
  getAnalyticsDimensions: "analytics:read",
  getAnalyticsSessions: "analytics:read",
  getAnalyticsSummary: "analytics:read",
  // Gateway-wide routing state; re-enabling also checks keys:manage in its handler.
  getRoutes: "diagnostics:read",
  getReconciliation: "diagnostics:read",
  // Tenant-scoped; its writer figures need diagnostics:read besides (api/live.ts).
  getLive: "analytics:read",
  enablePoolKey: "diagnostics:read",
  listGatewayKeys: "keys:manage",
  createGatewayKey: "keys:manage",
  rotateGatewayKey: "keys:manage",
  revokeGatewayKey: "keys:manage",
  listGatewayKeyEvents: "keys:manage",
  listAudit: "audit:read",
  exportAudit: "audit:read",
  // Needs bodies:read besides, checked in its handler (api/replay.ts).
  replayTrace: "traces:replay",
};

/** Role defaults, written out by hand too. */
const expectedRoles: Record<Role, Permission[]> = {
  owner: [
    "proxy:write",
    "analytics:read",
    "bodies:read",
    "keys:manage",
    "audit:read",
    "traces:replay",
  ],
  admin: [
    "proxy:write",
    "analytics:read",
    "bodies:read",
    "keys:manage",
    "audit:read",
    "traces:replay",
  ],
  developer: ["proxy:write", "analytics:read", "bodies:read", "traces:replay"],
  member: ["proxy:write", "analytics:read", "bodies:read"],
  viewer: ["analytics:read"],
};

const methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const routes = authRoutes(["/openai", "/anthropic", "/groq/v1"], endpoints);

function principal(role: Role, extra: Permission[] = []): Principal {
  return principalOf({ id: `k-${role}`, org_id: "o", role, permissions: extra });
}

/** Every caller the table tries: no key, each role alone, and each role plus each permission. */
const callers: [string, Principal | null][] = [["no key", null]];
for (const role of roles) {
  callers.push([role, principal(role)]);
  for (const p of permissions) callers.push([`${role}+${p}`, principal(role, [p])]);
}

function expected(access: EndpointAccess, who: Principal | null): Decision["allow"] | 401 | 403 {
  if (access === "public") return true;
  if (who === null) return 401;
  if (access === "key") return true;
  return who.permissions.has(access) ? true : 403;
}

function outcome(d: Decision): Decision["allow"] | 401 | 403 {
  return d.allow ? true : d.status;
}

Deno.test("every registry endpoint has a hand-checked access entry", () => {
  assert.deepEqual(
    Object.fromEntries(endpoints.map((e) => [e.operationId, e.access])),
    expectedAccess,
  );
});

Deno.test("role defaults, and explicit permissions add to them", () => {
  for (const role of roles) {
    assert.deepEqual([...rolePermissions[role]].sort(), [...expectedRoles[role]].sort(), role);
    assert.deepEqual([...principal(role).permissions].sort(), [...expectedRoles[role]].sort());
  }
  assert.ok(principal("viewer", ["diagnostics:read"]).permissions.has("diagnostics:read"));
  assert.ok(!principal("owner").permissions.has("diagnostics:read"));
});

Deno.test("principal: workspace_id, else team, else default; org default", () => {
  const base = { id: "k", org_id: "", role: "developer" as const, permissions: [] };
  assert.equal(principalOf(base).workspaceId, "default");
  assert.equal(principalOf(base).orgId, "default");
  assert.equal(principalOf({ ...base, team: "t" }).workspaceId, "t");
  assert.equal(principalOf({ ...base, team: "t", workspace_id: "w" }).workspaceId, "w");
});

/**
 * The entry a method of a path answers to: its own (HEAD as GET); a method the path does not
 * serve (405 after auth) answers to the path's first entry.
 */
function entryFor(path: string, method: string) {
  const same = endpoints.filter((e) => e.path === path);
  const m = method === "HEAD" ? "GET" : method;
  return same.find((e) => e.method.toUpperCase() === m) ?? same[0]!;
}

Deno.test("authorize: every endpoint x method x caller follows the endpoint's access", () => {
  let cases = 0;
  for (const e of endpoints) {
    const path = e.path.replace(/\{[^}]+\}/g, "trace-1");
    for (const method of methods) {
      for (const [name, who] of callers) {
        const got = outcome(authorize({ method, path }, routes, who));
        const access = entryFor(e.path, method).access;
        assert.equal(got, expected(access, who), `${method} ${path} as ${name}`);
        cases++;
      }
    }
  }
  assert.equal(cases, endpoints.length * methods.length * callers.length);
});

Deno.test("authorize: one path, two methods, two permissions (replay: GET reads, POST sends)", () => {
  const path = "/api/traces/t-1/replay";
  const viewer = principal("viewer");
  assert.equal(outcome(authorize({ method: "GET", path }, routes, viewer)), true);
  assert.equal(outcome(authorize({ method: "HEAD", path }, routes, viewer)), true);
  assert.equal(outcome(authorize({ method: "POST", path }, routes, viewer)), 403);
  assert.equal(outcome(authorize({ method: "POST", path }, routes, principal("developer"))), true);
  assert.equal(outcome(authorize({ method: "POST", path }, routes, principal("member"))), 403);
  assert.equal(
    outcome(authorize({ method: "POST", path }, routes, principal("member", ["traces:replay"]))),
    true,
  );
});

Deno.test("authorize: provider routes need proxy:write for every method, OPTIONS included", () => {
  const paths = ["/openai", "/openai/v1/chat/completions", "/anthropic/v1/messages", "/groq/v1/x"];
  for (const path of paths) {
    for (const method of methods) {
      for (const [name, who] of callers) {
        const got = outcome(authorize({ method, path }, routes, who));
        assert.equal(got, expected("proxy:write", who), `${method} ${path} as ${name}`);
      }
    }
  }
  assert.equal(
    outcome(authorize({ method: "POST", path: "/openai/x" }, routes, principal("viewer"))),
    403,
  );
});

Deno.test("authorize: unknown paths need a key (401 without one), never a 403 before auth", () => {
  const unknown = [
    "/api/nope",
    "/api/internal/debug",
    "/api/traces/a/b",
    "/api/health/",
    "/api/gateway-keys/a/b",
    "/metrics",
    "/openaix/v1",
    "/groq/v2",
    "/api/%E0%A4%A",
  ];
  for (const path of unknown) {
    for (const method of methods) {
      assert.equal(outcome(authorize({ method, path }, routes, null)), 401, `${method} ${path}`);
      for (const role of roles) {
        assert.equal(outcome(authorize({ method, path }, routes, principal(role))), true, path);
      }
    }
  }
});

Deno.test("authorize: percent-encoded API paths need what the decoded path needs", () => {
  const proxyOnly = principalOf({ id: "p", org_id: "o", role: "viewer", permissions: [] });
  (proxyOnly.permissions as Set<Permission>).delete("analytics:read");
  for (const path of ["/api/%74races", "/api/traces/%65xport", "/api/analytics/%73ummary"]) {
    assert.equal(outcome(authorize({ method: "GET", path }, routes, proxyOnly)), 403, path);
  }
  assert.equal(
    outcome(
      authorize(
        { method: "GET", path: "/api/diagnostics/trace%2Dpipeline" },
        routes,
        principal("owner"),
      ),
    ),
    403,
  );
});
