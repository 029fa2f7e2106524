/**
 * `ongoingai routes` and `ongoingai routes enable-key PROVIDER ID`: a running gateway's routing
 * as `GET /api/routes` shows it (targets, breakers, recent failure rates, pool keys' cooldowns),
 * and re-enabling a pool key disabled after a 401/402/403 (`POST
 * /api/routes/keys/{provider}/{id}/enable`). Both talk to the gateway, not to the store: breaker
 * and key state live in the gateway (in memory, or shared through PostgreSQL).
 *
 * The same for pool keys alone, where an operator looks for keys: `ongoingai keys pool` (the
 * keys' table) and `ongoingai keys pool enable PROVIDER ID`, run by this code (`poolKeys`). The
 * rest of `keys` manages gateway keys in the database; pool keys are provider credentials named
 * in the config, and their state is routing's.
 *
 * Team mode: the gateway key is read from ONGOINGAI_GATEWAY_KEY (never a flag, which `ps` would
 * show), sent in the config's `auth.header`; reading needs `diagnostics:read`, re-enabling also
 * `keys:manage`. Like `health`, it connects directly (node:http), never through HTTP_PROXY.
 */
import { normaliseFormat, parseFlags, parseTimeoutMs, UsageError } from "./args.ts";
import { failureReason, probeOrigin } from "./health.ts";
import { errorOf, requestGatewayApi, shownUrl } from "./direct_request.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { loadGatewayConfig } from "./load.ts";
import { poolKeysText, type RoutesBody, routesText } from "./routes_text.ts";

export const routesSpec = {
  name: "routes",
  summary: "Show a running gateway's routes, breakers and pool keys; re-enable a pool key",
  usage: "ongoingai routes [enable-key PROVIDER ID] [--url URL] [--config PATH] " +
    "[--format text|json] [--timeout-ms N]",
  flags: [
    ["enable-key PROVIDER ID", "Re-enable a pool key disabled after a 401/402/403"],
    ["--url URL", "Gateway base URL, e.g. http://127.0.0.1:8080; default: from the config"],
    ["--config PATH", "Config whose server address and auth.header to use; default: discovered"],
    ["--format FORMAT", "text (default) or json (the API's answer as is)"],
    ["--timeout-ms N", "Give up after N milliseconds (default 5000)"],
  ],
} as const;

/** Where the gateway key comes from in team mode. */
export const gatewayKeyEnv = "ONGOINGAI_GATEWAY_KEY";

/** The key given as `--gateway-key` (not the variable): said, since `ps` shows it to all. */
export function warnKeyFlag(flagKey: string | undefined, io: CliIo): void {
  if (flagKey === undefined) return;
  io.stderr(
    `warning: --gateway-key is visible to every user of this machine (ps); set ${gatewayKeyEnv} ` +
      "instead\n",
  );
}
const defaultHeader = "X-OngoingAI-Gateway-Key";
/** More than any answer: a config holds at most a few hundred routes and 64 keys a provider. */
const maxAnswerBytes = 8 << 20;

/** The two commands this file runs: names for messages, the verb that re-enables, what to show. */
interface Variant {
  /** As typed: "routes" or "keys pool". */
  command: string;
  /** The positional verb that re-enables a key: "enable-key" or "enable". */
  enable: string;
  show: "routes" | "keys";
}

const asRoutes: Variant = { command: "routes", enable: "enable-key", show: "routes" };
const asPoolKeys: Variant = { command: "keys pool", enable: "enable", show: "keys" };

export const routes: CliCommand = (args, io) => run(asRoutes, args, io);

/** `ongoingai keys pool [enable PROVIDER ID]` (keys.ts hands the arguments after `pool` here). */
export const poolKeys: CliCommand = (args, io) => run(asPoolKeys, args, io);

async function run(v: Variant, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(v.command, args, {
    url: { type: "string" },
    config: { type: "string" },
    format: { type: "string" },
    "timeout-ms": { type: "string" },
  }, true);
  const action = parseAction(v, positionals);
  const format = normaliseFormat(v.command, values.format, ["text", "json"] as const);
  const timeoutMs = parseTimeoutMs(v.command, values["timeout-ms"], 5000);
  if (values.url !== undefined && values.config !== undefined) {
    throw new UsageError(`${v.command}: give --url or --config, not both`);
  }
  const target = await gatewayTarget(v.command, values, io);
  if (target === null) return exitCode.failure;
  const token = io.env[gatewayKeyEnv]?.trim() ?? "";
  const path = action === null
    ? "/api/routes"
    : `/api/routes/keys/${encodeURIComponent(action.provider)}/${
      encodeURIComponent(action.id)
    }/enable`;
  let answer: { status: number; text: string };
  try {
    answer = await requestGatewayApi(target.base + path, {
      method: action === null ? "GET" : "POST",
      key: { header: target.header, token },
      timeoutMs,
      maxBytes: maxAnswerBytes,
    });
  } catch (error) {
    io.stderr(`${v.command}: ${shownUrl(target.base)}: ${failureReason(error, timeoutMs)}\n`);
    return exitCode.failure;
  }
  if (answer.status < 200 || answer.status > 299) {
    io.stderr(refusal(v, answer, token !== ""));
    return exitCode.failure;
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    io.stderr(
      `${v.command}: ${
        shownUrl(target.base)
      } answered ${answer.status} without JSON; is it the gateway?\n`,
    );
    return exitCode.failure;
  }
  io.stdout(output(v, action, body, format));
  return exitCode.ok;
}

function output(
  v: Variant,
  action: { provider: string; id: string } | null,
  body: unknown,
  format: "text" | "json",
): string {
  if (action !== null) {
    if (format === "json") return `${JSON.stringify(body, null, 2)}\n`;
    const b = body as { cleared: boolean; key: { state: string } };
    return `${action.provider}/${action.id}: ${
      b.cleared ? "re-enabled" : "had no block of its own"
    }; now ${b.key.state}\n`;
  }
  const all = body as RoutesBody;
  if (v.show === "routes") {
    return format === "json" ? `${JSON.stringify(body, null, 2)}\n` : routesText(all);
  }
  // The API's answer without the routes: its pool keys and how far they are shared.
  const keys = {
    generated_at: all.generated_at,
    shared: all.shared,
    state_error: all.state_error,
    key_pools: all.key_pools,
  };
  return format === "json" ? `${JSON.stringify(keys, null, 2)}\n` : poolKeysText(all);
}

function parseAction(v: Variant, positionals: string[]): { provider: string; id: string } | null {
  if (positionals.length === 0) return null;
  const [verb, provider, id, ...rest] = positionals;
  const example = `\`ongoingai ${v.command} ${v.enable} openai team-a\``;
  if (verb !== v.enable) {
    throw new UsageError(
      `${v.command}: unknown action ${JSON.stringify(verb)}; use \`ongoingai ${v.command}\` to ` +
        `show them or \`ongoingai ${v.command} ${v.enable} PROVIDER ID\``,
    );
  }
  if (provider === undefined || id === undefined || rest.length > 0) {
    throw new UsageError(
      `${v.command} ${v.enable} takes a provider id and a pool key id, e.g. ${example}`,
    );
  }
  return { provider, id };
}

/** `--url` checked: an absolute http(s) URL, kept without query, fragment or trailing '/'. */
export function baseUrl(raw: string, command = "routes"): string {
  let url: URL | null = null;
  try {
    url = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw.trim()) ? new URL(raw.trim()) : null;
  } catch {
    url = null;
  }
  if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(
      `${command}: --url must be the gateway's base URL with http or https, e.g. ` +
        "http://127.0.0.1:8080",
    );
  }
  url.search = "";
  url.hash = "";
  return url.href.replace(/\/+$/, "");
}

/** A running gateway's base URL and gateway-key header: `--url`, else the config's address. */
export interface GatewayTarget {
  base: string;
  header: string;
}

/** From `--url` (the default key header) or the config (`--config`, else discovered). */
export async function gatewayTarget(
  command: string,
  values: { url?: string | undefined; config?: string | undefined },
  io: CliIo,
): Promise<GatewayTarget | null> {
  if (values.url !== undefined) {
    return { base: baseUrl(values.url, command), header: defaultHeader };
  }
  const config = await loadGatewayConfig(command, command, values.config, io);
  if (config === null) return null;
  return { base: probeOrigin(config.server.host, config.server.port), header: config.auth.header };
}

/** The gateway's error answer as one line, with what to do for the usual ones. */
function refusal(v: Variant, answer: { status: number; text: string }, sentKey: boolean): string {
  const { code, message } = errorOf(answer, 300);
  const hint = answer.status === 401
    ? sentKey
      ? `\nThe key in ${gatewayKeyEnv} is not valid for this gateway.`
      : `\nThe gateway runs in team mode: set ${gatewayKeyEnv} to a gateway key with ` +
        "diagnostics:read (and keys:manage to re-enable a pool key)."
    : code === "route_not_found"
    ? "\nThis gateway predates `GET /api/routes`; upgrade it."
    : "";
  return `${v.command}: the gateway answered ${answer.status}${
    code ? ` ${code}` : ""
  }: ${message}${hint}\n`;
}
