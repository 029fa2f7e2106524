/**
 * Request-target checks and upstream URL building. Routing uses the raw path as the client sent
 * it, never a normalised one: `/openai/../anthropic` must not silently become `/anthropic`, and
 * `new URL(suffix, base)` is never used because `//evil.com/x` would escape to another host.
 */
import type { ResolvedProvider } from "../config/mod.ts";
import { GatewayError } from "../errors/mod.ts";
import type { ProviderAdapter } from "../providers/mod.ts";

export interface RequestTarget {
  /** Raw path as sent, e.g. `/openai/v1/chat/completions`. */
  path: string;
  /** Raw query including `?`, or "". */
  search: string;
}

/**
 * Dot segments (also percent-encoded), encoded or back slashes, empty segments, and control
 * characters: URL parsers drop tab, CR and LF anywhere in a URL, so `/openai/.\t./x` would turn
 * into a dot segment after this check and climb out of the upstream base path.
 */
// deno-lint-ignore no-control-regex
const unsafeSegments = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)|%5c|\\|\/\/|[\x00-\x1f\x7f]/i;
const encodedSlash = /%2f/i;

/**
 * An encoded slash is refused unless the provider's kind allows it where it is (`allowed`), and
 * even then the path must stay safe with every `%2F` read as `/`: a proxy or upstream decoding
 * it must not find a dot segment or an empty one (`..%2F..%2Fx`).
 */
function unsafePath(path: string, allowed: ((path: string) => boolean) | undefined): boolean {
  if (unsafeSegments.test(path)) return true;
  if (!encodedSlash.test(path)) return false;
  if (allowed === undefined || !allowed(path)) return true;
  return unsafeSegments.test(path.replace(/%2f/gi, "/"));
}

/**
 * Splits `req.url` without normalising it. Throws `invalid_path` for anything ambiguous.
 * `encodedSlashAllowed`: whether the provider the path reaches accepts its `%2F` (see
 * `encodedSlashRule`); without it, none is accepted.
 */
export function parseTarget(
  url: string,
  hostHeader: string | null,
  encodedSlashAllowed?: (path: string) => boolean,
): RequestTarget {
  const schemeEnd = url.indexOf("://");
  const pathStart = url.indexOf("/", schemeEnd + 3);
  const authority = url.slice(schemeEnd + 3, pathStart === -1 ? url.length : pathStart);
  // Absolute-form request targets show up as a URL whose authority is not the Host header.
  if (hostHeader !== null && authority.toLowerCase() !== hostHeader.toLowerCase()) {
    throw new GatewayError(
      "invalid_path",
      "absolute-form request targets are not accepted; send the path only (for example POST /openai/v1/chat/completions)",
    );
  }
  if (pathStart === -1) return { path: "/", search: "" };
  const hash = url.indexOf("#", pathStart);
  const end = hash === -1 ? url.length : hash;
  const q = url.indexOf("?", pathStart);
  const path = url.slice(pathStart, q === -1 || q > end ? end : q);
  const search = q === -1 || q > end ? "" : url.slice(q, end);
  if (unsafePath(path, encodedSlashAllowed)) {
    throw new GatewayError(
      "invalid_path",
      `the path ${
        JSON.stringify(path.slice(0, 200))
      } contains dot segments, encoded slashes, empty segments or control characters; send a plain path such as /openai/v1/chat/completions`,
    );
  }
  return { path, search };
}

/** True when `path` is `prefix` itself or below it on a segment boundary. */
export function hasPathPrefix(path: string, prefix: string): boolean {
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47);
}

/** Providers are ordered longest prefix first, so the first match is the most specific. */
export function matchProvider(
  providers: readonly ResolvedProvider[],
  path: string,
): ResolvedProvider | null {
  for (const p of providers) if (hasPathPrefix(path, p.prefix)) return p;
  return null;
}

/**
 * The `%2F` rule of whichever provider a path reaches: its adapter's `allowsEncodedSlash` on the
 * upstream-relative path; false for a path no provider matches (the API, the root `/v1`).
 */
export function encodedSlashRule(
  providers: readonly ResolvedProvider[],
  adapterOf: (p: ResolvedProvider) => Pick<ProviderAdapter, "allowsEncodedSlash"> | undefined,
): (path: string) => boolean {
  return (path) => {
    const provider = matchProvider(providers, path);
    if (provider === null) return false;
    const allows = adapterOf(provider)?.allowsEncodedSlash;
    return allows !== undefined && allows(upstreamPath(provider.prefix, path));
  };
}

/** Precomputed per provider: the upstream origin and base path without a trailing slash. */
export interface UpstreamBase {
  origin: string;
  basePath: string;
}

export function upstreamBase(upstream: string): UpstreamBase {
  const u = new URL(upstream);
  return { origin: u.origin, basePath: u.pathname.replace(/\/+$/, "") };
}

/** `https://api.openai.com` + `/openai/v1/x?y` with prefix `/openai` -> `https://api.openai.com/v1/x?y`. */
export function upstreamUrl(base: UpstreamBase, prefix: string, target: RequestTarget): string {
  const rest = target.path.slice(prefix.length);
  return base.origin + base.basePath + (rest === "" && base.basePath === "" ? "/" : rest) +
    target.search;
}

/** The upstream-relative path adapters see, e.g. `/v1/chat/completions`. */
export function upstreamPath(prefix: string, path: string): string {
  return path.slice(prefix.length) || "/";
}
