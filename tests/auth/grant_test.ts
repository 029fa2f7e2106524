/**
 * `checkGrant`: every (creator, requested role or permission) pair, generated from the role and
 * permission lists, so a new role or permission is covered without touching this file. The
 * expectation is written from the rule in words (rank, subset, operator-level, tenant), then a
 * hand-written table pins the cases the issue names (a viewer with keys:manage minting an owner
 * key; anyone granting diagnostics:read).
 */
import assert from "node:assert/strict";
import {
  checkGrant,
  describeRefusals,
  effectivePermissions,
  type GrantRefusal,
  grantRefusalReasons,
  type GrantRequest,
  operatorPermissions,
  permissionReach,
  type Principal,
  principalOf,
  rolePermissions,
  roleRank,
} from "../../src/auth/mod.ts";
import { endpoints } from "../../src/api/mod.ts";
import { type Permission, permissions, type Role, roles } from "../../src/config/mod.ts";

const tenant = { org_id: "acme", workspace_id: "ml" };

function creator(role: Role, own: readonly Permission[]): Principal {
  return principalOf({ id: "creator", ...tenant, role, permissions: [...own] });
}

function request(role: Role, own: readonly Permission[] = []): GrantRequest {
  return { orgId: tenant.org_id, workspaceId: tenant.workspace_id, role, permissions: own };
}

/** Every subset of the permissions: 2^n, 32 today. */
function subsets<T>(items: readonly T[]): T[][] {
  const out: T[][] = [[]];
  for (const item of items) {
    for (const s of out.slice()) out.push([...s, item]);
  }
  return out;
}

/** The rule in words, one expected reason per thing refused. */
function expected(c: Principal, r: GrantRequest): GrantRefusal[] {
  const out: GrantRefusal[] = [];
  if (roleRank[r.role] > roleRank[c.role]) {
    out.push({ reason: "role_above_creator", role: r.role, creator_role: c.role });
  }
  const granted = new Set([...rolePermissions[r.role], ...r.permissions]);
  for (const p of permissions) {
    if (!granted.has(p)) continue;
    if (operatorPermissions.includes(p)) out.push({ reason: "operator_permission", permission: p });
    else if (!c.permissions.has(p)) out.push({ reason: "permission_not_held", permission: p });
  }
  return out;
}

const allCreators: [string, Principal][] = [];
for (const role of roles) {
  for (const own of subsets(permissions)) {
    allCreators.push([`${role}+[${own.join(",")}]`, creator(role, own)]);
  }
}

Deno.test("checkGrant: every creator (role x permission subset) x every requested role", () => {
  let n = 0;
  for (const [name, c] of allCreators) {
    for (const role of roles) {
      const r = request(role);
      assert.deepStrictEqual(checkGrant(c, r), expected(c, r), `${name} grants role ${role}`);
      n++;
    }
  }
  assert.equal(n, roles.length * 2 ** permissions.length * roles.length);
});

Deno.test("checkGrant: every creator x every requested (role, single permission)", () => {
  let n = 0;
  for (const [name, c] of allCreators) {
    for (const role of roles) {
      for (const p of permissions) {
        const r = request(role, [p]);
        assert.deepStrictEqual(checkGrant(c, r), expected(c, r), `${name} grants ${role}+${p}`);
        n++;
      }
    }
  }
  assert.equal(n, roles.length * 2 ** permissions.length * roles.length * permissions.length);
});

Deno.test("checkGrant: every creator x every requested (role, permission subset): allowed only within the creator", () => {
  for (const [name, c] of allCreators) {
    for (const role of roles) {
      for (const own of subsets(permissions)) {
        const r = request(role, own);
        const refusals = checkGrant(c, r);
        assert.deepStrictEqual(refusals, expected(c, r), `${name} grants ${role}+[${own}]`);
        if (refusals.length > 0) continue;
        // What an allowed key can do, the creator can do: no escalation, however chained.
        const made = principalOf({ id: "made", ...tenant, role, permissions: own });
        assert.ok(roleRank[made.role] <= roleRank[c.role], name);
        for (const p of made.permissions) {
          assert.ok(c.permissions.has(p), `${name}: made key holds ${p}`);
          assert.equal(permissionReach[p], "tenant", `${name}: made key holds ${p}`);
        }
      }
    }
  }
});

Deno.test("checkGrant: another org or workspace is refused, whoever asks", () => {
  for (const [name, c] of allCreators) {
    for (
      const [org, ws] of [["other", tenant.workspace_id], [tenant.org_id, "other"], ["x", "y"]]
    ) {
      const refusals = checkGrant(c, { ...request("viewer"), orgId: org!, workspaceId: ws! });
      assert.deepStrictEqual(
        refusals.find((r) => r.reason === "other_tenant"),
        { reason: "other_tenant", org_id: org, workspace_id: ws },
        name,
      );
    }
  }
});

Deno.test("checkGrant: the cases of the issue, by hand", () => {
  const cases: [string, Principal, GrantRequest, GrantRefusal["reason"][]][] = [
    ["viewer+keys:manage mints an owner", creator("viewer", ["keys:manage"]), request("owner"), [
      "role_above_creator",
      "permission_not_held", // proxy:write
      "permission_not_held", // bodies:read
      "permission_not_held", // audit:read
      "permission_not_held", // traces:replay
    ]],
    [
      "viewer+keys:manage mints a viewer",
      creator("viewer", ["keys:manage"]),
      request("viewer"),
      [],
    ],
    [
      "viewer+keys:manage passes keys:manage on",
      creator("viewer", ["keys:manage"]),
      request("viewer", ["keys:manage"]),
      [],
    ],
    [
      "developer+keys:manage mints an admin",
      creator("developer", ["keys:manage"]),
      request("admin"),
      ["role_above_creator", "permission_not_held"], // audit:read, an admin's default
    ],
    [
      "developer+keys:manage mints a member",
      creator("developer", ["keys:manage"]),
      request("member"),
      [],
    ],
    ["admin mints an owner", creator("admin", []), request("owner"), ["role_above_creator"]],
    ["owner mints an owner", creator("owner", []), request("owner"), []],
    [
      "owner grants diagnostics:read",
      creator("owner", []),
      request("viewer", ["diagnostics:read"]),
      ["operator_permission"],
    ],
    [
      "owner holding diagnostics:read still cannot grant it",
      creator("owner", ["diagnostics:read"]),
      request("viewer", ["diagnostics:read"]),
      ["operator_permission"],
    ],
    [
      "admin gives a viewer bodies:read",
      creator("admin", []),
      request("viewer", ["bodies:read"]),
      [],
    ],
  ];
  for (const [name, c, r, reasons] of cases) {
    assert.deepStrictEqual(checkGrant(c, r).map((x) => x.reason), reasons, name);
  }
});

Deno.test("operator-level permissions: no role has one, and every cross-tenant route needs one", () => {
  assert.deepStrictEqual(operatorPermissions, ["diagnostics:read"]);
  for (const role of roles) {
    for (const p of rolePermissions[role]) assert.equal(permissionReach[p], "tenant", role);
  }
  // The trace pipeline figures count every tenant's traffic (the Prometheus scrape path is
  // configurable and is given `diagnostics:read` in src/auth/gate.ts).
  for (const e of endpoints.filter((e) => e.path.startsWith("/api/diagnostics/"))) {
    assert.ok(operatorPermissions.includes(e.access as Permission), e.path);
  }
  assert.deepStrictEqual(effectivePermissions("viewer", ["diagnostics:read"]), [
    "analytics:read",
    "diagnostics:read",
  ]);
});

Deno.test("checkGrant: a hand-written row with an unknown role or permission is refused", () => {
  const c = creator("owner", []);
  assert.deepStrictEqual(
    checkGrant(c, { ...request("viewer"), role: "root" as Role }).map((r) => r.reason),
    ["role_above_creator"],
  );
  assert.deepStrictEqual(
    checkGrant(c, request("viewer", ["everything" as Permission])).map((r) => r.reason),
    ["operator_permission"],
  );
});

Deno.test("describeRefusals names every role and permission refused, and what to do", () => {
  const c = creator("viewer", ["keys:manage"]);
  const text = describeRefusals(checkGrant(c, request("owner", ["diagnostics:read"])));
  assert.match(text, /cannot grant role owner: it ranks above your key's role viewer/);
  assert.match(text, /cannot grant diagnostics:read over the API/);
  assert.match(text, /auth\.keys\[\]\.permissions/);
  assert.match(text, /ongoingai keys create --permission/);
  assert.match(
    text,
    /cannot grant proxy:write, bodies:read, audit:read, traces:replay: your key does not hold it/,
  );
  const tenantText = describeRefusals([
    { reason: "other_tenant", org_id: "o2", workspace_id: "w2" },
  ]);
  assert.match(tenantText, /o2\/w2/);
  // Every reason has a sentence.
  for (const reason of grantRefusalReasons) {
    const sample: GrantRefusal = reason === "other_tenant"
      ? { reason, org_id: "o", workspace_id: "w" }
      : reason === "role_above_creator"
      ? { reason, role: "owner", creator_role: "viewer" }
      : { reason, permission: "bodies:read" };
    assert.notEqual(describeRefusals([sample]), "", reason);
  }
});

Deno.test("the OpenAPI error envelope lists every refusal reason", async () => {
  const { errorResponseSchema } = await import("../../src/api/contract/schemas.ts");
  const refused = errorResponseSchema.shape.error.shape.refused;
  const reason = refused.unwrap().element.shape.reason;
  assert.deepStrictEqual([...reason.options].sort(), [...grantRefusalReasons].sort());
});
