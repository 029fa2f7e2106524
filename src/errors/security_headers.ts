/**
 * Headers on everything the gateway answers itself (the API, and every error it makes, on API
 * and provider routes alike). Proxied provider answers pass through without them: they are the
 * provider's response, not ours.
 *
 * The API serves JSON, CSV and NDJSON only, never a page: nothing of it should be sniffed into
 * HTML, framed, allowed to load anything, leak a Referer, or be kept by a shared cache (traces
 * hold prompts and key fingerprints).
 */
export const securityHeaders: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

const entries = Object.entries(securityHeaders);

/** Sets them on `headers` in place, replacing any value a route set (e.g. a cache lifetime). */
export function applySecurityHeaders(headers: Headers): Headers {
  for (const [name, value] of entries) headers.set(name, value);
  return headers;
}
