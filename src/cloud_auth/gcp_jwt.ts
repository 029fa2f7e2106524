/**
 * A Google service-account key (the JSON file the Cloud console downloads) and the RS256 JWT
 * assertion it signs for the OAuth token endpoint (RFC 7523, "JWT bearer" grant), with Web Crypto
 * `RSASSA-PKCS1-v1_5` over SHA-256. Claims as both google-auth-library write them (Python
 * `service_account.py` `_make_authorization_grant_assertion`, Node 10.9.1 `gtoken/jwsSign.js`):
 * `iss` = the service account's email, `aud` = Google's token endpoint whatever `token_uri` says,
 * `scope`, `iat`, `exp` = `iat` + 3600 s; header `kid` = `private_key_id` (Python sends it, Node
 * does not; Google accepts both).
 */

import { decodeBase64, encodeBase64 } from "../bytes.ts";
import { CloudAuthError } from "./cloud_auth_error.ts";

/** Google's token endpoint: the default `token_uri`, and always the assertion's audience. */
export const googleTokenUri = "https://oauth2.googleapis.com/token";
/** The scope js-genai and the Anthropic Vertex SDK ask for. */
export const cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

export interface GcpServiceAccount {
  clientEmail: string;
  /** PKCS#8 PEM, as in the key file. */
  privateKeyPem: string;
  privateKeyId: string | null;
  /** Where the assertion is exchanged: `token_uri`, https (http only on loopback, for tests). */
  tokenUri: string;
  projectId: string | null;
}

/** A key file is about 2.4 KB; anything near this cap is not one. */
const maxServiceAccountJsonChars = 64 * 1024;

function invalid(source: string, problem: string): CloudAuthError {
  return new CloudAuthError("gcp_service_account_invalid", `${source}: ${problem}`);
}

function optionalString(o: Record<string, unknown>, key: string, source: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw invalid(source, `"${key}" must be a string`);
  return v;
}

function tokenUriOf(value: string | null, source: string): string {
  if (value === null) return googleTokenUri;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(source, `"token_uri" is not an absolute URL`);
  }
  const loopback = ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw invalid(source, `"token_uri" must be an https URL (the signed assertion is sent there)`);
  }
  return url.href;
}

/**
 * A service-account key file read and checked. `source` names where it came from in errors
 * (`providers.vertex.gcp.service_account_json`); nothing of the key is ever quoted.
 */
export function parseServiceAccountJson(
  text: string,
  source = "the service-account JSON",
): GcpServiceAccount {
  if (text.length > maxServiceAccountJsonChars) {
    throw invalid(source, `is over ${maxServiceAccountJsonChars / 1024} KiB: not a key file`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid(
      source,
      "is not JSON (give the content of the key file the Cloud console downloads)",
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalid(source, "is not a JSON object");
  }
  const o = parsed as Record<string, unknown>;
  const type = optionalString(o, "type", source);
  if (type !== null && type !== "service_account") {
    throw invalid(
      source,
      `is a "${type.slice(0, 40)}" credential; only "service_account" keys are supported`,
    );
  }
  const clientEmail = optionalString(o, "client_email", source);
  if (clientEmail === null || clientEmail === "") throw invalid(source, `lacks "client_email"`);
  const privateKeyPem = optionalString(o, "private_key", source);
  if (privateKeyPem === null || privateKeyPem === "") throw invalid(source, `lacks "private_key"`);
  return {
    clientEmail,
    privateKeyPem,
    privateKeyId: optionalString(o, "private_key_id", source),
    tokenUri: tokenUriOf(optionalString(o, "token_uri", source), source),
    projectId: optionalString(o, "project_id", source),
  };
}

/**
 * The RSA signing key of a PKCS#8 PEM. A key pasted through an environment variable often
 * carries `\n` as two characters; those are read as line breaks.
 */
export async function importServiceAccountKey(
  pem: string,
  source = "the service-account JSON",
): Promise<CryptoKey> {
  const text = pem.replace(/\\n/g, "\n");
  if (text.includes("BEGIN RSA PRIVATE KEY")) {
    throw invalid(
      source,
      `"private_key" is a PKCS#1 key; convert it: openssl pkcs8 -topk8 -nocrypt -in key.pem`,
    );
  }
  const body = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(text)?.[1];
  const der = body === undefined ? null : decodeBase64(body.replace(/\s+/g, ""));
  if (der === null) {
    throw invalid(source, `"private_key" is not a PEM "BEGIN PRIVATE KEY" block`);
  }
  try {
    return await crypto.subtle.importKey(
      "pkcs8",
      der,
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["sign"],
    );
  } catch {
    throw invalid(source, `"private_key" is not an RSA private key Web Crypto can read`);
  }
}

const encoder = new TextEncoder();

export function base64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The signed assertion, valid for an hour from `nowMs`. */
export async function serviceAccountAssertion(
  account: GcpServiceAccount,
  key: CryptoKey,
  scope: string,
  nowMs: number,
): Promise<string> {
  const header: Record<string, string> = { alg: "RS256", typ: "JWT" };
  if (account.privateKeyId !== null) header.kid = account.privateKeyId;
  const iat = Math.floor(nowMs / 1000);
  const claims = { iss: account.clientEmail, scope, aud: googleTokenUri, iat, exp: iat + 3600 };
  const signingInput = `${base64Url(encoder.encode(JSON.stringify(header)))}.${
    base64Url(encoder.encode(JSON.stringify(claims)))
  }`;
  const signature = await crypto.subtle.sign(
    "RSASSA-PKCS1-v1_5",
    key,
    encoder.encode(signingInput),
  );
  return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
}
