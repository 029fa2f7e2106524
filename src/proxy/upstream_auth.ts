/**
 * The gateway's own cloud credentials, applied to an upstream request once per attempt, on the
 * request exactly as it will be sent: the final URL (path with its percent-encoding, query), the
 * final headers and the final body (after PII redaction and a route's model rewrite), so that
 * what AWS recomputes from the request it receives is what was signed.
 *
 * - Kind `bedrock` with `aws` credentials: the client's own SigV4 headers are removed (its
 *   signature names the gateway's host and cannot be forwarded; cloud_auth/sigv4.ts) and the
 *   request is signed with the gateway's key (AWS SigV4, signing name `bedrock`).
 * - Kind `vertex` with a `gcp` service account: `Authorization: Bearer <access token>`, from one
 *   cached token per provider (cloud_auth/gcp_token.ts), replacing the client's.
 *
 * Precedence: configured credentials win. A client's `Authorization` (a Bedrock API key, a Google
 * token) is replaced, never sent next to the gateway's; without configured credentials every
 * client header passes as before. The access key id is no secret (traces fingerprint a client's);
 * the secret key, the session token and the service-account key are the config's secrets
 * (secrets/known_secrets.ts), and no message here holds one.
 */
import {
  bedrockScope,
  clientSigV4HeaderNames,
  CloudAuthError,
  GcpTokenSource,
  parseServiceAccountJson,
  signV4,
} from "../cloud_auth/mod.ts";
import type { ResolvedProvider } from "../config/mod.ts";
import { GatewayError } from "../errors/mod.ts";
import type { Logger } from "../log/mod.ts";
import { scrubValue } from "../secrets/mod.ts";
import { parseBedrockPath, parseVertexPath, type UpstreamCredential } from "../providers/mod.ts";

/** The request about to be sent; `headers` (lower-case names) is changed in place. */
export interface UpstreamDraft {
  method: string;
  /** Absolute, as the upstream client sends it (`upstreamUrl`). */
  url: string;
  headers: Record<string, string>;
  /** The exact bytes sent; null for none. */
  body: Uint8Array | null;
}

/** A client's SigV4 headers (cloud_auth's list) and `date`, which SigV4 generates as well. */
export const strippedForSigV4: readonly string[] = [...clientSigV4HeaderNames, "date"];
/** A client's Google credentials: its OAuth token and an express-mode API key. */
export const strippedForGoogleToken: readonly string[] = ["authorization", "x-goog-api-key"];

type Credential = Exclude<UpstreamCredential, { kind: "header" }>;

interface Plan {
  credential: Credential;
  /** For `gcp_service_account`: the provider's token source. */
  tokens: GcpTokenSource | null;
}

/** Per provider of a config generation (a reload brings new objects, so new tokens). */
const plans = new WeakMap<ResolvedProvider, Plan | null>();

export interface AuthOptions {
  /**
   * The wall clock by default, never the exchange's clock: AWS refuses a signature dated 15
   * minutes off its own.
   */
  now?: Date;
  /** The exchange's (or attempt's) abort signal: a wait for a token ends with it. */
  signal?: AbortSignal;
  /**
   * False: the caller is unauthenticated on a listener beyond loopback, and the gateway's
   * credentials are not used for it (the key pools' rule; config check refuses such a config).
   * The route loop leaves it out: `chooseTargets` has applied the rule to every target.
   */
  callerTrusted?: boolean;
  /**
   * Where the detail of a credential failure goes (the token endpoint's answer, the key file's
   * path): the operator's log, never the client's answer. Each failure is logged once.
   */
  log?: Logger;
}

/**
 * Applies the provider's configured credentials to `draft`. Null when done (or when the provider
 * has none); the error to answer when the gateway cannot or will not apply them.
 */
export async function applyUpstreamAuth(
  provider: ResolvedProvider,
  draft: UpstreamDraft,
  options: AuthOptions = {},
): Promise<GatewayError | null> {
  // Most providers hold none: nothing to do (callers skip the call for them on the hot path).
  if (!holdsCredentials(provider)) return null;
  if (options.callerTrusted === false) return untrustedCaller(provider);
  const outside = outsideSignedPaths(provider, draft.url);
  if (outside !== null) return outside;
  try {
    const plan = planOf(provider);
    if (plan === null) return null;
    const c = plan.credential;
    if (c.kind === "sigv4") {
      remove(draft.headers, strippedForSigV4);
      const signed = await signV4(
        { method: draft.method, url: draft.url, headers: draft.headers, body: draft.body },
        c,
        { region: c.region, service: c.service },
        options.now ?? new Date(),
      );
      signed.forEach((value, name) => draft.headers[name] = value);
    } else {
      const token = await plan.tokens!.token(options.signal);
      remove(draft.headers, strippedForGoogleToken);
      draft.url = withoutParams(draft.url, strippedGoogleParams);
      draft.headers["authorization"] = `Bearer ${token.token}`;
    }
    return null;
  } catch (err) {
    if (!(err instanceof CloudAuthError)) throw err;
    logFailure(provider, err, options.log);
    return gatewayErrorOf(provider, err);
  }
}

/** Failures logged already: a failed refresh answers its one error for a second (gcp_token.ts). */
const logged = new WeakSet<CloudAuthError>();

function logFailure(provider: ResolvedProvider, err: CloudAuthError, log?: Logger): void {
  if (log === undefined || logged.has(err) || err.reason === "gcp_token_wait_aborted") return;
  logged.add(err);
  log.error("the gateway's cloud credentials failed; nothing was sent upstream", {
    provider: provider.id,
    reason: err.reason,
    detail: scrubValue(err.message.slice(0, 600)),
  });
}

/**
 * The upstream's answer to a request the gateway authorized, with the headers it was sent: a 401
 * says its access token is no longer accepted (revoked, the account disabled), so that token is
 * dropped if it is still the cached one, and the next request gets a new token instead of the
 * same refusal until the old one expires (at most once every few seconds: gcp_token.ts).
 */
export function upstreamAnswered(
  provider: ResolvedProvider,
  status: number,
  sent: Readonly<Record<string, string>>,
): void {
  if (status !== 401) return;
  const tokens = plans.get(provider)?.tokens;
  const bearer = /^Bearer (\S+)$/.exec(sent["authorization"] ?? "");
  if (tokens != null && bearer !== null) tokens.invalidate(bearer[1]!);
}

/**
 * A client's Google credentials in the query: an express-mode API key (`?key=`, as
 * @google/genai and curl users send it) and an OAuth token (`?access_token=`).
 */
export const strippedGoogleParams: readonly string[] = ["key", "access_token"];

/** `url` without the named query parameters; every other byte of the query as it came. */
function withoutParams(url: string, names: readonly string[]): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const hash = url.indexOf("#", q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const kept = query.split("&").filter((part) => {
    const raw = part.split("=", 1)[0]!.replace(/\+/g, " ");
    let name: string;
    try {
      name = decodeURIComponent(raw);
    } catch {
      name = raw;
    }
    return !names.includes(name);
  });
  return url.slice(0, q) + (kept.length === 0 ? "" : `?${kept.join("&")}`) +
    (hash < 0 ? "" : url.slice(hash));
}

function remove(headers: Record<string, string>, names: readonly string[]): void {
  for (const name of Object.keys(headers)) {
    if (names.includes(name.toLowerCase())) delete headers[name];
  }
}

function planOf(provider: ResolvedProvider): Plan | null {
  let plan = plans.get(provider);
  if (plan !== undefined) return plan;
  const credential = upstreamCredentialOf(provider);
  plan = credential === null ? null : {
    credential,
    tokens: credential.kind === "gcp_service_account" ? tokenSourceOf(provider) : null,
  };
  plans.set(provider, plan);
  return plan;
}

/**
 * Whether the gateway sends its own credentials to this provider (and never a client's): then
 * any request may use it, whatever credential the client sent elsewhere.
 */
export function holdsCredentials(provider: ResolvedProvider): boolean {
  return (provider.kind === "bedrock" && provider.aws !== undefined) ||
    (provider.kind === "vertex" && provider.gcp !== undefined);
}

/** The signer's rule for an access key id (cloud_auth/sigv4.ts): visible ASCII, no `/` or `,`. */
const accessKeyIdShape = /^[\x21-\x2b\x2d\x2e\x30-\x7e]+$/;

/**
 * What the gateway adds for this provider, from its config; null: nothing (client credentials
 * pass). Throws a `CloudAuthError` for credentials that cannot be used (check refuses them).
 */
export function upstreamCredentialOf(provider: ResolvedProvider): Credential | null {
  if (!holdsCredentials(provider)) return null;
  if (provider.kind === "bedrock" && provider.aws !== undefined) {
    const { access_key_id: id, secret_access_key: secret, session_token } = provider.aws;
    if (id === undefined || secret === undefined || !accessKeyIdShape.test(id)) {
      throw new CloudAuthError(
        "sigv4_credentials_invalid",
        "aws: the access key id or the secret access key is unset or unusable",
      );
    }
    const scope = bedrockScope(new URL(provider.upstream).host, provider.aws.region);
    return {
      kind: "sigv4",
      region: scope.region,
      service: scope.service,
      accessKeyId: id,
      secretAccessKey: secret,
      sessionToken: session_token ?? null,
    };
  }
  return { kind: "gcp_service_account", tokenSource: provider.id };
}

function tokenSourceOf(provider: ResolvedProvider): GcpTokenSource {
  const gcp = provider.gcp!;
  if (gcp.service_account_json === undefined) {
    throw new CloudAuthError(
      "gcp_service_account_invalid",
      `${gcp.source}: ${gcp.file_error ?? "is not set"}`,
    );
  }
  const account = parseServiceAccountJson(gcp.service_account_json, gcp.source);
  return new GcpTokenSource({ account, source: gcp.source });
}

/** The Bedrock operations the gateway signs: each names its model, so it is priced and limited. */
const signedBedrockOperations: ReadonlySet<string> = new Set([
  "converse",
  "converse-stream",
  "invoke",
  "invoke-with-response-stream",
  "count-tokens",
]);

/**
 * The gateway's own credentials sign only model operations: a trace prices them and limits
 * reserve against their model. Anything else (Bedrock's async-invoke, a guardrail, a list;
 * a Vertex dataset or endpoint path) would run as the gateway's identity unpriced and unlimited.
 */
function outsideSignedPaths(provider: ResolvedProvider, url: string): GatewayError | null {
  const u = new URL(url);
  const base = new URL(provider.upstream).pathname.replace(/\/+$/, "");
  const path = base !== "" && u.pathname.startsWith(base + "/")
    ? u.pathname.slice(base.length)
    : u.pathname;
  if (provider.kind === "bedrock") {
    const parsed = parseBedrockPath(path + u.search);
    if (parsed.ok && signedBedrockOperations.has(parsed.value.operation)) return null;
  } else if (parseVertexPath(path + u.search) !== null) return null;
  const signs = provider.kind === "bedrock"
    ? "aws credentials sign only /model/{modelId}/converse, converse-stream, invoke, " +
      "invoke-with-response-stream and count-tokens"
    : "gcp service account authorizes only publisher model paths " +
      "(/v1/projects/{p}/locations/{l}/publishers/{google|anthropic}/models/{model}:{method}, " +
      "or /v1beta1/...)";
  return new GatewayError(
    "invalid_provider_path",
    `providers.${provider.id}: the gateway's ${signs}, the operations a trace prices and limits ` +
      `hold; ${path.slice(0, 120)} is not one, so nothing was sent. Send other operations to ` +
      "the cloud directly with credentials of your own",
  );
}

/** The key pools' rule for the gateway's own credentials: nothing is signed, nothing sent. */
function untrustedCaller(provider: ResolvedProvider): GatewayError {
  const key = provider.kind === "bedrock" ? "aws" : "gcp";
  return new GatewayError(
    "upstream_credentials_invalid",
    `providers.${provider.id}.${key}: the gateway's own credentials serve requests only in team ` +
      "mode (auth.enabled) or on a loopback listener, and this gateway listens beyond loopback " +
      "without auth, so nothing was sent; turn on auth.enabled with gateway keys, or listen on " +
      "127.0.0.1",
  );
}

/**
 * A `CloudAuthError` as the gateway answers the client: which config key failed and what the
 * operator should check, never the detail (a key file's path, the token endpoint's words), which
 * goes to the gateway's log. A request the signer cannot read is the client's own to fix.
 */
export function gatewayErrorOf(provider: ResolvedProvider, err: CloudAuthError): GatewayError {
  const key = `providers.${provider.id}.${provider.kind === "bedrock" ? "aws" : "gcp"}`;
  switch (err.reason) {
    case "gcp_token_wait_aborted":
      return new GatewayError(
        "upstream_credentials_unavailable",
        `${key}: the request ended while the gateway waited for an access token for its ` +
          "service account, so nothing was sent",
      );
    case "gcp_token_unreachable":
    case "gcp_token_refused":
    case "gcp_token_response_invalid":
      return new GatewayError(
        "upstream_credentials_unavailable",
        `${key}: the gateway could not get an access token for its service account, so ` +
          "nothing was sent; the operator should check the gateway's log for the token " +
          "endpoint's answer, that the endpoint is reachable, and that the service account " +
          "and its key are enabled",
      );
    case "sigv4_invalid_request":
      return new GatewayError(
        "bad_request",
        `providers.${provider.id}: the gateway cannot sign this request for AWS (SigV4): ` +
          err.message,
      );
    default:
      return new GatewayError(
        "upstream_credentials_invalid",
        `${key}: the gateway's cloud credentials cannot be used, so nothing was sent; the ` +
          "operator should run ongoingai check for what to change (the detail is in the " +
          "gateway's log)",
      );
  }
}
