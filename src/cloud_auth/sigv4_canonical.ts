/**
 * The text half of AWS Signature Version 4: the canonical request, pure and synchronous. The
 * rules are `@smithy/signature-v4`'s (the signer every AWS JavaScript SDK uses), for services
 * other than S3: the path is normalised and escaped once more on top of the escaping it already
 * carries, so the Bedrock model id `...-v1%3A0` signs as `...-v1%253A0` and an ARN's `%2F` as
 * `%252F`. AWS recomputes the same text from the request it receives; a character signed
 * differently from how it is sent is a 403 `InvalidSignatureException`.
 */

import { CloudAuthError } from "./cloud_auth_error.ts";

/** What is sent: the `host` header, the path and the query (without `?`), bytes unchanged. */
export interface SentTarget {
  host: string;
  path: string;
  query: string;
}

/**
 * The host, path and query a request goes out with. A URL object is what `fetch` sends (its
 * WHATWG serialisation); a string is read as the gateway's own HTTP client sends it, the target
 * taken verbatim after the authority, since that client does not re-encode the path.
 */
export function targetOf(url: URL | string): SentTarget {
  if (typeof url !== "string") {
    return { host: url.host, path: url.pathname, query: url.search.slice(1) };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CloudAuthError("sigv4_invalid_request", "the upstream URL is not an absolute URL");
  }
  const schemeEnd = url.indexOf("://");
  let start = schemeEnd < 0 ? url.length : schemeEnd + 3;
  while (start < url.length && !"/?#".includes(url[start]!)) start++;
  let target = url.slice(start);
  const hash = target.indexOf("#");
  if (hash >= 0) target = target.slice(0, hash);
  const mark = target.indexOf("?");
  const path = mark < 0 ? target : target.slice(0, mark);
  return {
    host: parsed.host,
    path: path === "" ? "/" : path,
    query: mark < 0 ? "" : target.slice(mark + 1),
  };
}

/** RFC 3986 escaping as AWS does it: `encodeURIComponent` plus `!'()*`. */
export function escapeUri(value: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    throw new CloudAuthError(
      "sigv4_invalid_request",
      "the request holds a lone UTF-16 surrogate, which has no UTF-8 form to sign",
    );
  }
  return encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical URI: empty and `.` segments dropped, `..` resolved, one leading `/` and a
 * trailing one kept, then the whole escaped again with only literal `/` restored.
 */
export function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const lead = path.startsWith("/") ? "/" : "";
  const trail = segments.length > 0 && path.endsWith("/") ? "/" : "";
  return escapeUri(lead + segments.join("/") + trail).replace(/%2F/g, "/");
}

function percentDecoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new CloudAuthError(
      "sigv4_invalid_request",
      "the upstream URL's query string has a malformed percent-escape; SigV4 cannot sign it",
    );
  }
}

/**
 * The canonical query: each name and value percent-decoded (a `+` stays a `+`: the AWS SDKs
 * send a space as `%20`), escaped the AWS way, sorted by name then value, `X-Amz-Signature`
 * left out. A parameter without `=` signs with an empty value.
 */
export function canonicalQuery(query: string): string {
  const pairs: [string, string][] = [];
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = percentDecoded(eq < 0 ? part : part.slice(0, eq));
    if (name.toLowerCase() === "x-amz-signature") continue;
    const value = eq < 0 ? "" : percentDecoded(part.slice(eq + 1));
    pairs.push([escapeUri(name), escapeUri(value)]);
  }
  pairs.sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

/** A header value as SigV4 signs it: trimmed, inner runs of whitespace as one space. */
export function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, " ");
}

/** Canonical header lines and the `SignedHeaders` list, from lower-case names. */
export interface CanonicalHeaders {
  lines: string;
  signedHeaders: string;
}

export function canonicalHeaders(headers: ReadonlyMap<string, string>): CanonicalHeaders {
  const names = [...headers.keys()].sort();
  return {
    lines: names.map((name) => `${name}:${canonicalHeaderValue(headers.get(name)!)}\n`).join(""),
    signedHeaders: names.join(";"),
  };
}

export function canonicalRequest(
  method: string,
  target: SentTarget,
  headers: CanonicalHeaders,
  payloadHash: string,
): string {
  return [
    method,
    canonicalPath(target.path),
    canonicalQuery(target.query),
    headers.lines,
    headers.signedHeaders,
    payloadHash,
  ].join("\n");
}

/** `YYYYMMDDTHHMMSSZ`, the `x-amz-date` form of a moment (whole seconds, UTC). */
export function amzDate(now: Date): string {
  const ms = now.getTime();
  if (!Number.isFinite(ms)) {
    throw new CloudAuthError("sigv4_invalid_request", "the signing time is not a valid date");
  }
  return now.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}
