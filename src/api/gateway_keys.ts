/**
 * Gateway key lifecycle over the API: list, create, revoke, rotate, and the audit log. Keys land
 * in the caller's tenant whatever the body says (the body has no tenant fields), another
 * tenant's key is a 404, and the token is generated here and shown once, in the create or rotate
 * answer: the store only ever sees its keyed digest.
 *
 * Only in team mode: without it anyone who reaches the port would mint keys that wake up when
 * team mode is turned on (`ongoingai keys` on the host still works, and flags what it makes).
 * A created or rotated key is bounded by its creator (`checkGrant`, src/auth/grant.ts), and a
 * body must be JSON, which a cross-site form post cannot send.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { type Permission, permissions, type Role, roles } from "../config/mod.ts";
import { checkGrant, describeRefusals, type Principal } from "../auth/mod.ts";
import { GatewayError } from "../errors/mod.ts";
import { readJsonBody } from "./json_body.ts";
import type { KeyStore } from "../store/mod.ts";
import { defaultScope } from "../traces/mod.ts";
import { Buffer } from "node:buffer";

export const gatewayKeySchema = z.object({
  id: z.string(),
  org_id: z.string(),
  workspace_id: z.string(),
  name: z.string(),
  description: z.string(),
  role: z.string(),
  permissions: z.array(z.string()).describe("Added to the role's defaults."),
  created_by: z.string().describe("The key that created it, or `system`."),
  created_at: z.string(),
  last_rotated_at: z.string().nullable(),
  created_without_auth: z.boolean().describe(
    "Created while team mode was off (by `ongoingai keys create` without team mode, or over " +
      "the API before it required team mode); refused in team mode until confirmed.",
  ),
  confirmed_at: z.string().nullable().describe(
    "When an operator confirmed it with `ongoingai keys confirm`; null when not (or not needed).",
  ),
}).meta({ id: "GatewayKey", description: "A gateway key created through the API, without token." });

export const gatewayKeyWithTokenSchema = gatewayKeySchema.extend({
  token: z.string().describe("The token: shown here once, never stored or shown again."),
}).meta({ id: "GatewayKeyWithToken" });

export const gatewayKeyListSchema = z.object({ items: z.array(gatewayKeySchema) }).meta({
  id: "GatewayKeyList",
  description: "The caller's tenant's active keys, oldest first.",
});

export const gatewayKeyEventSchema = z.object({
  id: z.int(),
  key_id: z.string(),
  event: z.enum(["created", "rotated", "revoked", "confirmed"]),
  actor_key_id: z.string().describe("The key that acted, or `system`."),
  org_id: z.string(),
  workspace_id: z.string(),
  at: z.string(),
}).meta({ id: "GatewayKeyEvent" });

export const gatewayKeyEventListSchema = z.object({ items: z.array(gatewayKeyEventSchema) })
  .meta({ id: "GatewayKeyEventList", description: "Newest first, at most 1000." });

export const createGatewayKeySchema = z.strictObject({
  name: z.string().max(200).default(""),
  description: z.string().max(2000).default(""),
  role: z.enum(roles).default("developer"),
  permissions: z.array(z.enum(permissions)).default([]),
}).meta({
  id: "GatewayKeyCreate",
  description: "Optional. The id and token are generated; the tenant is the caller's.",
});

export const gatewayKeyIdSchema = z.string().describe("The key's id (`gk_...`).");

/** A token: `ogk_` and 24 random bytes, base64url (32 characters). */
export function generateToken(): string {
  return `ogk_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url")}`;
}

/** A key id: `gk_` and 8 random bytes, hex. */
export function generateGatewayKeyId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `gk_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export interface GatewayKeyDeps {
  /** Without team mode every key route answers 403 `team_mode_required`. */
  teamMode: boolean;
  keys: KeyStore | undefined;
  /** Keyed digest of a token (src/auth `tokenDigest` under the key-hash secret). */
  digest(token: string): string;
  now(): number;
  /** After a change, so this instance honours it at once (the others within their refresh). */
  onChange?: () => Promise<void>;
}

const bodyRules = {
  max: 64 * 1024,
  tooLarge: "a gateway key needs only name, description, role and permissions",
  example: '{"name": "ci", "role": "developer"}',
};

/** The answer on every key route without team mode. */
export function teamModeRequired(): GatewayError {
  return new GatewayError(
    "team_mode_required",
    "key management over HTTP needs team mode (auth.enabled: true): without it anyone who can " +
      "reach the gateway could create keys. On the host, `ongoingai keys` manages keys without it",
  );
}

/** Refuses a grant beyond the caller's own (src/auth/grant.ts). */
function assertGrant(
  caller: Principal | undefined,
  key: { org_id: string; workspace_id: string; role: string; permissions: readonly string[] },
  verb: "create" | "rotate",
): void {
  // Team mode always sets the caller; without one there is nothing to bound by, so refuse.
  if (caller === undefined) throw teamModeRequired();
  const refusals = checkGrant(caller, {
    orgId: key.org_id,
    workspaceId: key.workspace_id,
    role: key.role as Role,
    permissions: key.permissions as Permission[],
  });
  if (refusals.length === 0) return;
  throw new GatewayError(
    "grant_refused",
    `gateway key ${caller.keyId} (role ${caller.role}) cannot ${verb} this key: ` +
      describeRefusals(refusals),
    { refused: refusals },
  );
}

export function registerGatewayKeyRoutes(app: Hono, deps: GatewayKeyDeps): void {
  if (!deps.teamMode) {
    const refuse = () => {
      throw teamModeRequired();
    };
    // The documented methods only: any other is still a 405.
    app.on(["GET", "POST"], "/api/gateway-keys", refuse);
    app.delete("/api/gateway-keys/:id", refuse);
    app.post("/api/gateway-keys/:id/rotate", refuse);
    app.get("/api/gateway-key-events", refuse);
    return;
  }
  const store = (): KeyStore => {
    if (deps.keys === undefined) {
      throw new GatewayError("store_unavailable", "this store does not keep gateway keys");
    }
    return deps.keys;
  };
  const at = () => new Date(deps.now()).toISOString();
  // The change is stored; a failed reload here is caught up by the periodic one.
  const changed = () => deps.onChange?.().catch(() => {});
  const notFound = (id: string) =>
    new GatewayError("not_found", `gateway key ${id.slice(0, 128)} not found in your tenant`);

  app.get(
    "/api/gateway-keys",
    async (c) => c.json({ items: await store().listKeys(c.get("scope")) }),
  );

  app.post("/api/gateway-keys", async (c) => {
    const keys = store();
    const parsed = createGatewayKeySchema.safeParse(await readJsonBody(c.req.raw, bodyRules));
    if (!parsed.success) {
      throw new GatewayError(
        "bad_request",
        `invalid gateway key: ${z.prettifyError(parsed.error)}`,
      );
    }
    const tenant = c.get("scope") ?? defaultScope;
    assertGrant(c.get("principal"), { ...tenant, ...parsed.data }, "create");
    const token = generateToken();
    const record = await keys.createKey({
      id: generateGatewayKeyId(),
      token_digest: deps.digest(token),
      ...tenant,
      ...parsed.data,
      created_by: c.get("actor") ?? "system",
      created_at: at(),
      created_without_auth: false,
    });
    await changed();
    return c.json({ ...record, token }, 201);
  });

  app.delete("/api/gateway-keys/:id", async (c) => {
    const id = c.req.param("id");
    const ok = await store().revokeKey(id, c.get("actor") ?? "system", at(), c.get("scope"));
    if (!ok) throw notFound(id);
    await changed();
    return c.body(null, 204);
  });

  app.post("/api/gateway-keys/:id/rotate", async (c) => {
    const id = c.req.param("id");
    const scope = c.get("scope");
    // The new token is the caller's to use: bound it like a new key. A key's role and
    // permissions never change, so checking before the rotate leaves no gap.
    const current = (await store().listKeys(scope)).find((k) => k.id === id);
    if (current === undefined) throw notFound(id);
    assertGrant(c.get("principal"), current, "rotate");
    const token = generateToken();
    const record = await store().rotateKey(
      id,
      deps.digest(token),
      c.get("actor") ?? "system",
      at(),
      c.get("scope"),
    );
    if (record === null) throw notFound(id);
    await changed();
    return c.json({ ...record, token });
  });

  app.get(
    "/api/gateway-key-events",
    async (c) => c.json({ items: await store().listKeyEvents(c.get("scope"), 1000) }),
  );
}
