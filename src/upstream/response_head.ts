/**
 * Response heads parsed from bytes (RFC 9112 section 2-5). Strict where leniency has been
 * used for response splitting and cache poisoning: obsolete line folding, bare CR or LF, spaces
 * before the colon and control characters in values are errors, not guesses.
 */

export const maxHeadBytes = 64 * 1024;

export class InvalidResponse extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidResponse";
  }
}

export interface ResponseHead {
  status: number;
  statusText: string;
  headers: [string, string][];
  /** HTTP/1.1 (true) or HTTP/1.0 (false). */
  http11: boolean;
  /** Content-Length values, as sent (null when absent). */
  contentLength: string | null;
  transferEncoding: string | null;
  connectionClose: boolean;
}

/** Index just past the CRLF CRLF that ends a head in `buf[start, end)`, or -1. */
export function findHeadEnd(buf: Uint8Array, from: number, start: number, end: number): number {
  let i = Math.max(from, start + 3);
  for (;;) {
    i = buf.indexOf(10, i);
    if (i === -1 || i >= end) return -1;
    if (buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) return i + 1;
    i++;
  }
}

/** Exact byte-to-char decoding (TextDecoder's "latin1" is windows-1252, which is not). */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let i = start; i < end; i += 8192) {
    const part = buf.subarray(i, Math.min(end, i + 8192));
    text += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return text;
}

// deno-lint-ignore no-control-regex -- matching control characters is the point
const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: ([^\0-\x08\x0a-\x1f\x7f]*))?$/;
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// deno-lint-ignore no-control-regex -- matching control characters is the point
const badValue = /[\0-\x08\x0a-\x1f\x7f]/;

/** Parses a head without its final CRLF CRLF. */
export function parseHead(text: string): ResponseHead {
  const lines = text.split("\r\n");
  const m = statusLine.exec(lines[0]!);
  if (m === null) throw new InvalidResponse("invalid status line");
  const status = Number(m[2]);
  if (status < 100) throw new InvalidResponse("invalid status code");
  const head: ResponseHead = {
    status,
    statusText: m[3] ?? "",
    headers: [],
    http11: m[1] === "1",
    contentLength: null,
    transferEncoding: null,
    connectionClose: false,
  };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    if (colon <= 0) {
      const c = line.charCodeAt(0);
      throw new InvalidResponse(
        c === 0x20 || c === 0x09
          ? "obsolete line folding in a header"
          : "header line without a name",
      );
    }
    const rawName = line.slice(0, colon);
    if (!token.test(rawName)) throw new InvalidResponse("invalid header name");
    const value = trimOws(line, colon + 1);
    if (badValue.test(value)) throw new InvalidResponse("control character in a header value");
    const name = rawName.toLowerCase();
    head.headers.push([name, value]);
    if (name === "content-length") {
      head.contentLength = head.contentLength === null ? value : head.contentLength + "," + value;
    } else if (name === "transfer-encoding") {
      head.transferEncoding = head.transferEncoding === null
        ? value
        : head.transferEncoding + "," + value;
    } else if (name === "connection") {
      if (/(?:^|,)[ \t]*close[ \t]*(?:,|$)/i.test(value)) head.connectionClose = true;
    }
  }
  return head;
}

function trimOws(line: string, from: number): string {
  let a = from;
  let b = line.length;
  while (a < b && (line.charCodeAt(a) === 0x20 || line.charCodeAt(a) === 0x09)) a++;
  while (b > a && (line.charCodeAt(b - 1) === 0x20 || line.charCodeAt(b - 1) === 0x09)) b--;
  return line.slice(a, b);
}

/**
 * The body length a Content-Length field declares. Repeated identical values (`5, 5`) are
 * accepted as RFC 9110 allows; differing or malformed values are an error, never a guess.
 */
export function declaredLength(value: string): number {
  let result = -1;
  for (const part of value.split(",")) {
    const v = part.trim();
    if (!/^\d{1,15}$/.test(v)) throw new InvalidResponse("invalid content-length");
    const n = Number(v);
    if (result !== -1 && n !== result) throw new InvalidResponse("conflicting content-length");
    result = n;
  }
  return result;
}
