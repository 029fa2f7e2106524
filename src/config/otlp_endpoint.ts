/** How `observability.otel.endpoint` reads: checked by `check` and used by the exporters. */

/**
 * The collector's base URL, as the original reads `observability.otel.endpoint`: `host:port`
 * takes its scheme from `insecure`; an http(s) URL's scheme wins over it; any other is an error.
 */
export function otlpBaseUrl(endpoint: string, insecure: boolean): URL {
  const trimmed = endpoint.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "http" && scheme !== "https") {
    throw new Error(
      `observability.otel.endpoint: scheme ${scheme}:// is not supported; use host:port or an http(s) URL`,
    );
  }
  const url = new URL(
    scheme === undefined ? `${insecure ? "http" : "https"}://${trimmed}` : trimmed,
  );
  url.pathname = url.pathname.replace(/\/+$/, "");
  return url;
}
