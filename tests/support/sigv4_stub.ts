/**
 * AWS SigV4 as AWS checks it, for tests: the signature of a request recomputed with
 * `@smithy/signature-v4` (the signer of every AWS JavaScript SDK; test-only dependency, hashing
 * through node:crypto so it shares nothing with the gateway's Web Crypto signer), and a loopback
 * Bedrock stub that refuses a request whose signature does not verify with 403, as AWS does:
 * `x-amzn-errortype: InvalidSignatureException` (or `UnrecognizedClientException` for an unknown
 * access key id or session token, `MissingAuthenticationTokenException` without a signature) and
 * a JSON `{"message": ...}` body, the restJson1 error shape of the Bedrock runtime.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

/** smithy's `Checksum` over node:crypto: HMAC when constructed with a secret. */
export class NodeSha256 {
  #hash: Hash | Hmac;
  readonly #secret: Uint8Array | string | undefined;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#secret = secret === undefined || typeof secret === "string"
      ? secret
      : secret instanceof ArrayBuffer
      ? new Uint8Array(secret)
      : new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength);
    this.#hash = this.#fresh();
  }
  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash("sha256") : createHmac("sha256", this.#secret);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(
      typeof data === "string"
        ? data
        : data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
  reset(): void {
    this.#hash = this.#fresh();
  }
}

export interface AwsKey {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | null;
}

export interface SignInput {
  method: string;
  /** Absolute; its path and query are signed as written (percent-encoding kept). */
  url: string;
  /** The headers to sign (lower-case names); `host` is taken from the URL when absent. */
  headers: Record<string, string>;
  body: Uint8Array | string | null;
}

function queryOf(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of new URLSearchParams(search)) {
    const prior = Object.hasOwn(query, k) ? query[k] : undefined;
    query[k] = prior === undefined ? v : Array.isArray(prior) ? [...prior, v] : [prior, v];
  }
  return query;
}

/** The raw path and query of an absolute URL string, as sent (no re-encoding). */
export function rawTarget(url: string): { path: string; search: string } {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const target = start < 0 ? "/" : url.slice(start);
  const q = target.indexOf("?");
  return q < 0
    ? { path: target, search: "" }
    : { path: target.slice(0, q), search: target.slice(q) };
}

/** The headers `@smithy/signature-v4` adds to `input` signed with `key` at `date`. */
export async function smithySign(
  input: SignInput,
  key: AwsKey,
  scope: { region: string; service: string },
  date: Date,
): Promise<Record<string, string>> {
  const url = new URL(input.url);
  const { path, search } = rawTarget(input.url);
  const signer = new SignatureV4({
    service: scope.service,
    region: scope.region,
    credentials: {
      accessKeyId: key.accessKeyId,
      secretAccessKey: key.secretAccessKey,
      ...(key.sessionToken == null ? {} : { sessionToken: key.sessionToken }),
    },
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: input.method,
    protocol: url.protocol,
    hostname: url.hostname,
    path,
    query: queryOf(search),
    headers: { host: url.host, ...input.headers },
    body: input.body ?? undefined,
  }, { signingDate: date });
  return signed.headers;
}

export type Verdict =
  | { ok: true; accessKeyId: string; signedHeaders: string[] }
  | { ok: false; type: string; message: string };

const authShape =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;
const dateShape = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** AWS refuses a signature dated more than 15 minutes from its clock. */
const maxSkewMs = 15 * 60_000;

const mismatch = "The request signature we calculated does not match the signature you " +
  "provided. Check your AWS Secret Access Key and signing method. Consult the service " +
  "documentation for details.";

/**
 * Whether a received request is signed by one of `keys` for `scope`: the signature recomputed
 * with smithy from the request's method, raw path, query, signed headers and body bytes.
 */
export async function verifySigV4(
  req: { method: string; url: string; headers: Headers; body: Uint8Array },
  keys: readonly AwsKey[],
  scope: { region: string; service: string },
  nowMs: number = Date.now(),
): Promise<Verdict> {
  const auth = req.headers.get("authorization");
  if (auth === null || !auth.startsWith("AWS4-HMAC-SHA256 ")) {
    return {
      ok: false,
      type: "MissingAuthenticationTokenException",
      message: "Missing Authentication Token",
    };
  }
  const m = authShape.exec(auth);
  const amzDate = req.headers.get("x-amz-date") ?? "";
  const d = dateShape.exec(amzDate);
  if (m === null || d === null) {
    return {
      ok: false,
      type: "IncompleteSignatureException",
      message: "Authorization header or X-Amz-Date malformed",
    };
  }
  const [, akid, day, region, service, signedList, signature] = m as unknown as string[];
  const key = keys.find((k) => k.accessKeyId === akid);
  const token = req.headers.get("x-amz-security-token");
  if (key === undefined || (token !== null && token !== (key.sessionToken ?? null))) {
    return {
      ok: false,
      type: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
    };
  }
  const date = new Date(Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!));
  if (Math.abs(date.getTime() - nowMs) > maxSkewMs) {
    return { ok: false, type: "InvalidSignatureException", message: "Signature expired" };
  }
  if (day !== amzDate.slice(0, 8) || region !== scope.region || service !== scope.service) {
    return {
      ok: false,
      type: "InvalidSignatureException",
      message:
        `Credential should be scoped to a valid region and service (${scope.region}/${scope.service})`,
    };
  }
  const headers: Record<string, string> = {};
  for (const name of signedList!.split(";")) {
    const value = req.headers.get(name);
    if (value === null) return { ok: false, type: "InvalidSignatureException", message: mismatch };
    // The payload hash is recomputed from the body bytes received, never taken from the header.
    if (name !== "x-amz-content-sha256") headers[name] = value;
  }
  const claimed = req.headers.get("x-amz-content-sha256");
  const actual = createHash("sha256").update(req.body).digest("hex");
  if (claimed !== null && claimed !== actual) {
    return {
      ok: false,
      type: "XAmzContentSHA256Mismatch",
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    };
  }
  const ours = await smithySign(
    { method: req.method, url: req.url, headers, body: req.body },
    key,
    scope,
    date,
  );
  const expected = authShape.exec(ours.authorization ?? "");
  if (expected === null || expected[6] !== signature || expected[5] !== signedList) {
    return { ok: false, type: "InvalidSignatureException", message: mismatch };
  }
  return { ok: true, accessKeyId: akid!, signedHeaders: signedList!.split(";") };
}

export interface SigV4StubRequest {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: Uint8Array;
  verdict: Verdict;
}

export interface SigV4Stub {
  url: string;
  seen: SigV4StubRequest[];
  close(): Promise<void>;
}

/**
 * A loopback Bedrock runtime that verifies every request's SigV4 signature, then answers with
 * `answer` (default: a Converse answer); a wrong signature gets AWS's 403.
 */
export function startSigV4Stub(options: {
  keys: readonly AwsKey[];
  region: string;
  service?: string;
  answer?: (req: SigV4StubRequest) => Response | Promise<Response>;
}): SigV4Stub {
  const seen: SigV4StubRequest[] = [];
  const scope = { region: options.region, service: options.service ?? "bedrock" };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = new Uint8Array(await req.arrayBuffer());
    const { path, search } = rawTarget(req.url);
    const verdict = await verifySigV4(
      { method: req.method, url: req.url, headers: req.headers, body },
      options.keys,
      scope,
    );
    const record = { method: req.method, path, search, headers: req.headers, body, verdict };
    seen.push(record);
    if (!verdict.ok) {
      return new Response(JSON.stringify({ message: verdict.message }), {
        status: 403,
        headers: {
          "content-type": "application/json",
          "x-amzn-errortype":
            `${verdict.type}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
          "x-amzn-requestid": crypto.randomUUID(),
        },
      });
    }
    return await (options.answer ?? converseAnswer)(record);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    close: () => server.shutdown(),
  };
}

/** A Converse answer (bedrock-runtime `ConverseResponse`): 10 tokens in, 5 out. */
export function converseAnswer(): Response {
  return Response.json({
    output: { message: { role: "assistant", content: [{ text: "Hello from the stub." }] } },
    stopReason: "end_turn",
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
    metrics: { latencyMs: 42 },
  }, { headers: { "x-amzn-requestid": crypto.randomUUID() } });
}
