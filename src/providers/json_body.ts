/**
 * Reading a request body as JSON without ever changing it. The decoded text is kept so that an
 * adapter which must add a field can splice it in and leave every other byte as the client sent it.
 */

export type JsonObject = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `application/json`, `application/*+json` and `text/json`; parameters (charset) ignored. */
export function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const media = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return media === "application/json" || media === "text/json" || media.endsWith("+json");
}

const methodsWithoutBody = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "CONNECT"]);
// Fatal, so that text -> bytes round-trips exactly when a field has to be spliced in.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const BOM = "\uFEFF";

export interface RequestJson {
  /** The parsed top-level object. */
  value: JsonObject;
  /** The body as text, without a leading byte-order mark. */
  text: string;
  /** The body began with a UTF-8 byte-order mark, which the text no longer has. */
  bom: boolean;
}

/**
 * The body as a JSON object, or null when it is not one: no body, a method without a body, a
 * content type that is not JSON (a missing one is tried), invalid UTF-8 or invalid JSON.
 */
export function readRequestJson(
  method: string,
  contentType: string | null,
  body: Uint8Array | null,
): RequestJson | null {
  if (body === null || body.length === 0) return null;
  if (methodsWithoutBody.has(method.toUpperCase())) return null;
  if (contentType !== null && !isJsonContentType(contentType)) return null;
  let text: string;
  let value: unknown;
  try {
    text = strictUtf8.decode(body);
    const bom = text.startsWith(BOM);
    if (bom) text = text.slice(1);
    value = JSON.parse(text);
    return isRecord(value) ? { value, text, bom } : null;
  } catch {
    return null;
  }
}

/** `model` as a non-empty trimmed string, else null. */
export function modelOf(obj: JsonObject): string | null {
  const model = obj.model;
  if (typeof model !== "string") return null;
  const trimmed = model.trim();
  return trimmed === "" ? null : trimmed;
}

export function encodeRequestText(json: RequestJson, text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(json.bom ? BOM + text : text);
}

/** The first of `names` holding a non-negative integer: the request's output-token cap. */
export function maxTokensOf(value: JsonObject, names: readonly string[]): number | null {
  for (const n of names) {
    const v = value[n];
    if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  }
  return null;
}
