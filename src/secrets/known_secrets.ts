/**
 * Exact-value redaction of the secrets the config itself holds. shapes.ts recognises credential
 * SHAPES (`sk-...`, `ogk_...`, `Bearer ...`); a gateway key written in the config
 * (`auth.keys[].token`, usually `env("NAME")`) may have any shape, like
 * `team-alpha-shared-password-42`, and so may the fingerprint secret or the PII hash salt. Their
 * values are known, so every occurrence is replaced by the same `[CREDENTIAL_REDACTED]`.
 *
 * Built once per config generation (a reload builds the next one, so new keys are covered from
 * its first request). With no configured secret there is no redactor at all (`null`): callers
 * skip the pass entirely. A handful of secrets costs one `indexOf` each per string.
 */
import type { GatewayConfig } from "../config/mod.ts";
import { credentialRedacted } from "./shapes.ts";

export type Redact = (value: string) => string;

/**
 * Values shorter than this are not redacted: replacing a 4-letter salt such as `test` in every
 * model name, path and log line would wreck the output while hiding nothing worth hiding (a
 * secret that short is guessable anyway). The same floor as shapes.ts's shape matching.
 */
export const minSecretLength = 8;

/** Where a config keeps secrets; each reader returns the resolved values (env refs read). */
interface SecretSource {
  path: string;
  read(config: GatewayConfig): Iterable<string | undefined>;
}

const secretSources: readonly SecretSource[] = [
  { path: "auth.keys[].token", read: (c) => c.auth.keys.map((k) => k.token) },
  { path: "tracing.key_hash_secret", read: (c) => [c.tracing.key_hash_secret] },
  { path: "pii.replacement.hash_salt", read: (c) => [c.pii.replacement.hash_salt] },
  { path: "storage.dsn (password)", read: (c) => [dsnPassword(c.storage.dsn)] },
  {
    path: "providers.<id>.keys[].key",
    read: (c) => c.providers.flatMap((p) => (p.keys ?? []).map((k) => k.key)),
  },
  // The gateway's own cloud credentials (the access key id is no secret: traces fingerprint it).
  {
    path: "providers.<id>.aws.{secret_access_key,session_token}",
    read: (c) => c.providers.flatMap((p) => [p.aws?.secret_access_key, p.aws?.session_token]),
  },
  {
    path: "providers.<id>.gcp (the key JSON and its private_key)",
    read: (c) => c.providers.flatMap((p) => serviceAccountSecrets(p.gcp?.service_account_json)),
  },
  // OTLP exporter headers carry collector credentials (`Authorization`, `x-honeycomb-team`).
  {
    path: "observability.otel.{,traces_,metrics_}headers (values)",
    read: ({ observability: { otel } }) => [
      ...Object.values(otel.headers),
      ...Object.values(otel.traces_headers),
      ...Object.values(otel.metrics_headers),
    ],
  },
];

/**
 * The distinct configured secret values at least `minSecretLength` long, plus `extra` (the
 * fingerprint secret the process generated when the config gives none), longest first.
 */
export function collectSecrets(
  config: GatewayConfig,
  extra: Iterable<string | undefined> = [],
): string[] {
  const found = new Set<string>();
  const add = (v: string | undefined) => {
    if (typeof v === "string" && v.length >= minSecretLength) found.add(v);
  };
  for (const source of secretSources) for (const v of source.read(config)) add(v);
  for (const v of extra) add(v);
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * The ways a secret is written where the gateway meets it: as is; JSON-escaped (a secret holding
 * `"` or `\` inside a serialised log field or a JSON body), also with `/` escaped and non-ASCII
 * as `\u` escapes (what PHP and Python's `json.dumps` send); and percent-encoded (a path, a query
 * string, a form body, with `+` for spaces). For the usual key alphabet all of them are the secret
 * itself, so the set is one entry.
 */
export function secretSpellings(secret: string): Set<string> {
  const json = JSON.stringify(secret).slice(1, -1);
  const ascii = json.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  const url = encodeURIComponent(secret);
  return new Set([
    secret,
    json,
    ascii,
    json.replaceAll("/", "\\/"),
    url,
    url.replaceAll("%20", "+"),
  ]);
}

/**
 * A function replacing every occurrence of every secret with `[CREDENTIAL_REDACTED]`, or null
 * when there is nothing to redact. Overlapping occurrences become one
 * placeholder, so no fragment of either survives. A secret is also found in its other spellings
 * (`secretSpellings`): JSON-escaped inside a serialised log field, percent-encoded in a path.
 */
export function createSecretRedactor(secrets: Iterable<string>): Redact | null {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (s.length < minSecretLength) continue;
    for (const spelling of secretSpellings(s)) needles.add(spelling);
  }
  if (needles.size === 0) return null;
  const list = [...needles];
  return (value) => {
    let spans: [number, number][] | null = null;
    for (const needle of list) {
      // Plain `indexOf`: no regex, so metacharacters in a secret mean nothing.
      for (let at = value.indexOf(needle); at !== -1; at = value.indexOf(needle, at + 1)) {
        (spans ??= []).push([at, at + needle.length]);
      }
    }
    if (spans === null) return value;
    spans.sort((a, b) => a[0] - b[0]);
    let out = "";
    // `at`: the end of the region replaced last; a span starting before it overlaps it.
    let at = 0;
    for (const [start, end] of spans) {
      if (start < at) {
        at = Math.max(at, end);
        continue;
      }
      out += value.slice(at, start) + credentialRedacted;
      at = end;
    }
    return out + value.slice(at);
  };
}

/** The redactor of one config generation (`extra`: secrets known outside the config). */
export function knownSecretRedactor(
  config: GatewayConfig,
  extra: Iterable<string | undefined> = [],
): Redact | null {
  return createSecretRedactor(collectSecrets(config, extra));
}

/** `postgres://user:PASSWORD@host/db`; a key-value DSN or none gives nothing. */
function dsnPassword(dsn: string | undefined): string | undefined {
  if (dsn === undefined || !dsn.includes("://")) return undefined;
  try {
    const password = new URL(dsn).password;
    return password === "" ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}

/**
 * A service-account key file: the whole text, its PEM (line breaks; the JSON-escaped spelling is
 * one of `secretSpellings`), the PEM again with literal `\n` pairs read as line breaks (a key
 * pasted through a variable), and the key's base64 body on one line (a PEM reflowed in a log
 * line). Text that is no JSON: only itself.
 */
function serviceAccountSecrets(json: string | undefined): string[] {
  if (json === undefined) return [];
  let pem: unknown;
  try {
    pem = (JSON.parse(json) as { private_key?: unknown } | null)?.private_key;
  } catch {
    return [json];
  }
  if (typeof pem !== "string") return [json];
  const lines = pem.replace(/\\n/g, "\n");
  const body = /-----BEGIN [A-Z ]+-----([\s\S]*?)-----END/.exec(lines)?.[1]?.replace(/\s+/g, "");
  return [json, pem, lines, ...(body === undefined ? [] : [body])];
}
