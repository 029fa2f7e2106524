/**
 * Custom headers of the OTLP exporters (collector auth: `Authorization: Basic ...`,
 * `x-honeycomb-team`): what a header name may be, the `OTEL_EXPORTER_OTLP_*HEADERS` list format,
 * and the per-signal merge. Header values are often credentials, so nothing here ever puts a
 * value into a message.
 */
import { z } from "zod";
import { envRefSchema } from "./schema_env_ref.ts";
import { resolveSecret } from "./resolve.ts";

/** RFC 7230 `token`: the characters an HTTP header name may contain. */
export const headerNamePattern = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Set by the exporter (or fetch) itself: a configured value would either be ignored or
 * corrupt the request, so it is refused rather than silently dropped.
 */
export const exporterOwnedHeaders: readonly string[] = ["content-type", "content-length", "host"];

/** CR and LF would split the header (and fetch refuses them); NUL likewise. */
export const forbiddenValueChars = /[\r\n\0]/;

const headerNameSchema = z.string()
  .regex(headerNamePattern, "must be an HTTP header name (RFC 7230 token), e.g. x-honeycomb-team")
  .refine(
    (name) => !exporterOwnedHeaders.includes(name.toLowerCase()),
    `is set by the exporter itself (${exporterOwnedHeaders.join(", ")}); remove it`,
  );

/** `{ name: value }`; a value may be `env("NAME")` (YAML `{ env: NAME }`), read at load time. */
export const otlpHeadersSchema = z.record(
  headerNameSchema,
  z.union([z.string(), envRefSchema]).describe(
    'The header\'s value, or `env("NAME")` to read it from the environment at load time.',
  ),
)
  .default({});

export type HeaderMap = Record<string, string>;
type Parsed = { ok: true; value: HeaderMap } | { ok: false; expected: string };

const listFormat = "comma-separated name=value pairs";

/**
 * The OTel spec's header list (`OTEL_EXPORTER_OTLP_HEADERS`, W3C Baggage without metadata):
 * `name=value` entries split on commas, whitespace around names and values trimmed, values
 * percent-decoded (`%20` is a space; `+` stays `+`, as in Go's `url.PathUnescape`). Names come
 * out lowercase, and a name given twice keeps its last value (HTTP names ignore case). Blank
 * entries (a trailing comma) are skipped. A malformed entry is reported by its position only:
 * the variable holds credentials, so neither a name nor a value is ever echoed.
 */
export function parseHeaderList(raw: string): Parsed {
  const out: HeaderMap = {};
  const entries = raw.split(",");
  for (const [i, entry] of entries.entries()) {
    if (entry.trim() === "") continue;
    const fail = (why: string): Parsed => ({
      ok: false,
      expected: `${listFormat}; entry ${i + 1} ${why}`,
    });
    const eq = entry.indexOf("=");
    if (eq < 0) return fail('has no "="');
    const name = entry.slice(0, eq).trim().toLowerCase();
    if (name === "") return fail('has no name before "="');
    if (!headerNamePattern.test(name)) return fail("has a name that is not an HTTP header name");
    if (exporterOwnedHeaders.includes(name)) {
      return fail(`sets ${name}, which the exporter sets itself`);
    }
    let value: string;
    try {
      value = decodeURIComponent(entry.slice(eq + 1)).trim();
    } catch {
      return fail("has a value that is not valid percent-encoding (write % as %25)");
    }
    if (forbiddenValueChars.test(value)) return fail("has a value with CR, LF or NUL");
    out[name] = value;
  }
  return { ok: true, value: out };
}

/** Later records win; names compare case-insensitively and the later spelling is kept. */
export function mergeHeaders(...records: readonly Readonly<Record<string, unknown>>[]) {
  const out: Record<string, unknown> = {};
  for (const record of records) {
    for (const [name, value] of Object.entries(record)) {
      for (const key of Object.keys(out)) {
        if (key.toLowerCase() === name.toLowerCase()) delete out[key];
      }
      out[name] = value;
    }
  }
  return out;
}

/** Names written twice in one record, ignoring case (`Authorization` and `authorization`). */
export function duplicateNames(record: Readonly<Record<string, unknown>>): string[] {
  const seen = new Set<string>();
  const dupes: string[] = [];
  for (const name of Object.keys(record)) {
    const lower = name.toLowerCase();
    if (seen.has(lower)) dupes.push(name);
    seen.add(lower);
  }
  return dupes;
}

type HeaderInput = Record<string, string | z.output<typeof envRefSchema>>;
const headerKeys = ["headers", "traces_headers", "metrics_headers"] as const;
export type OtlpHeaderKey = (typeof headerKeys)[number];

/**
 * `env("NAME")` values replaced by the variable's value; a header whose variable is unset is
 * left out (`check` reports it as an error when its signal is exported).
 */
export function resolveOtlpHeaders<T extends Record<OtlpHeaderKey, HeaderInput>>(
  otel: T,
  env: Readonly<Record<string, string | undefined>>,
): Omit<T, OtlpHeaderKey> & Record<OtlpHeaderKey, HeaderMap> {
  const resolved = { ...otel } as Record<string, unknown>;
  for (const key of headerKeys) {
    const out: HeaderMap = {};
    for (const [name, value] of Object.entries(otel[key])) {
      const v = resolveSecret(value, env);
      if (v !== undefined) out[name] = v;
    }
    resolved[key] = out;
  }
  return resolved as Omit<T, OtlpHeaderKey> & Record<OtlpHeaderKey, HeaderMap>;
}

/** What one signal's exporter sends: `headers`, then that signal's own over them. */
export function signalHeaders(
  otel: Readonly<Record<OtlpHeaderKey, HeaderMap>>,
  signal: "traces" | "metrics",
): HeaderMap {
  return mergeHeaders(otel.headers, otel[`${signal}_headers`]) as HeaderMap;
}
