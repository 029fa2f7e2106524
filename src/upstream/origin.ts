/**
 * Where a request goes. The origin (scheme, host, port) is parsed once per distinct origin string
 * and cached, since the gateway sends to a handful of configured providers; the request target is
 * the rest of the URL, sent as it is (the proxy already normalised it), only checked so that
 * nothing can break out of the request line.
 */

export interface Origin {
  /** Pool key: `http://host:port`, the same for every spelling of one origin. */
  readonly key: string;
  readonly tls: boolean;
  /** For `Deno.connect`: no brackets around an IPv6 address. */
  readonly hostname: string;
  readonly port: number;
  /** The `host` header: the URL's host, with the port only when it is not the default. */
  readonly hostHeader: string;
  /** `host:port` for error messages; never a path, query or header. */
  readonly label: string;
}

export interface Target {
  origin: Origin;
  /** Origin-form request target: `/path?query`. */
  path: string;
}

/** Anything outside visible ASCII would end or corrupt the request line. */
const badTargetChar = /[^\x21-\x7e]/;
const maxCachedOrigins = 256;

export class OriginCache {
  #byPrefix = new Map<string, Origin>();

  target(url: string): Target {
    const schemeEnd = url.indexOf("://");
    if (schemeEnd < 0) throw new TypeError("upstream URL must be absolute (http: or https:)");
    let end = schemeEnd + 3;
    while (end < url.length) {
      const c = url.charCodeAt(end);
      if (c === 0x2f || c === 0x3f || c === 0x23) break; // "/", "?", "#"
      end++;
    }
    const prefix = url.slice(0, end);
    let origin = this.#byPrefix.get(prefix);
    if (origin === undefined) {
      origin = parseOrigin(prefix);
      if (this.#byPrefix.size >= maxCachedOrigins) this.#byPrefix.clear();
      this.#byPrefix.set(prefix, origin);
    }
    let path = url.slice(end);
    const hash = path.indexOf("#");
    if (hash >= 0) path = path.slice(0, hash);
    if (path === "" || path.charCodeAt(0) !== 0x2f) path = "/" + path;
    if (badTargetChar.test(path)) {
      throw new TypeError(
        "upstream request target contains a space, control or non-ASCII character; percent-encode it",
      );
    }
    return { origin, path };
  }
}

function parseOrigin(prefix: string): Origin {
  let url: URL;
  try {
    url = new URL(prefix);
  } catch {
    throw new TypeError("upstream URL is not a valid absolute URL");
  }
  const tls = url.protocol === "https:";
  if (!tls && url.protocol !== "http:") {
    throw new TypeError(`upstream URL scheme ${url.protocol} is not supported (http: or https:)`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new TypeError("upstream URL must not carry credentials (user:password@)");
  }
  const port = url.port === "" ? (tls ? 443 : 80) : Number(url.port);
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return {
    key: `${url.protocol}//${url.hostname}:${port}`,
    tls,
    hostname,
    port,
    hostHeader: url.host,
    label: `${url.hostname}:${port}`,
  };
}
