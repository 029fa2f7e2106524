/**
 * `server.max_header_bytes`: the gateway's own bound on a request head, below the runtime's
 * (Deno.serve answers 400 itself to heads of 64 KiB or more, before any handler). Between the two
 * the gateway answers 431, before anything is read, authenticated or forwarded.
 */
import { GatewayError } from "../errors/mod.ts";

/** `name: value\r\n`: the bytes a header takes on the wire beyond its name and value. */
const separatorBytes = 4;

/**
 * Header bytes as received: names and values plus separators. Values are byte strings (one
 * character per byte); repeated headers arrive joined by ", ", which counts 2 bytes where the
 * wire had a name and separators, close enough for a limit this far from normal traffic.
 */
export function headerBytes(headers: Headers): number {
  let total = 0;
  // `forEach`: the header iterator costs about ten times as much, and this runs per request.
  headers.forEach((value, name) => {
    total += name.length + value.length + separatorBytes;
  });
  return total;
}

/** The 431 for a head over `maxBytes`, or null when it fits. */
export function headersTooLarge(headers: Headers, maxBytes: number): GatewayError | null {
  const bytes = headerBytes(headers);
  if (bytes <= maxBytes) return null;
  return new GatewayError(
    "headers_too_large",
    `request headers take ${bytes} bytes, over the limit of ${maxBytes}; send fewer or ` +
      "smaller headers, or raise server.max_header_bytes (at most 65535)",
    { limit_bytes: maxBytes },
  );
}
