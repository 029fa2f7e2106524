/**
 * The CLI's requests to a running gateway (`health`, `routes`, `replay`): straight to its address, never
 * through an HTTP(S)_PROXY of the environment (`node:http` reads none), ended after `timeoutMs`,
 * and with the answer's body bounded.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface DirectAnswer {
  status: number;
  text: string;
  /** The body's bytes as received (up to `maxBytes`). */
  bytes: Uint8Array;
  /** Past `maxBytes` with `overflow: "cut"`: the rest was not kept. */
  cut: boolean;
  /** Response headers, names lower case (repeated ones joined with ", "). */
  headers: Record<string, string>;
}

export interface DirectRequest {
  method: "GET" | "POST";
  headers: Record<string, string>;
  timeoutMs: number;
  /** Bytes of the answer kept at most. */
  maxBytes: number;
  /** Past `maxBytes`: keep the first bytes (`cut`), or fail the request (`fail`). */
  overflow: "cut" | "fail";
  /** A request body (sent with its length). */
  body?: Uint8Array;
  /** Told the answer's status and headers, then each piece of its body as it arrives. */
  onHeaders?: (status: number, headers: Record<string, string>) => void;
  onData?: (chunk: Uint8Array) => void;
}

export function requestDirect(url: string, r: DirectRequest): Promise<DirectAnswer> {
  const signal = AbortSignal.timeout(r.timeoutMs);
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: r.method, headers: r.headers, signal }, (res) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      let cut = false;
      const headers = headersOf(res.headers);
      r.onHeaders?.(res.statusCode ?? 0, headers);
      res.on("data", (chunk: Uint8Array) => {
        r.onData?.(chunk);
        const room = r.maxBytes - size;
        if (chunk.byteLength > room) cut = true;
        if (chunk.byteLength > room && r.overflow === "fail") {
          req.destroy(new Error(`the answer is over ${r.maxBytes} bytes`));
          return;
        }
        if (room <= 0) return;
        const kept = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
        chunks.push(kept);
        size += kept.byteLength;
      });
      res.on("end", () => {
        const all = new Uint8Array(size);
        let at = 0;
        for (const c of chunks) {
          all.set(c, at);
          at += c.byteLength;
        }
        resolve({
          status: res.statusCode ?? 0,
          text: new TextDecoder().decode(all),
          bytes: all,
          cut,
          headers,
        });
      });
      res.on("error", (err) => reject(signal.aborted ? signal.reason : err));
    });
    req.on("error", (err) => reject(signal.aborted ? signal.reason : err));
    req.end(r.body);
  });
}

/** Node's header object as names (lower case) to values, repeated ones joined with ", ". */
function headersOf(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** The gateway's JSON error answer's code and message; the body's start when it is not one. */
export function errorOf(
  answer: { text: string },
  maxChars = 500,
): { code: string; message: string } {
  const start = answer.text.slice(0, maxChars).trim();
  try {
    const e = (JSON.parse(answer.text) as { error?: { code?: string; message?: string } }).error;
    return { code: e?.code ?? "", message: e?.message ?? start };
  } catch {
    // Not the gateway's JSON: shown as it came.
    return { code: "", message: start };
  }
}

/** `url` for output: a password in it (`http://user:pass@host`) never reaches a terminal or log. */
export function shownUrl(url: string): string {
  const u = new URL(url);
  if (u.password === "") return url;
  u.password = "***";
  return u.href.replace(/\/+$/, "");
}

/** A JSON API call to a running gateway: the gateway key, when there is one, in its header. */
export function requestGatewayApi(
  url: string,
  r: {
    method: "GET" | "POST";
    key: { header: string; token: string };
    timeoutMs: number;
    maxBytes: number;
  },
): Promise<DirectAnswer> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (r.key.token !== "") headers[r.key.header] = r.key.token;
  return requestDirect(url, {
    method: r.method,
    headers,
    timeoutMs: r.timeoutMs,
    maxBytes: r.maxBytes,
    overflow: "fail",
  });
}
