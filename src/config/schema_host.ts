/**
 * Host names and IP literals: `server.host` (the bind address, which `shell-init` prints into a
 * shell and `wrap` into an environment) and `server.allowed_hosts` (the names the gateway answers
 * to, checked against every request's `Host`). One parser for the config and for the `Host`
 * header, so both compare the same canonical form: lower case, no trailing dot, IPv4 in dotted
 * decimal, IPv6 in brackets, as WHATWG URL serialises them.
 */
import { z } from "zod";

export type CanonicalHost = { kind: "ip" | "name"; host: string };

// Underscores: Docker and Compose service names use them, and resolvers accept them.
const label = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
const dottedQuad = /^\d{1,3}(\.\d{1,3}){3}$/;
const ipv6Text = /^[0-9a-f:.]+$/;

/**
 * The canonical form of a host name or IP literal (brackets optional around IPv6), or null when
 * `value` is neither: empty labels, characters outside `[A-Za-z0-9_-.]`, a port, a path.
 */
export function canonicalHost(value: string): CanonicalHost | null {
  let v = value.toLowerCase();
  if (v.startsWith("[") && v.endsWith("]")) v = v.slice(1, -1);
  if (v.includes(":")) {
    if (!ipv6Text.test(v)) return null;
    const host = parsedHostname(`[${v}]`);
    return host === null ? null : { kind: "ip", host };
  }
  if (v.endsWith(".")) v = v.slice(0, -1);
  if (v.length === 0 || v.length > 253 || !v.split(".").every((l) => label.test(l))) return null;
  // The URL parser reads the numeric spellings (`127.1`, `0x7f.0.0.1`) as IPv4, as resolvers do,
  // and refuses names that end in a number but are no address (`1.2.3.999`).
  const host = parsedHostname(v);
  if (host === null) return null;
  return { kind: dottedQuad.test(host) ? "ip" : "name", host };
}

function parsedHostname(authority: string): string | null {
  try {
    return new URL(`http://${authority}/`).hostname;
  } catch {
    return null;
  }
}

/** Every interface: the gateway cannot know the names or addresses clients use to reach it. */
export function isWildcardHost(host: string): boolean {
  const h = host.trim();
  return h === "" || h === "0.0.0.0" || h === "::" || h === "[::]";
}

/**
 * This machine's loopback: `localhost` itself, 127.0.0.0/8 and ::1. Not `*.localhost`: browsers
 * resolve those to loopback, but many system resolvers ask DNS for them, so a key sent there may
 * leave the machine. Not a spelling with a trailing dot either (`localhost.`, `127.0.0.1.`):
 * canonically the same host, but glibc finds neither in /etc/hosts nor reads it as an address,
 * so it asks DNS, which a hostile network answers.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim();
  if (h.endsWith(".")) return false;
  const c = canonicalHost(h);
  if (c === null) return false;
  if (c.kind === "name") return c.host === "localhost";
  return c.host.startsWith("127.") || c.host === "[::1]";
}

/** `server.host`: a host name or IP literal, nothing a shell or URL could read as more. */
export const bindHostSchema = z.string().check((ctx) => {
  if (canonicalHost(ctx.value) !== null) return;
  ctx.issues.push({
    code: "custom",
    input: ctx.value,
    message: `must be a host name or IP address such as 127.0.0.1, 0.0.0.0, ::1 or ` +
      "gateway.internal, without a scheme, port or path",
  });
});

/** One `server.allowed_hosts` entry: a name, `*.` and a domain, or an IP literal; canonical. */
export const allowedHostSchema = z.string().transform((value, ctx) => {
  const v = value.trim();
  const wildcard = v.startsWith("*.");
  const c = canonicalHost(wildcard ? v.slice(2) : v);
  if (c !== null && !(wildcard && c.kind === "ip")) {
    return wildcard ? `*.${c.host}` : c.host;
  }
  const hasPort = /^(\[[^\]]*\]|[^:]*):\d*$/.test(v);
  ctx.addIssue({
    code: "custom",
    message: hasPort
      ? "must be a host name without a port (every port is accepted)"
      : "must be a host name such as gateway.internal, a pattern such as *.example.com, or an " +
        "IP address",
  });
  return z.NEVER;
});
