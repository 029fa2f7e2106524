/**
 * AWS Signature Version 4 over Web Crypto (`crypto.subtle` SHA-256 and HMAC-SHA256), for the
 * gateway's own request to Bedrock. A client's signature covers the gateway's host and cannot be
 * forwarded, so the gateway strips it (`stripClientSigV4Headers`) and signs the final upstream
 * request: after PII redaction and any model rewrite, since the payload hash must be the hash of
 * the body sent.
 */

import { CloudAuthError } from "./cloud_auth_error.ts";
import {
  amzDate,
  canonicalHeaders,
  canonicalRequest,
  type SentTarget,
  targetOf,
} from "./sigv4_canonical.ts";

export interface SigV4Request {
  method: string;
  /** A string is signed as the gateway's HTTP client sends it; a URL as `fetch` serialises it. */
  url: URL | string;
  /** The headers that will be sent (after `stripClientSigV4Headers`); `host` comes from `url`. */
  headers: Headers | Readonly<Record<string, string>>;
  /** The exact bytes sent; null for no body. */
  body: Uint8Array | null;
}

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials' token, sent and signed as `x-amz-security-token`. */
  sessionToken?: string | null;
}

export interface SigV4Scope {
  region: string;
  /** The signing name: `bedrock` for `bedrock-runtime` hosts, not the host's first label. */
  service: string;
}

export interface SigV4Options {
  /**
   * `minimal` (default): `host`, `content-type` and every `x-amz-*` header, which is all AWS
   * requires; headers the HTTP client may still add or rewrite stay unsigned. `all`: every header
   * but the ones `@smithy/signature-v4` never signs (`user-agent`, `connection`, `proxy-*`, ...).
   */
  headerSet?: "minimal" | "all";
  /** Send and sign `x-amz-content-sha256` (default true, as the AWS SDK does). */
  contentSha256Header?: boolean;
}

/** A signature and the texts it was computed from (what AWS echoes back on a mismatch). */
export interface SigV4Signature {
  /** The headers to set on the request: `authorization`, `x-amz-date`, and the optional two. */
  headers: Headers;
  canonicalRequest: string;
  stringToSign: string;
}

/** Headers a client's own SigV4 signature brings; none of them is valid for another host. */
export const clientSigV4HeaderNames: readonly string[] = [
  "authorization",
  "x-amz-date",
  "x-amz-security-token",
  "x-amz-content-sha256",
];

/** The same headers without a client's SigV4 headers (any `authorization` included): a copy. */
export function stripClientSigV4Headers(headers: Headers): Headers;
export function stripClientSigV4Headers(
  headers: Readonly<Record<string, string>>,
): Record<string, string>;
export function stripClientSigV4Headers(
  headers: Headers | Readonly<Record<string, string>>,
): Headers | Record<string, string> {
  if (headers instanceof Headers) {
    const out = new Headers(headers);
    for (const name of clientSigV4HeaderNames) out.delete(name);
    return out;
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!clientSigV4HeaderNames.includes(name.toLowerCase())) out[name] = value;
  }
  return out;
}

/** `@smithy/signature-v4`'s `ALWAYS_UNSIGNABLE_HEADERS` (plus `proxy-*` and `sec-*`). */
const unsignable = new Set([
  "authorization",
  "cache-control",
  "connection",
  "expect",
  "from",
  "keep-alive",
  "max-forwards",
  "pragma",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "x-amzn-trace-id",
]);
/** Set by the signer from its own inputs; a caller's copy is replaced, never signed. */
const generated = new Set(["authorization", "x-amz-date", "date", "x-amz-content-sha256"]);

function signable(name: string, set: "minimal" | "all"): boolean {
  if (generated.has(name) || name === "host") return false;
  if (set === "minimal") return name === "content-type" || name.startsWith("x-amz-");
  return !unsignable.has(name) && !name.startsWith("proxy-") && !name.startsWith("sec-");
}

function headerEntries(headers: SigV4Request["headers"]): [string, string][] {
  if (headers instanceof Headers) return [...headers];
  return Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]);
}

const visible = /^[\x21-\x7e]+$/;
const scopePart = /^[a-z0-9-]+$/;

function checkInputs(creds: SigV4Credentials, scope: SigV4Scope): void {
  const problem = !visible.test(creds.accessKeyId) || /[\/,]/.test(creds.accessKeyId)
    ? "the access key id is empty or holds a space, '/', ',' or a control character"
    : creds.secretAccessKey === ""
    ? "the secret access key is empty"
    : creds.sessionToken != null && !visible.test(creds.sessionToken)
    ? "the session token is empty or holds a space or a control character"
    : !scopePart.test(scope.region)
    ? `the region ${JSON.stringify(scope.region.slice(0, 40))} is not an AWS region name`
    : !scopePart.test(scope.service)
    ? `the service ${JSON.stringify(scope.service.slice(0, 40))} is not an AWS signing name`
    : null;
  if (problem !== null) throw new CloudAuthError("sigv4_invalid_request", `SigV4: ${problem}`);
}

const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? bytes as Uint8Array<ArrayBuffer>
    : new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
}

/** Lower-case hex SHA-256 of the body; the empty string's hash for no body. */
export async function payloadHash(body: Uint8Array | null): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", ownBuffer(body ?? new Uint8Array())));
}

async function hmac(key: BufferSource | CryptoKey, data: string): Promise<ArrayBuffer> {
  const cryptoKey = key instanceof CryptoKey
    ? key
    : await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
  return await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(data));
}

/**
 * Derived signing keys, per (key, day, region, service): four HMACs saved per request. Bounded
 * like smithy's (50, oldest first out); a promise, so concurrent signers share one derivation.
 */
const signingKeys = new Map<string, Promise<CryptoKey>>();
const maxSigningKeys = 50;

function signingKey(creds: SigV4Credentials, shortDate: string, scope: SigV4Scope) {
  const id = [creds.accessKeyId, creds.secretAccessKey, shortDate, scope.region, scope.service]
    .join("\n");
  const cached = signingKeys.get(id);
  if (cached !== undefined) return cached;
  const derived = (async () => {
    let key: ArrayBuffer = encoder.encode(`AWS4${creds.secretAccessKey}`).buffer;
    for (const part of [shortDate, scope.region, scope.service, "aws4_request"]) {
      key = await hmac(key, part);
    }
    return await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
  })();
  derived.catch(() => signingKeys.delete(id));
  if (signingKeys.size >= maxSigningKeys) signingKeys.delete(signingKeys.keys().next().value!);
  signingKeys.set(id, derived);
  return derived;
}

/** The headers signed: the request's signable ones, then host and the signer's own. */
function signedHeaderMap(
  req: SigV4Request,
  target: SentTarget,
  own: Headers,
  set: "minimal" | "all",
): Map<string, string> {
  const signed = new Map<string, string>();
  for (const [name, value] of headerEntries(req.headers)) {
    if (signable(name, set)) signed.set(name, value);
  }
  signed.set("host", target.host);
  own.forEach((value, name) => signed.set(name, value));
  return signed;
}

/** Signs a request; returns the headers to set and the texts behind the signature. */
export async function sigV4Signature(
  req: SigV4Request,
  creds: SigV4Credentials,
  scope: SigV4Scope,
  now: Date,
  options: SigV4Options = {},
): Promise<SigV4Signature> {
  checkInputs(creds, scope);
  const target = targetOf(req.url);
  const longDate = amzDate(now);
  const shortDate = longDate.slice(0, 8);
  const hash = await payloadHash(req.body);
  const own = new Headers({ "x-amz-date": longDate });
  if (creds.sessionToken != null) own.set("x-amz-security-token", creds.sessionToken);
  if (options.contentSha256Header ?? true) own.set("x-amz-content-sha256", hash);

  const headers = canonicalHeaders(
    signedHeaderMap(req, target, own, options.headerSet ?? "minimal"),
  );
  const request = canonicalRequest(req.method, target, headers, hash);
  const credentialScope = `${shortDate}/${scope.region}/${scope.service}/aws4_request`;
  const requestHash = hex(await crypto.subtle.digest("SHA-256", encoder.encode(request)));
  const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${credentialScope}\n${requestHash}`;
  const signature = hex(await hmac(await signingKey(creds, shortDate, scope), stringToSign));
  own.set(
    "authorization",
    `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${credentialScope}, ` +
      `SignedHeaders=${headers.signedHeaders}, Signature=${signature}`,
  );
  return { headers: own, canonicalRequest: request, stringToSign };
}

/**
 * The headers to set on the request: `authorization`, `x-amz-date`, `x-amz-content-sha256`
 * (unless turned off) and, with temporary credentials, `x-amz-security-token`.
 */
export async function signV4(
  req: SigV4Request,
  creds: SigV4Credentials,
  scope: SigV4Scope,
  now: Date,
  options: SigV4Options = {},
): Promise<Headers> {
  return (await sigV4Signature(req, creds, scope, now, options)).headers;
}
