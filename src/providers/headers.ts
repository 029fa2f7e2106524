/**
 * The headers (and query parameters) through which a provider learns who is calling: where a
 * client puts its provider key, and which response headers name the provider account. This is
 * the one table of them; the rest of the gateway reads the subset it needs from here.
 *
 * Why each consumer uses which subset (each set is pinned by tests/providers/header_roles_test.ts):
 * - Stored traces (`traces/build.ts` `credentialHeaders`) replace the value of every credential
 *   header, since a trace outlives the request and is read by other people; the trace builder adds
 *   the credentials that are not a provider's (`Proxy-Authorization`, cookies, the gateway key).
 * - The gate (`auth/gate.ts`) refuses a gateway key found in any credential header or parameter:
 *   whatever provider the route leads to, a key there would be sent to a third party.
 * - The key fingerprint (`providerKeyFrom`) reads the headers marked `fingerprint`, in table order,
 *   the first one present wins: the places where the wire formats (OpenAI and compatible
 *   servers, Anthropic, Azure OpenAI's `api-key`, Gemini's `x-goog-api-key`) carry the key. An
 *   AWS SigV4 `Authorization` is read as its access key id (the signature changes per request;
 *   the id names the credential), never as the whole header.
 * - The config check on `auth.header` (`config/semantic.ts`) refuses the headers marked
 *   `builtIn`, where the built-in providers (`openai`, `anthropic`) take their key: the gateway key
 *   header is stripped before forwarding, so the key could never reach them. `api-key` and
 *   `x-goog-api-key` are accepted there today.
 * - Account headers are dropped from responses (`proxy/headers.ts`): clients of a shared gateway
 *   have no business learning which organisation or project pays (reliability.md S15).
 */

export type ProviderHeaderRole = "credential" | "account";

export interface ProviderHeader {
  /** Lower case, as `Headers` yields names. */
  name: string;
  /** `credential`: a client's provider key, sent upstream; `account`: names the paying account. */
  role: ProviderHeaderRole;
  /** Who uses it, for the reader. */
  usedBy: string;
  /** A built-in provider (`openai`, `anthropic`) reads its key here. */
  builtIn?: true;
  /** The key fingerprint reads it: `bearer` strips an `Authorization` scheme, `raw` does not. */
  fingerprint?: "bearer" | "raw";
}

export const providerHeaders: readonly ProviderHeader[] = [
  {
    name: "authorization",
    role: "credential",
    usedBy: "OpenAI and OpenAI-compatible servers (`Bearer <key>`)",
    builtIn: true,
    fingerprint: "bearer",
  },
  {
    name: "x-api-key",
    role: "credential",
    usedBy: "Anthropic",
    builtIn: true,
    fingerprint: "raw",
  },
  { name: "api-key", role: "credential", usedBy: "Azure OpenAI", fingerprint: "raw" },
  { name: "x-goog-api-key", role: "credential", usedBy: "Google Gemini", fingerprint: "raw" },
  // The session token of temporary AWS credentials, next to a SigV4 `Authorization`: a secret.
  { name: "x-amz-security-token", role: "credential", usedBy: "AWS Bedrock (SigV4 session)" },
  // The gateway's own: a provider key for a replay (api/replay.ts), moved to the destination's
  // header there; on any other request never forwarded (proxy/headers.ts), redacted if stored.
  { name: "x-ongoingai-provider-key", role: "credential", usedBy: "the gateway's replay API" },
  { name: "openai-organization", role: "account", usedBy: "OpenAI (response)" },
  { name: "openai-project", role: "account", usedBy: "OpenAI (response)" },
  { name: "anthropic-organization-id", role: "account", usedBy: "Anthropic (response)" },
];

const names = (keep: (h: ProviderHeader) => boolean): readonly string[] =>
  providerHeaders.filter(keep).map((h) => h.name);

/** Every header that carries a provider key, whichever provider reads it. */
export const providerCredentialHeaders = names((h) => h.role === "credential");
/** Where the built-in providers take their key: no place for the gateway key header. */
export const builtInCredentialHeaders = names((h) => h.role === "credential" && h.builtIn === true);
/** Response headers naming the provider account behind the gateway. */
export const providerAccountHeaders = names((h) => h.role === "account");
/** The gateway's own provider-key header (replay); never sent to a provider as it came. */
export const replayKeyHeader = "x-ongoingai-provider-key";
/** Query parameters that carry a provider key (`?key=` is Google's). */
export const providerCredentialParams: readonly string[] = ["key", "api_key", "api-key"];

const fingerprinted = providerHeaders.filter((h) => h.fingerprint !== undefined);
// `Headers` trims values, so `Bearer ` (an SDK given an empty key) arrives as `Bearer`: the
// scheme alone, which must read as no key rather than as the key "Bearer".
const bearer = /^bearer(?:\s+|$)/i;
// `AWS4-HMAC-SHA256 Credential=AKIA.../20260101/us-east-1/bedrock/aws4_request, ...`.
const sigV4 = /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\//i;

/**
 * The provider key a client sent, as the fingerprint reads it: the first `fingerprint` header of
 * the table that holds a key, an `Authorization` scheme (`Bearer`) removed. A blank value or a
 * scheme with nothing after it is no key, and the next header is read. Without any, the first
 * non-blank credential query parameter of `search` (Gemini's `?key=`, `providerCredentialParams`).
 */
export function providerKeyFrom(headers: Headers, search = ""): string | null {
  for (const h of fingerprinted) {
    const value = headers.get(h.name)?.trim();
    if (!value) continue;
    const key = h.fingerprint !== "bearer"
      ? value
      : bearer.test(value)
      ? value.replace(bearer, "").trim()
      : sigV4.exec(value)?.[1] ?? value;
    if (key) return key;
  }
  return search.length > 1 ? credentialParamFrom(search) : null;
}

function credentialParamFrom(search: string): string | null {
  const params = new URLSearchParams(search);
  for (const name of providerCredentialParams) {
    for (const value of params.getAll(name)) {
      if (value.trim() !== "") return value.trim();
    }
  }
  return null;
}
