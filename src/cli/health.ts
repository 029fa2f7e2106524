/**
 * `ongoingai health`: asks a running gateway's `GET /api/health` whether it is up. It is the
 * container HEALTHCHECK of an image without curl, so with no config file it probes the built-in
 * address (127.0.0.1:8080, after ONGOINGAI_HOST / ONGOINGAI_PORT as serve applies them).
 * Exit 0 healthy, 1 not (or the config cannot be read), 2 usage error.
 *
 * The probe connects directly, through node:http(s) rather than fetch: Deno's fetch sends
 * requests through HTTP_PROXY / HTTPS_PROXY, which a production container sets for its upstream
 * calls, and a proxy cannot reach the container's own 127.0.0.1.
 */
import { parseFlags, parseTimeoutMs, UsageError } from "./args.ts";
import { requestDirect, shownUrl } from "./direct_request.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { loadGatewayConfig } from "./load.ts";

export const healthSpec = {
  name: "health",
  summary: "Check that a running gateway answers GET /api/health (exit 0 healthy, 1 not)",
  usage: "ongoingai health [--url URL] [--config PATH] [--timeout-ms N]",
  flags: [
    ["--url URL", "Gateway base URL, e.g. http://127.0.0.1:8080; default: from the config"],
    [
      "--config PATH",
      "Config file whose server.host/port to probe; default: discovered (a .ts only when named)",
    ],
    ["--timeout-ms N", "Give up after N milliseconds (default 5000)"],
  ],
} as const;

const defaultTimeoutMs = 5000;

/**
 * The origin to probe for a server bound to `host`: a wildcard bind is reached on loopback (IPv4
 * for 0.0.0.0, since `localhost` may resolve to ::1 where nothing listens), IPv6 gets brackets.
 */
export function probeOrigin(host: string, port: number): string {
  const h = host.trim();
  if (h === "" || h === "0.0.0.0") return `http://127.0.0.1:${port}`;
  if (h === "::" || h === "[::]") return `http://[::1]:${port}`;
  const bracketed = h.includes(":") && !h.startsWith("[") ? `[${h}]` : h;
  return `http://${bracketed}:${port}`;
}

/** `--url` as given, checked: an absolute http(s) URL; `/api/health` is appended to its path. */
export function healthUrl(base: string): string {
  const shown = JSON.stringify(withoutUserinfo(base));
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(base.trim())) {
    throw new UsageError(
      `health: --url ${shown} has no scheme; write it as http://${withoutUserinfo(base.trim())}`,
    );
  }
  let url: URL;
  try {
    url = new URL(base.trim());
  } catch {
    throw new UsageError(
      `health: --url ${shown} is not a URL; give the gateway's base URL, e.g. http://127.0.0.1:8080`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`health: --url must use http or https (got ${url.protocol})`);
  }
  const path = url.pathname.replace(/\/+$/, "");
  url.pathname = path.endsWith("/api/health") ? path : `${path}/api/health`;
  url.search = "";
  url.hash = "";
  return url.href;
}

/** `--url` text for an error message: anything before an `@` (user and password) is masked. */
function withoutUserinfo(text: string): string {
  return text.replace(
    /^([^/@]*\/\/)?[^/@]*@/,
    (_, scheme: string | undefined) => `${scheme ?? ""}***@`,
  );
}

export const health: CliCommand = async (args, io) => {
  const { values } = parseFlags("health", args, {
    url: { type: "string" },
    config: { type: "string" },
    "timeout-ms": { type: "string" },
  });
  const timeoutMs = parseTimeoutMs("health", values["timeout-ms"], defaultTimeoutMs);
  if (values.url !== undefined && values.config !== undefined) {
    throw new UsageError("health: give --url or --config, not both");
  }
  // The container HEALTHCHECK runs this every 30 s in /app beside the image's gateway.config.ts:
  // with no --config it probes the built-in address (that config's 0.0.0.0:8080), and the note
  // about the skipped file is only worth printing when the probe fails.
  let note = "";
  const url = values.url !== undefined
    ? healthUrl(values.url)
    : await configuredUrl(values, io, (text) => void (note += text));
  if (url === null) return exitCode.failure;
  const code = await probe(url, timeoutMs, io);
  if (code !== exitCode.ok && note !== "") io.stderr(note);
  return code;
};

async function configuredUrl(
  values: { config?: string | undefined },
  io: CliIo,
  note: (text: string) => void,
) {
  const config = await loadGatewayConfig("health", "unhealthy", values.config, io, note);
  if (config === null) return null;
  return `${probeOrigin(config.server.host, config.server.port)}/api/health`;
}

async function probe(url: string, timeoutMs: number, io: CliIo): Promise<number> {
  let response: { status: number; text: string };
  try {
    // The body is cut at 64 KiB, more than any health answer.
    response = await requestDirect(url, {
      method: "GET",
      headers: { accept: "application/json" },
      timeoutMs,
      maxBytes: 65536,
      overflow: "cut",
    });
  } catch (error) {
    io.stderr(`unhealthy: ${shownUrl(url)}: ${failureReason(error, timeoutMs)}\n`);
    return exitCode.failure;
  }
  const { status, text } = response;
  const ok = status >= 200 && status < 300;
  let body: { status?: unknown; version?: unknown; uptime_sec?: unknown; trace_store?: unknown } =
    {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not the gateway's JSON; reported below as such.
  }
  if (!ok || body.status !== "ok") {
    const got = text.length > 200 ? `${text.slice(0, 200)}...` : text;
    io.stderr(
      `unhealthy: ${shownUrl(url)} answered ${status}${got ? ` ${got.trim()}` : ""}\n` +
        (ok ? "Is something other than the gateway listening there?\n" : ""),
    );
    return exitCode.failure;
  }
  const details = [
    typeof body.version === "string" ? `version ${body.version}` : null,
    typeof body.uptime_sec === "number" ? `up ${body.uptime_sec}s` : null,
    // The gateway still proxies while its trace writer retries; say so without failing.
    body.trace_store === "degraded" ? "trace store degraded (writes are being retried)" : null,
  ].filter((d) => d !== null);
  io.stdout(`healthy: ${shownUrl(url)} (${["status ok", ...details].join(", ")})\n`);
  return exitCode.ok;
}

/** Why a request to a running gateway failed, for `health` and `routes` alike. */
export function failureReason(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `no answer within ${timeoutMs} ms (raise --timeout-ms if the host is slow)`;
  }
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ECONNREFUSED" || /connection refused/i.test(message)) {
    return "connection refused: nothing is listening there; is `ongoingai serve` running with this config?";
  }
  return `request failed: ${message}`;
}
