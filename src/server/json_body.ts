/**
 * API routes that take a body take JSON, and say so: a request with a body of another type gets
 * 415 before any handler reads it. `text/plain`, forms and multipart are the types a browser
 * sends cross-site without a preflight; JSON needs one, which CORS answers. A second line behind
 * the `Origin` check, for browsers or plugins that omit `Origin`.
 */
import { GatewayError } from "../errors/mod.ts";

const bodiless = new Set(["GET", "HEAD", "OPTIONS"]);

/** Null when `req` has no body, or a JSON one; else the 415 to answer with. */
export function nonJsonBody(req: Request, path: string): GatewayError | null {
  if (bodiless.has(req.method)) return null;
  const type = req.headers.get("content-type");
  const length = req.headers.get("content-length");
  const hasBody = type !== null || req.headers.has("transfer-encoding") ||
    (length !== null && length.trim() !== "0");
  if (!hasBody || (type !== null && isJson(type))) return null;
  const got = type === null
    ? "no Content-Type"
    : `Content-Type ${JSON.stringify(type.slice(0, 100))}`;
  return new GatewayError(
    "unsupported_media_type",
    `${req.method} ${path.slice(0, 200)} takes a JSON body: send it with Content-Type: ` +
      `application/json (got ${got})`,
  );
}

function isJson(type: string): boolean {
  return type.split(";", 1)[0]!.trim().toLowerCase() === "application/json";
}
