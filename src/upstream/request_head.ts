/**
 * The request head as one string, encoded once. Header names and values come from the gateway's
 * client, so anything that could end a line (CR, LF) or confuse a parser (NUL) is refused here:
 * without this check a value could smuggle a second request onto a kept-alive connection.
 */

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** One scan per value: forbidden bytes, or characters that need the slow latin1 encoder. */
const unusualValue = /[\0\r\n\u0080-\uffff]/;
const forbiddenValue = /[\0\r\n]/;
const beyondLatin1 = /[\u0100-\uffff]/;
/**
 * Set by this client from the body and the URL; a caller's copy would contradict ours and
 * desynchronise the connection (request smuggling), so it is refused rather than dropped.
 */
const ownedHeaders = new Set(["host", "content-length", "transfer-encoding", "connection"]);
/** Methods whose servers expect a length even without a body (some answer 411 otherwise). */
const bodyMethods = new Set(["POST", "PUT", "PATCH"]);

export interface RequestHead {
  text: string;
  /** False when a value holds latin1 characters above 0x7f, which UTF-8 would encode wrongly. */
  ascii: boolean;
}

export function requestHead(
  method: string,
  path: string,
  hostHeader: string,
  headers: Record<string, string>,
  bodyLength: number | null,
): RequestHead {
  if (!token.test(method)) throw new TypeError("invalid HTTP method");
  let text = method + " " + path + " HTTP/1.1\r\nhost: " + hostHeader + "\r\n";
  let ascii = true;
  let acceptEncoding = false;
  for (const name in headers) {
    const value = headers[name]!;
    if (!token.test(name)) throw new TypeError("invalid header name (not an HTTP token)");
    if (unusualValue.test(value)) {
      if (forbiddenValue.test(value)) {
        throw new TypeError(`header ${name} has a CR, LF or NUL in its value`);
      }
      if (beyondLatin1.test(value)) {
        throw new TypeError(`header ${name} has a character outside latin1 in its value`);
      }
      ascii = false;
    }
    const lower = name.toLowerCase();
    if (ownedHeaders.has(lower)) {
      throw new TypeError(`header ${lower} is set by the upstream client, not by its caller`);
    }
    if (lower === "accept-encoding") acceptEncoding = true;
    text += name + ": " + value + "\r\n";
  }
  if (bodyLength !== null) text += "content-length: " + bodyLength + "\r\n";
  else if (bodyMethods.has(method)) text += "content-length: 0\r\n";
  // Without this a server may compress, and the caller would have to decode: the contract says
  // `decoded` is false, so the bytes we hand over are exactly what the server sent.
  if (!acceptEncoding) text += "accept-encoding: identity\r\n";
  text += "\r\n";
  return { text, ascii };
}

const encoder = new TextEncoder();

/** Encodes into `into` when it fits (no allocation); returns the number of bytes, or -1. */
export function encodeHeadInto(head: RequestHead, into: Uint8Array): number {
  if (!head.ascii || head.text.length > into.length) return -1;
  return encoder.encodeInto(head.text, into).written;
}

export function encodeHead(head: RequestHead): Uint8Array<ArrayBuffer> {
  if (head.ascii) return encoder.encode(head.text);
  const text = head.text;
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    out[i] = text.charCodeAt(i); // latin1 only: checked when the head was built
  }
  return out;
}
