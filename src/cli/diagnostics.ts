/**
 * `ongoingai diagnostics [trace-pipeline]`: a running gateway's trace pipeline (queue, drops,
 * write failures, store) as `GET /api/diagnostics/trace-pipeline` reports it, with the original's
 * flags, messages and exit codes (0 ok, 1 failure, 2 usage).
 *
 * The gateway key: ONGOINGAI_GATEWAY_KEY, as `routes` reads it. `--gateway-key` is accepted for
 * the original's scripts, with a warning, since `ps` shows every process's command line. It is
 * sent in `--auth-header`, else the config's `auth.header`; reading needs `diagnostics:read`.
 * Like `health` and `routes`, it connects directly (never through HTTP_PROXY), gives up after
 * `--timeout`, and refuses an answer over 1 MiB.
 */
import { normaliseFormat, parseFlags, parseTimeoutMs, UsageError } from "./args.ts";
import { diagnosticsText, parseGoDuration } from "./diagnostics_text.ts";
import { requestGatewayApi, shownUrl } from "./direct_request.ts";
import { failureReason } from "./health.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { loadGatewayConfig } from "./load.ts";
import {
  baseUrl,
  gatewayKeyEnv,
  type GatewayTarget,
  gatewayTarget,
  warnKeyFlag,
} from "./routes.ts";

export const diagnosticsSpec = {
  name: "diagnostics",
  summary: "Show a running gateway's trace pipeline: queue, drops, write failures, store",
  usage: "ongoingai diagnostics [trace-pipeline] [--config PATH] [--base-url URL] " +
    "[--gateway-key TOKEN] [--auth-header HEADER] [--format text|json] [--timeout DURATION]",
  flags: [
    ["trace-pipeline", "The only target (the default)"],
    ["--base-url URL", "Gateway base URL (also --url); default: the config's server address"],
    ["--config PATH", "Config whose server address and auth.header to use; default: discovered"],
    [
      "--gateway-key TOKEN",
      "Team mode key; prefer ONGOINGAI_GATEWAY_KEY (read when this is absent): ps shows flags",
    ],
    ["--auth-header HEADER", "Header for the key; default: the config's auth.header"],
    ["--format FORMAT", "text (default) or json (the API's answer as is)"],
    [
      "--timeout DURATION",
      "Give up after this long, e.g. 5s, 500ms (default 5s; also --timeout-ms N)",
    ],
  ],
} as const;

const target = "trace-pipeline";
const path = "/api/diagnostics/trace-pipeline";
/** The original's cap; the document is a few hundred bytes. */
export const maxDiagnosticsBytes = 1 << 20;
const defaultTimeoutMs = 5000;

export interface DiagnosticsOptions {
  base: string | undefined;
  config: string | undefined;
  flagKey: string | undefined;
  authHeader: string | undefined;
  format: "text" | "json";
  timeoutMs: number;
}

/** The flags checked; usage errors (exit 2) thrown as UsageError. */
export function parseDiagnosticsArgs(args: string[]): DiagnosticsOptions {
  const { values, positionals } = parseFlags("diagnostics", args, {
    config: { type: "string" },
    "base-url": { type: "string" },
    url: { type: "string" },
    "gateway-key": { type: "string" },
    "auth-header": { type: "string" },
    format: { type: "string" },
    timeout: { type: "string" },
    "timeout-ms": { type: "string" },
  }, true);
  if (positionals.length > 1) {
    throw new UsageError(`diagnostics takes one target at most (got ${positionals.length})`);
  }
  const asked = positionals[0];
  if (asked !== undefined && asked.trim() !== target) {
    throw new UsageError(
      `unsupported diagnostics target ${JSON.stringify(asked)}: expected "${target}"`,
    );
  }
  if (values["base-url"] !== undefined && values.url !== undefined) {
    throw new UsageError("diagnostics: give --base-url or --url (the same flag), not both");
  }
  const rawBase = values["base-url"] ?? values.url;
  const flagName = values["base-url"] !== undefined ? "--base-url" : "--url";
  const header = values["auth-header"]?.trim();
  if (header !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
    throw new UsageError(
      `diagnostics: --auth-header must be an HTTP header name (got ${JSON.stringify(header)})`,
    );
  }
  return {
    base: rawBase === undefined ? undefined : checkedBase(rawBase, flagName),
    config: values.config,
    flagKey: values["gateway-key"],
    authHeader: header,
    format: normaliseFormat("diagnostics", values.format, ["text", "json"] as const),
    timeoutMs: timeoutOf(values.timeout, values["timeout-ms"]),
  };
}

function checkedBase(raw: string, flagName: string): string {
  try {
    return baseUrl(raw, "diagnostics");
  } catch (error) {
    if (error instanceof UsageError) {
      throw new UsageError(error.message.replace("--url", flagName));
    }
    throw error;
  }
}

function timeoutOf(timeout: string | undefined, timeoutMs: string | undefined): number {
  if (timeout !== undefined && timeoutMs !== undefined) {
    throw new UsageError("diagnostics: give --timeout or --timeout-ms, not both");
  }
  if (timeout === undefined) return parseTimeoutMs("diagnostics", timeoutMs, defaultTimeoutMs);
  const ms = parseGoDuration(timeout);
  if (ms === null) {
    throw new UsageError(
      `diagnostics: --timeout must be a duration such as 5s, 500ms or 1m (got ${
        JSON.stringify(timeout)
      })`,
    );
  }
  if (ms <= 0) {
    throw new UsageError(`diagnostics: --timeout must be > 0 (got ${JSON.stringify(timeout)})`);
  }
  // Below a millisecond still waits a little rather than not at all; past the timer's range, capped.
  return Math.min(Math.max(1, Math.ceil(ms)), 2 ** 31 - 1);
}

export const diagnostics: CliCommand = async (args, io) => {
  const o = parseDiagnosticsArgs(args);
  warnKeyFlag(o.flagKey, io);
  const where = await resolveTarget(o, io);
  if (where === null) return exitCode.failure;
  const token = (o.flagKey ?? io.env[gatewayKeyEnv] ?? "").trim();
  const url = where.base + path;
  let answer: { status: number; text: string };
  try {
    answer = await requestGatewayApi(url, {
      method: "GET",
      key: { header: where.header, token },
      timeoutMs: o.timeoutMs,
      maxBytes: maxDiagnosticsBytes,
    });
  } catch (error) {
    io.stderr(`failed to read diagnostics: ${shownUrl(url)}: ${reason(error, o.timeoutMs)}\n`);
    return exitCode.failure;
  }
  if (answer.status !== 200) {
    const keyFrom = token === "" ? null : o.flagKey !== undefined ? "--gateway-key" : gatewayKeyEnv;
    io.stderr(refusal(answer, keyFrom));
    return exitCode.failure;
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    io.stderr(
      `failed to read diagnostics: ${
        shownUrl(url)
      } answered 200 without JSON; is it the gateway?\n`,
    );
    return exitCode.failure;
  }
  const version = (body as { schema_version?: unknown } | null)?.schema_version;
  if (typeof version !== "string" || version.trim() === "") {
    io.stderr(
      `failed to read diagnostics: the answer has no schema_version; is ${
        shownUrl(where.base)
      } the gateway?\n`,
    );
    return exitCode.failure;
  }
  io.stdout(
    o.format === "json"
      ? `${JSON.stringify(body, null, 2)}\n`
      : diagnosticsText(body, shownUrl(url)),
  );
  return exitCode.ok;
};

/**
 * The base URL and key header. The config is read only when one of them is not given, as the
 * original does; `--base-url` with `--config` takes the header from that config.
 */
async function resolveTarget(o: DiagnosticsOptions, io: CliIo): Promise<GatewayTarget | null> {
  if (o.base !== undefined && (o.config === undefined || o.authHeader !== undefined)) {
    // With --url, gatewayTarget reads no config and gives the default header.
    const given = (await gatewayTarget("diagnostics", { url: o.base }, io))!;
    return o.authHeader === undefined ? given : { ...given, header: o.authHeader };
  }
  if (o.base !== undefined) {
    const config = await loadGatewayConfig(
      "diagnostics",
      "failed to read diagnostics",
      o.config,
      io,
    );
    if (config === null) return null;
    return { base: o.base, header: o.authHeader ?? config.auth.header };
  }
  const found = await gatewayTarget("diagnostics", { config: o.config }, io);
  if (found === null) return null;
  return o.authHeader === undefined ? found : { ...found, header: o.authHeader };
}

function reason(error: unknown, timeoutMs: number): string {
  const message = error instanceof Error ? error.message : "";
  if (/^the answer is over \d+ bytes$/.test(message)) {
    return `response too large: the answer is over ${maxDiagnosticsBytes} bytes (1 MiB)`;
  }
  return failureReason(error, timeoutMs).replace("--timeout-ms", "--timeout");
}

/** `failed to read diagnostics: status <code>: <error field or body>`, then what to do. */
function refusal(
  answer: { status: number; text: string },
  keyFrom: string | null,
): string {
  let message = answer.text.trim();
  try {
    const e = (JSON.parse(answer.text) as { error?: unknown }).error;
    if (typeof e === "string") message = e;
    else if (typeof e === "object" && e !== null) {
      const m = (e as { message?: unknown }).message;
      if (typeof m === "string") message = m;
    }
  } catch {
    // Not JSON: the body as it came.
  }
  message = message.replace(/\s+/g, " ").slice(0, 300);
  // The gateway's message says what is wrong; the hint says where this command's key came from.
  const hint = answer.status !== 401
    ? ""
    : keyFrom === null
    ? `\nThe gateway runs in team mode: set ${gatewayKeyEnv} to a gateway key with ` +
      "diagnostics:read."
    : `\nThe key came from ${keyFrom}.`;
  return `failed to read diagnostics: status ${answer.status}: ${message}${hint}\n`;
}
