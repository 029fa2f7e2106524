/**
 * The `Host` check, the defence against DNS rebinding: a page at `http://attacker.example:8080`
 * whose name the attacker re-resolves to 127.0.0.1 is, to the browser, same-origin with the
 * gateway on this machine. It reads every answer, and no CORS rule applies. What gives it away is
 * the name: the browser sends `Host: attacker.example:8080`.
 *
 * Answered: `localhost`, every IP literal (rebinding needs a name the attacker controls, and an
 * address is no name; probes, port mappings and load balancers reach containers by address), a
 * `server.host` that is a name, and `server.allowed_hosts`. Any port: the browser connects to the
 * port in the page's URL, so a rebound page always names the port the gateway is reached on,
 * and a port check would only break port mappings (`-p 9000:8080`) and reverse proxies.
 *
 * A request without `Host` is answered: every browser sends one (HTTP/1.1 requires it), so its
 * absence marks a program, and requests built in-process have none.
 *
 * Team mode bound to every interface with no list: any name. Keys guard every route there (a
 * page has none), and such a gateway cannot know the names it is published under.
 */
import { canonicalHost, isWildcardHost } from "../config/mod.ts";
import { GatewayError } from "../errors/mod.ts";

export interface HostCheckConfig {
  /** `server.host`, the bind address. */
  host: string;
  /** `server.allowed_hosts`, canonical (names, `*.domain` patterns, IP literals). */
  allowed_hosts: readonly string[];
}

/** Null when the request may be answered, else the 421 to answer with. */
export type HostCheck = (hostHeader: string | null) => GatewayError | null;

// `name`, `name:port`, `[v6]`, `[v6]:port`; the name itself is checked by canonicalHost.
const hostHeaderShape = /^(\[[^\]]*\]|[^:[\]]*)(?::\d{1,5})?$/;

export function createHostCheck(server: HostCheckConfig, teamMode: boolean): HostCheck {
  if (teamMode && isWildcardHost(server.host) && server.allowed_hosts.length === 0) {
    return () => null;
  }
  const exact = new Set<string>(["localhost"]);
  const suffixes: string[] = [];
  for (const entry of server.allowed_hosts) {
    if (entry.startsWith("*.")) suffixes.push(entry.slice(1));
    else exact.add(entry);
  }
  const bound = canonicalHost(server.host.trim());
  if (bound?.kind === "name") exact.add(bound.host);

  // A gateway sees a handful of Host values; parsing one costs about 1 µs, a lookup 30 ns.
  // Bounded, and only accepted values, so refused ones cannot crowd it.
  const seen = new Set<string>();
  return (hostHeader) => {
    if (hostHeader === null || hostHeader === "" || seen.has(hostHeader)) return null;
    const shape = hostHeaderShape.exec(hostHeader);
    const host = shape === null ? null : canonicalHost(shape[1]!);
    const ok = host !== null && (host.kind === "ip" || exact.has(host.host) ||
      suffixes.some((s) => host.host.endsWith(s) && host.host.length > s.length));
    if (!ok) return refusal(hostHeader, host?.host ?? null);
    if (seen.size < 256) seen.add(hostHeader);
    return null;
  };
}

function refusal(hostHeader: string, name: string | null): GatewayError {
  const shown = JSON.stringify(
    hostHeader.length > 200 ? `${hostHeader.slice(0, 200)}...` : hostHeader,
  );
  if (name === null) {
    return new GatewayError(
      "misdirected_request",
      `the Host header ${shown} is not a host name or IP address; send the name the gateway ` +
        "is reached by (clients do this themselves)",
      { host: hostHeader.slice(0, 200) },
    );
  }
  return new GatewayError(
    "misdirected_request",
    `this gateway does not answer to the Host ${shown}: it answers to localhost, IP addresses, ` +
      `server.host and server.allowed_hosts only, so that a web page cannot reach it through ` +
      `DNS rebinding. If clients reach the gateway as ${name}, add "${name}" to ` +
      "server.allowed_hosts (or ONGOINGAI_SERVER_ALLOWED_HOSTS)",
    { host: hostHeader.slice(0, 200) },
  );
}
