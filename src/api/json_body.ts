/**
 * An API request's optional JSON body, read with the proxy's bounded reader (never more than
 * `max` bytes in memory). A body needs `Content-Type: application/json`; no body at all is `{}`,
 * so every field takes its default.
 */
import { GatewayError } from "../errors/mod.ts";
import { readBodyCapped } from "../proxy/mod.ts";

export interface JsonBodyRules {
  /** Most bytes read. */
  max: number;
  /** Said after "the body is over N bytes; " when it is. */
  tooLarge: string;
  /** An example body, shown when the body is not JSON. */
  example: string;
}

/** `application/json`, with or without parameters such as a charset. */
function isJson(contentType: string | null): boolean {
  return contentType !== null &&
    contentType.split(";")[0]!.trim().toLowerCase() === "application/json";
}

const notJson = (type: string | null) =>
  new GatewayError(
    "unsupported_media_type",
    `the body must be JSON sent as Content-Type: application/json (got ${
      type === null ? "no Content-Type" : JSON.stringify(type.slice(0, 100))
    })`,
  );

export async function readJsonBody(req: Request, rules: JsonBodyRules): Promise<unknown> {
  const type = req.headers.get("content-type");
  if (type !== null && !isJson(type)) throw notJson(type);
  let bytes: Uint8Array | null;
  try {
    bytes = await readBodyCapped(req, rules.max);
  } catch (err) {
    if (err instanceof GatewayError && err.code === "request_too_large") {
      throw new GatewayError(
        "request_too_large",
        `the body is over ${rules.max} bytes; ${rules.tooLarge}`,
      );
    }
    throw err;
  }
  if (bytes !== null && bytes.byteLength > 0 && type === null) throw notJson(type);
  const text = bytes === null ? "" : new TextDecoder().decode(bytes);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError(
      "invalid_json",
      `the body is not valid JSON; send an object such as ${rules.example}`,
    );
  }
}
