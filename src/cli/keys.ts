/**
 * `ongoingai keys list|create|revoke|rotate|confirm|events`: the gateway key API from the command
 * line, straight on the store the config names (no server needed), with the same secret the
 * gateway digests tokens with. Running gateways pick changes up within `auth.key_refresh_ms`.
 * Events are recorded with the actor `cli`. A created or rotated token is printed once.
 *
 * Whoever runs this holds the database and its secret, so it is not bounded by a role: it may
 * grant anything, operator-level permissions included. A key created while the config has team
 * mode off is flagged: a team-mode gateway refuses it until `keys confirm` (as it refuses keys
 * the API made while auth was off).
 *
 * `ongoingai keys pool [enable PROVIDER ID]` is the other kind of key: the provider keys of the
 * config's key pools, whose state (cooling down, disabled after a 401/402/403) lives in the
 * running gateway. It asks the gateway, as `ongoingai routes` does, by the same code (routes.ts).
 */
import { type GatewayConfig, permissions, roles } from "../config/mod.ts";
import { tokenDigest } from "../auth/mod.ts";
import { generateGatewayKeyId, generateToken } from "../api/mod.ts";
import { keyHashSecret } from "../server/mod.ts";
import {
  type GatewayKeyRecord,
  isUnconfirmed,
  type KeyStore,
  openStore,
  type TenantScope,
  type TraceStore,
} from "../store/mod.ts";
import { normaliseFormat, parseFlags, UsageError } from "./args.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { loadOrReport } from "./load.ts";
import { poolKeys } from "./routes.ts";
import { type ProgressRun, withProgress } from "./progress_run.ts";

const actions = ["list", "create", "revoke", "rotate", "confirm", "events"] as const;
type Action = (typeof actions)[number];

export const keysSpec = {
  name: "keys",
  summary: "Manage gateway keys kept in the database: list, create, revoke, rotate, confirm, " +
    "events; pool: the config's provider pool keys",
  usage:
    "ongoingai keys list|create|revoke ID|rotate ID|confirm ID|events|pool [enable PROVIDER ID] " +
    "[--config PATH] [--org ID] [--workspace ID] [--name NAME] [--description TEXT] [--role ROLE] " +
    "[--permission P]... [--url URL] [--timeout-ms N] [--format text|json]",
  flags: [
    [
      "--config PATH",
      "Config file naming the store (pool: the gateway's address); default: discovered",
    ],
    ["--org ID", "Tenant organisation (create: default `default`; others: filter)"],
    ["--workspace ID", "Tenant workspace (create: default `default`; others: filter)"],
    ["--name NAME", "create: a name for the key"],
    ["--description TEXT", "create: what the key is for"],
    ["--role ROLE", `create: ${roles.join(", ")} (default developer)`],
    ["--permission P", `create, repeatable: ${permissions.join(", ")}`],
    ["--format FORMAT", "text (default) or json"],
    ["pool", "Provider pool keys (providers.<id>.keys) of a running gateway: state, use, reason"],
    ["pool enable PROVIDER ID", "Re-enable a pool key disabled after a 401/402/403"],
    [
      "--url URL",
      "pool: the gateway's base URL, e.g. http://127.0.0.1:8080; default: the config's",
    ],
    ["--timeout-ms N", "pool: give up after N milliseconds (default 5000)"],
  ],
} as const;

const cliActor = "cli";

/** Each action with what it takes, for usage errors. */
const actionList = "list, create, revoke ID, rotate ID, confirm ID, events, or pool (provider " +
  "pool keys)";

function parseKeysArgs(args: string[]) {
  const { values, positionals } = parseFlags("keys", args, {
    config: { type: "string" },
    org: { type: "string" },
    workspace: { type: "string" },
    name: { type: "string" },
    description: { type: "string" },
    role: { type: "string" },
    permission: { type: "string", multiple: true },
    format: { type: "string" },
  }, true);
  const [action, id, ...extra] = positionals;
  if (action === undefined) {
    throw new UsageError(`keys needs an action: ${actionList}`);
  }
  if (action === "pool") {
    throw new UsageError("keys pool comes first, before its flags: `ongoingai keys pool [...]`");
  }
  if (!(actions as readonly string[]).includes(action)) {
    throw new UsageError(
      `keys: unknown action ${JSON.stringify(action)}; the actions are ${actionList}`,
    );
  }
  const needsId = action === "revoke" || action === "rotate" || action === "confirm";
  if (needsId !== (id !== undefined) || extra.length > 0) {
    throw new UsageError(
      needsId ? `keys ${action} needs exactly one key id` : `keys ${action} takes no arguments`,
    );
  }
  const role = values.role?.trim().toLowerCase() || "developer";
  if (!(roles as readonly string[]).includes(role)) {
    throw new UsageError(
      `invalid role ${JSON.stringify(values.role)}: expected ${roles.join(", ")}`,
    );
  }
  const perms = (values.permission ?? []).map((p) => p.trim().toLowerCase());
  for (const p of perms) {
    if (!(permissions as readonly string[]).includes(p)) {
      throw new UsageError(
        `invalid permission ${JSON.stringify(p)}: expected ${permissions.join(", ")}`,
      );
    }
  }
  if ((values.org === undefined) !== (values.workspace === undefined) && action !== "create") {
    throw new UsageError("--org and --workspace filter together: give both or neither");
  }
  const scope: TenantScope | undefined = values.org === undefined && values.workspace === undefined
    ? undefined
    : { org_id: values.org || "default", workspace_id: values.workspace || "default" };
  return {
    action: action as Action,
    id,
    config: values.config,
    scope,
    name: values.name ?? "",
    description: values.description ?? "",
    role,
    permissions: [...new Set(perms)],
    format: normaliseFormat("keys", values.format, ["text", "json"] as const),
  };
}

/** ` in org/workspace` when filtered; the database otherwise. */
const where = (scope: TenantScope | undefined) =>
  scope === undefined ? " in the database" : ` in ${scope.org_id}/${scope.workspace_id}`;

/** Keys of `auth.keys` live in the config, not in the database this command reads. */
const configKeysNote = (config: GatewayConfig) =>
  config.auth.keys.length > 0 ? " (the config's auth.keys are not listed here)" : "";

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

function keyLine(k: GatewayKeyRecord): string {
  const perms = k.permissions.length ? ` +${k.permissions.join(",")}` : "";
  const state = isUnconfirmed(k) ? "  (unconfirmed: created while team mode was off)" : "";
  return `${k.id}  ${k.org_id}/${k.workspace_id}  ${k.role}${perms}  ${k.created_at}  ${k.name}${state}`;
}

function printKeyWithToken(io: CliIo, json: boolean, key: GatewayKeyRecord, token: string) {
  io.stdout(
    json ? `${JSON.stringify({ ...key, token }, null, 2)}\n` : `${keyLine(key)}\ntoken: ${token}\n`,
  );
  io.stderr("The token is shown this once; store it now.\n");
}

/** What each action is doing while its database call runs, for the progress line. */
const working: Record<Action, string> = {
  list: "reading gateway keys",
  events: "reading gateway key events",
  create: "creating the key",
  revoke: "revoking the key",
  rotate: "rotating the key",
  confirm: "confirming the key",
};

export const keys: CliCommand = async (args, io) => {
  if (args[0] === "pool") return await poolKeys(args.slice(1), io);
  const opts = parseKeysArgs(args);
  return await withProgress(io, (run) => keysWith(opts, run));
};

async function keysWith(
  opts: ReturnType<typeof parseKeysArgs>,
  { io, progress }: ProgressRun,
): Promise<number> {
  const json = opts.format === "json";
  const loaded = await loadOrReport(opts.config, io);
  if (loaded === null) return exitCode.failure;
  let store: TraceStore & KeyStore;
  let secret: string;
  try {
    progress.step("opening the database");
    secret = await keyHashSecret(loaded.config, io.cwd);
    store = await openStore(loaded.config.storage, { cwd: io.cwd });
  } catch (err) {
    io.stderr(`failed to initialize gateway key store: ${message(err)}\n`);
    return exitCode.failure;
  }
  const at = new Date().toISOString();
  const teamMode = loaded.config.auth.enabled;
  try {
    progress.step(working[opts.action]);
    switch (opts.action) {
      case "list": {
        const items = await store.listKeys(opts.scope);
        if (!json && items.length === 0) {
          // On stderr, as the note it is: stdout stays one line per key for scripts.
          const tenant = opts.scope === undefined
            ? ""
            : ` --org ${opts.scope.org_id} --workspace ${opts.scope.workspace_id}`;
          io.stderr(
            `no gateway keys${where(opts.scope)}${configKeysNote(loaded.config)}; create one ` +
              `with \`ongoingai keys create${tenant} --name NAME\`\n`,
          );
          return exitCode.ok;
        }
        io.stdout(
          json
            ? `${JSON.stringify({ items }, null, 2)}\n`
            : items.map((k) => `${keyLine(k)}\n`).join(""),
        );
        return exitCode.ok;
      }
      case "events": {
        const items = await store.listKeyEvents(opts.scope, 1000);
        if (!json && items.length === 0) {
          io.stderr(`no gateway key events${where(opts.scope)}\n`);
          return exitCode.ok;
        }
        io.stdout(
          json
            ? `${JSON.stringify({ items }, null, 2)}\n`
            : items.map((e) =>
              `${e.at}  ${e.event}  ${e.key_id}  by ${e.actor_key_id}  ${e.org_id}/${e.workspace_id}\n`
            ).join(""),
        );
        return exitCode.ok;
      }
      case "create": {
        const token = generateToken();
        const key = await store.createKey({
          id: generateGatewayKeyId(),
          token_digest: tokenDigest(token, secret),
          org_id: opts.scope?.org_id ?? "default",
          workspace_id: opts.scope?.workspace_id ?? "default",
          name: opts.name,
          description: opts.description,
          role: opts.role,
          permissions: opts.permissions,
          created_by: cliActor,
          created_at: at,
          created_without_auth: !teamMode,
        });
        printKeyWithToken(io, json, key, token);
        if (!teamMode) {
          io.stderr(
            `team mode is off in this config (auth.enabled: false), so the key is flagged: a ` +
              `team-mode gateway refuses it until you run \`ongoingai keys confirm ${key.id}\`.\n`,
          );
        }
        return exitCode.ok;
      }
      case "revoke": {
        if (!await store.revokeKey(opts.id!, cliActor, at, opts.scope)) {
          io.stderr(`gateway key ${opts.id} not found (or already revoked)\n`);
          return exitCode.failure;
        }
        io.stdout(
          json ? `${JSON.stringify({ id: opts.id, revoked_at: at })}\n` : `revoked ${opts.id}\n`,
        );
        return exitCode.ok;
      }
      case "confirm": {
        const key = await store.confirmKey(opts.id!, cliActor, at, opts.scope);
        if (key === null) {
          io.stderr(`gateway key ${opts.id} not found (or revoked)\n`);
          return exitCode.failure;
        }
        const fresh = key.confirmed_at === at;
        io.stdout(
          json
            ? `${JSON.stringify(key, null, 2)}\n`
            : key.created_without_auth
            ? `${fresh ? "confirmed" : "already confirmed"} ${key.id}\n`
            : `${key.id} was created in team mode and needs no confirmation\n`,
        );
        return exitCode.ok;
      }
      case "rotate": {
        const token = generateToken();
        const digest = tokenDigest(token, secret);
        const key = await store.rotateKey(opts.id!, digest, cliActor, at, opts.scope);
        if (key === null) {
          io.stderr(`gateway key ${opts.id} not found (or revoked)\n`);
          return exitCode.failure;
        }
        printKeyWithToken(io, json, key, token);
        return exitCode.ok;
      }
    }
  } catch (err) {
    io.stderr(`gateway key ${opts.action} failed: ${message(err)}\n`);
    return exitCode.failure;
  } finally {
    await store.close();
  }
}
