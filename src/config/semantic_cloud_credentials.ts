/**
 * What `check` says about the gateway's own cloud credentials (`providers.<id>.aws`, `.gcp`):
 * everything that would make the gateway fail to sign or to get a token at request time is an
 * error here, with what to do, so that `serve` never starts with credentials it cannot use.
 * Messages name variables and paths, never a value.
 */
import { CloudAuthError, parseServiceAccountJson, regionOfBedrockHost } from "../cloud_auth/mod.ts";
import type { PathSegment, RawIssue } from "./issues.ts";
import type { GatewayConfig, ResolvedAws, ResolvedGcp, ResolvedProvider } from "./resolve.ts";
import type { ParsedConfig } from "./schema.ts";
import type { EnvRef } from "./schema_env_ref.ts";
import { checkCredentialExposure } from "./semantic_cloud_exposure.ts";

interface Out {
  errors: RawIssue[];
  warnings: RawIssue[];
}

type ParsedProvider = ParsedConfig["providers"][string];

export function checkCloudCredentials(parsed: ParsedConfig, config: GatewayConfig, out: Out) {
  checkCredentialExposure(config, out);
  for (const p of config.providers) {
    const given = parsed.providers[p.id];
    if (given === undefined) continue;
    if (p.kind === "bedrock" && p.aws !== undefined && given.aws !== undefined) {
      checkAws(p, p.aws, given.aws, out);
    }
    if (p.kind === "vertex" && p.gcp !== undefined && given.gcp !== undefined) {
      checkGcp(p, p.gcp, given.gcp, out);
    }
    const own = p.kind === "bedrock" ? p.aws : p.kind === "vertex" ? p.gcp : undefined;
    if (own !== undefined && (given.keys?.length ?? 0) > 0) {
      out.warnings.push({
        at: ["providers", p.id, "keys"],
        message: `are never sent: the gateway's own ${p.kind === "bedrock" ? "aws" : "gcp"} ` +
          "credentials replace every other credential on this provider's requests",
        hint: `remove providers.${p.id}.keys, or the ${p.kind === "bedrock" ? "aws" : "gcp"} block`,
      });
    }
  }
}

const unset = (ref: EnvRef, at: PathSegment[], what: string): RawIssue => ({
  at,
  message: `environment variable ${ref.env} is not set, so the gateway has no ${what}`,
  hint: `export ${ref.env}=... before starting the gateway`,
});

const plaintext = (at: PathSegment[], name: string): RawIssue => ({
  at,
  message: "is a plaintext secret in the config file",
  hint: `use env("${name}") (YAML: { env: ${name} })`,
});

/** The signer's own rule (cloud_auth/sigv4.ts): visible ASCII, no `/` or `,`. */
const accessKeyIdShape = /^[\x21-\x2b\x2d\x2e\x30-\x7e]+$/;

function checkAws(
  p: ResolvedProvider,
  aws: ResolvedAws,
  given: NonNullable<ParsedProvider["aws"]>,
  out: Out,
): void {
  const at = (key: string): PathSegment[] => ["providers", p.id, "aws", key];
  const id = given.access_key_id;
  if (typeof id === "object" && aws.access_key_id === undefined) {
    out.errors.push(unset(id, at("access_key_id"), "AWS access key id to sign with"));
  } else if (aws.access_key_id !== undefined && !accessKeyIdShape.test(aws.access_key_id)) {
    out.errors.push({
      at: at("access_key_id"),
      message: "is not an AWS access key id: it holds a space, '/', ',' or a control character",
      hint: "give the access key id (AKIA... or ASIA...), not the secret access key",
    });
  }
  const secret = given.secret_access_key;
  if (typeof secret === "object" && aws.secret_access_key === undefined) {
    out.errors.push(unset(secret, at("secret_access_key"), "AWS secret access key to sign with"));
  } else if (typeof secret === "string") {
    out.warnings.push(plaintext(at("secret_access_key"), "AWS_SECRET_ACCESS_KEY"));
  }
  checkSessionToken(aws, given, at, out);
  checkRegion(p, aws, out);
}

function checkSessionToken(
  aws: ResolvedAws,
  given: NonNullable<ParsedProvider["aws"]>,
  at: (key: string) => PathSegment[],
  out: Out,
): void {
  const token = given.session_token;
  if (typeof token === "string") {
    out.warnings.push(plaintext(at("session_token"), "AWS_SESSION_TOKEN"));
  }
  // ASIA...: temporary credentials, which AWS refuses without their session token.
  const temporary = aws.access_key_id?.startsWith("ASIA") === true;
  if (aws.session_token !== undefined || !temporary) {
    if (typeof token === "object" && aws.session_token === undefined) {
      out.warnings.push({
        at: at("session_token"),
        message: `environment variable ${token.env} is not set: requests are signed without ` +
          "a session token (right for long-term keys, AKIA...)",
        hint: `export ${token.env}=... if the keys are temporary ones`,
      });
    }
    return;
  }
  const name = typeof token === "object" ? token.env : "AWS_SESSION_TOKEN";
  out.errors.push({
    at: at(token === undefined ? "access_key_id" : "session_token"),
    message: token === undefined
      ? "is a temporary access key id (ASIA...), which AWS refuses without its session token"
      : `environment variable ${name} is not set, and the access key id is a temporary ` +
        "one (ASIA...), which AWS refuses without its session token",
    hint: token === undefined
      ? 'add session_token: env("AWS_SESSION_TOKEN")'
      : `export ${name}=... (the session token issued with the key)`,
  });
}

function upstreamHost(upstream: string): string | null {
  try {
    return new URL(upstream).host;
  } catch {
    return null; // the schema reports a bad upstream URL
  }
}

function checkRegion(p: ResolvedProvider, aws: ResolvedAws, out: Out): void {
  const host = upstreamHost(p.upstream);
  if (host === null) return;
  const hostRegion = regionOfBedrockHost(host);
  if (aws.region === null && hostRegion === null) {
    out.errors.push({
      at: ["providers", p.id, "aws", "region"],
      message: `is not set, and the upstream host ${host} names no region ` +
        "(bedrock-runtime.<region>.amazonaws.com): the gateway cannot sign without one",
      hint: `set providers.${p.id}.aws.region, for example us-east-1`,
    });
  } else if (aws.region !== null && hostRegion !== null && hostRegion !== aws.region) {
    out.warnings.push({
      at: ["providers", p.id, "aws", "region"],
      message: `is ${aws.region}, but the upstream host ${host} is in ${hostRegion}: AWS ` +
        "refuses a signature for another region than the endpoint's",
      hint: `remove it (the host's region is used), or set the upstream to ` +
        `https://bedrock-runtime.${aws.region}.amazonaws.com`,
    });
  }
}

function checkGcp(
  p: ResolvedProvider,
  gcp: ResolvedGcp,
  given: NonNullable<ParsedProvider["gcp"]>,
  out: Out,
): void {
  const key = given.service_account_file === undefined
    ? "service_account_json"
    : "service_account_file";
  const at: PathSegment[] = ["providers", p.id, "gcp", key];
  if (gcp.file_error !== undefined) {
    out.errors.push({
      at,
      message: `${given.service_account_file} ${gcp.file_error}`,
      hint: "give the path of the service account's JSON key file, readable by the gateway",
    });
    return;
  }
  const json = gcp.service_account_json;
  if (json === undefined) {
    const ref = given.service_account_json;
    if (typeof ref === "object") out.errors.push(unset(ref, at, "service-account key"));
    return;
  }
  if (typeof given.service_account_json === "string") {
    out.warnings.push(plaintext(at, "GOOGLE_SERVICE_ACCOUNT_JSON"));
  }
  const problem = serviceAccountProblem(json);
  if (problem !== null) out.errors.push({ at, ...problem });
}

/** What is wrong with a key file's text, read as the token source will read it. */
function serviceAccountProblem(json: string): { message: string; hint: string } | null {
  const trimmed = json.trim();
  if (!trimmed.startsWith("{") && /(?:^[~./]|\.json$)/.test(trimmed)) {
    return {
      message: "holds a file path, not the key's JSON",
      hint: "use service_account_file: <that path> instead, or give the file's content",
    };
  }
  let pem: string;
  try {
    pem = parseServiceAccountJson(json, "the key").privateKeyPem.replace(/\\n/g, "\n");
  } catch (err) {
    if (!(err instanceof CloudAuthError)) throw err;
    return {
      message: err.message,
      hint: "give the JSON key file of a service account (IAM > Service accounts > Keys)",
    };
  }
  if (pem.includes("BEGIN RSA PRIVATE KEY")) {
    return {
      message: 'the key\'s "private_key" is a PKCS#1 key, which Web Crypto cannot read',
      hint: "convert it: openssl pkcs8 -topk8 -nocrypt -in key.pem",
    };
  }
  if (!/-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/.test(pem)) {
    return {
      message: 'the key\'s "private_key" is not a PEM "BEGIN PRIVATE KEY" block',
      hint: "give the JSON key file as downloaded, unchanged",
    };
  }
  return null;
}
