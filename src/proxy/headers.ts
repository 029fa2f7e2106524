/**
 * Which headers cross the gateway. End-to-end headers pass unchanged both ways; hop-by-hop
 * headers (RFC 9110 7.6.1), and any header a `Connection` header names, stop here. The gateway
 * key never reaches the upstream.
 *
 * Headers are walked with `forEach`: Deno's `for...of` header iterator costs about ten times as
 * much, and this runs twice per request.
 */

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
 * Request headers the gateway sets itself: `host` comes from the upstream URL, `content-length`
 * from the body actually sent, and `accept-encoding` is left to the runtime so that it can
 * decompress what it asked for (usage must be readable; the client gets identical content).
 */
const recomputedRequest = new Set(["host", "content-length", "accept-encoding"]);

function connectionListed(headers: Headers): Set<string> | null {
  const c = headers.get("connection");
  if (c === null) return null;
  return new Set(c.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean));
}

export interface RequestHeaderOptions {
  /** Lower-case name of the gateway key header, stripped whatever the auth mode. */
  gatewayKeyHeader: string;
  correlationId: string;
}

/**
 * A plain object, not `Headers`: `fetch` converts a `Headers` init through its slow iterator
 * (about 20 µs against 6 µs for an object, deno bench). Names are lower case and unique here.
 */
export function upstreamRequestHeaders(
  incoming: Headers,
  opts: RequestHeaderOptions,
): Record<string, string> {
  const listed = connectionListed(incoming);
  const out: Record<string, string> = {};
  incoming.forEach((value, name) => {
    if (hopByHop.has(name) || recomputedRequest.has(name) || name === opts.gatewayKeyHeader) return;
    if (listed?.has(name)) return;
    out[name] = value;
  });
  // Set after copying, so a client cannot strip it by naming it in `Connection`.
  out["x-ongoingai-correlation-id"] = opts.correlationId;
  return out;
}

/** Header name/value pairs: what a `Response` takes cheaply, with `set-cookie` kept apart. */
export type HeaderPairs = [string, string][];

/**
 * Response headers for the client. `decompressed` is true when the runtime already decoded a
 * gzip/br body: the encoding and the compressed length no longer describe the bytes we send.
 */
export function clientResponseHeaders(
  upstream: Headers,
  correlationId: string,
  opts: { decompressed: boolean; bodyRewritten: boolean },
): HeaderPairs {
  const listed = connectionListed(upstream);
  const out: HeaderPairs = [];
  upstream.forEach((value, name) => {
    if (hopByHop.has(name) || listed?.has(name)) return;
    if ((opts.decompressed || opts.bodyRewritten) && name === "content-length") return;
    if (opts.decompressed && name === "content-encoding") return;
    if (name === "x-ongoingai-correlation-id") return; // ours is set below
    out.push([name, value]); // `forEach` yields each set-cookie on its own
  });
  out.push(["x-ongoingai-correlation-id", correlationId]);
  return out;
}

/** Encodings the runtime's fetch decodes on its own (it advertises exactly these). */
export function runtimeDecodes(contentEncoding: string | null): boolean {
  if (contentEncoding === null) return false;
  const e = contentEncoding.trim().toLowerCase();
  return e === "gzip" || e === "br";
}
