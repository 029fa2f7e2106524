/**
 * Which headers cross the gateway. End-to-end headers pass unchanged both ways; hop-by-hop
 * headers (RFC 9110 7.6.1), and any header a `Connection` header names, stop here. The gateway
 * key never reaches the upstream, nor do the attribution headers meant for the gateway alone
 * (`X-OngoingAI-User`, which `wrap` fills with the login name by default, and
 * `X-OngoingAI-Session-Id`): who a developer is stays between them and their gateway.
 *
 * Headers are walked with `forEach`: Deno's `for...of` header iterator costs about ten times as
 * much, and this runs twice per request.
 */

import { providerAccountHeaders, replayKeyHeader } from "../providers/mod.ts";
import { sessionHeader, userHeader } from "../traces/mod.ts";

const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * Request headers the gateway sets itself: `host` comes from the upstream URL and
 * `content-length` from the body actually sent.
 */
const recomputedRequest = new Set(["host", "content-length"]);

/** Content codings the gateway can decode on the side to read usage (DecompressionStream). */
const decodableCodings = new Set(["gzip", "x-gzip", "deflate", "br", "identity"]);

/**
 * The client's `Accept-Encoding` limited to codings the gateway can read usage through: the
 * response then reaches the client compressed and byte for byte, while the gateway decodes a
 * copy. Null when nothing is left (the upstream then sends identity).
 */
export function acceptEncodingFor(value: string): string | null {
  const kept = value.split(",").map((s) => s.trim()).filter((item) => {
    const coding = item.split(";")[0]!.trim().toLowerCase();
    return decodableCodings.has(coding);
  });
  return kept.length > 0 ? kept.join(", ") : null;
}

/** The header names a `Connection` header lists (hop-by-hop for this connection only). */
/** All `Connection` field values of a response, joined as one list; null when there is none. */
function connectionFields(pairs: readonly (readonly [string, string])[]): string | null {
  let joined: string | null = null;
  for (const [name, value] of pairs) {
    if (name === "connection") joined = joined === null ? value : `${joined},${value}`;
  }
  return joined;
}

function connectionListed(value: string | null): Set<string> | null {
  if (value === null) return null;
  return new Set(value.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean));
}

export interface RequestHeaderOptions {
  /** Lower-case name of the gateway key header, stripped whatever the auth mode. */
  gatewayKeyHeader: string;
  correlationId: string;
  /**
   * Set when span export is on: replaces the client's `traceparent` with one naming the
   * gateway's upstream span. Null or absent: the client's header passes unchanged.
   */
  traceparent?: string | null;
  /**
   * With `traceparent` set: whether the gateway continued the client's trace. When it did not
   * (no valid client `traceparent`), the client's `tracestate` belongs to no trace the provider
   * will see, and W3C Trace Context says to discard it.
   */
  continuesClientTrace?: boolean;
}

/**
 * A plain object, not `Headers`: `fetch` converts a `Headers` init through its slow iterator
 * (about 20 µs against 6 µs for an object, deno bench). Names are lower case and unique here.
 */
export function upstreamRequestHeaders(
  incoming: Headers,
  opts: RequestHeaderOptions,
): Record<string, string> {
  const listed = connectionListed(incoming.get("connection"));
  const out: Record<string, string> = {};
  incoming.forEach((value, name) => {
    if (hopByHop.has(name) || recomputedRequest.has(name) || name === opts.gatewayKeyHeader) return;
    if (name === userHeader || name === sessionHeader || name === replayKeyHeader) return;
    if (listed?.has(name)) return;
    if (name === "traceparent" && opts.traceparent) return;
    if (name === "tracestate" && opts.traceparent && !opts.continuesClientTrace) return;
    if (name === "accept-encoding") {
      const kept = acceptEncodingFor(value);
      if (kept !== null) out[name] = kept;
      return;
    }
    out[name] = value;
  });
  // Set after copying, so a client cannot strip it by naming it in `Connection`.
  out["x-ongoingai-correlation-id"] = opts.correlationId;
  if (opts.traceparent) out["traceparent"] = opts.traceparent;
  return out;
}

/**
 * Response headers that name the provider account behind the gateway (reliability.md S15):
 * clients of a shared gateway have no business learning which organisation or project pays.
 * Which headers those are is the providers' knowledge (providers/headers.ts).
 */
const accountHeaders: ReadonlySet<string> = new Set(providerAccountHeaders);

/** True for a response header that identifies the provider account, dropped on the way out. */
export function identifiesProviderAccount(name: string): boolean {
  return accountHeaders.has(name);
}

/** Header name/value pairs: what a `Response` takes cheaply, with `set-cookie` kept apart. */
export type HeaderPairs = [string, string][];

/**
 * Response headers for the client. `decoded` is true when the upstream client already removed a
 * content coding: the encoding and the compressed length no longer describe the bytes we send.
 */
export function clientResponseHeaders(
  upstream: readonly (readonly [string, string])[],
  correlationId: string,
  opts: { decoded: boolean; bodyRewritten: boolean },
): HeaderPairs {
  // Every `Connection` field counts: a second one must not smuggle a hop-by-hop header through.
  const listed = connectionListed(connectionFields(upstream));
  const out: HeaderPairs = [];
  for (const [name, value] of upstream) {
    if (hopByHop.has(name) || listed?.has(name)) continue;
    if (identifiesProviderAccount(name)) continue;
    if ((opts.decoded || opts.bodyRewritten) && name === "content-length") continue;
    if (opts.decoded && name === "content-encoding") continue;
    if (name === "x-ongoingai-correlation-id") continue; // ours is set below
    // CORS is the gateway's decision (server.cors), never the provider's.
    if (name.startsWith("access-control-")) continue;
    out.push([name, value]);
  }
  out.push(["x-ongoingai-correlation-id", correlationId]);
  return out;
}

/**
 * An answer's header pairs as `Headers`, for the adapter (`ResponseInfo.headers`, `errorFacts`).
 * A pair `Headers` refuses (a value the upstream client let through) is left out, never thrown.
 */
export function headersOf(pairs: readonly (readonly [string, string])[]): Headers {
  const out = new Headers();
  for (const [n, v] of pairs) {
    try {
      out.append(n, v);
    } catch {
      // Not a valid header: no provider rule can depend on it.
    }
  }
  return out;
}

/** First value of a header in lower-case name/value pairs. */
export function headerValue(
  pairs: readonly (readonly [string, string])[],
  name: string,
): string | null {
  for (const [n, v] of pairs) if (n === name) return v;
  return null;
}
