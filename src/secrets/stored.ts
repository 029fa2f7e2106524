/**
 * Secrets in what a trace stores. Metrics, spans and logs were scrubbed before; the trace itself
 * kept a gateway key typed into `model`, a path or a body verbatim (issue 16, item 8). The trace
 * builder runs every stored string through `text` and every captured body through `body`.
 *
 * - Short strings (model, path, header values, correlation and lineage ids): the configured
 *   secrets in every spelling (known_secrets.ts), then every credential shape (shapes.ts).
 * - Bodies: the configured secrets in every spelling and this gateway's own key shape (`ogk_`),
 *   found in the bytes themselves. Provider key shapes in bodies are left to the PII policies
 *   (`token_like` under `redact_storage`): scanning every body for them is their job and cost.
 *   A body cut at the cap may end with the start of a secret: that tail goes too.
 *
 * Cost when nothing is found: one pass for every spelling together (byte_search.ts), and one
 * latin1 view of the body for the `ogk_` expression; the body is returned as is, not copied.
 * See bench/secrets_bench.ts for figures.
 */
import { Buffer } from "node:buffer";
import { concatBytes } from "../bytes.ts";
import { type ByteSearch, createByteSearch } from "./byte_search.ts";
import { createSecretRedactor, minSecretLength, secretSpellings } from "./known_secrets.ts";
import { credentialRedacted, scrubValue } from "./shapes.ts";

export interface StoredScrubber {
  /** A stored string: configured secrets in any spelling, then credential shapes. */
  text(value: string): string;
  /**
   * Configured secrets in any spelling and gateway keys by shape, but no other shapes: for
   * values the client did not type (a response header: an upstream answering with its own key
   * is its business) or that cannot hold one (an id the gateway made). Unique values (a fresh
   * request id per answer) would miss every cache of `text` and cost a microsecond each.
   */
  exact(value: string): string;
  /** A stored path: as `text`, and when it holds escapes also as percent-decoded. */
  path(value: string): string;
  /**
   * A captured body (UTF-8): configured secrets in any spelling and `ogk_` keys replaced; with
   * `truncated`, also the start of one at the very end. The input itself when nothing is found.
   */
  body(bytes: Uint8Array, truncated: boolean): Uint8Array;
}

/** This gateway's keys (`generateToken`) as shapes.ts knows them, in bytes read as latin1. */
const gatewayKeyShape = /(?<![A-Za-z0-9])ogk_[A-Za-z0-9_-]{16,}/g;
/** The start of a gateway key at the very end of a body cut at the cap. */
const gatewayKeyTail = /(?<![A-Za-z0-9])ogk_[A-Za-z0-9_-]*$/;
/**
 * The shortest start of a configured secret removed from the end of a cut body. Shorter ends
 * are too common to mean anything (every body ending in "te" would lose it) and give away at
 * most three characters of a secret of eight or more.
 */
export const minSecretTail = 4;

const placeholder = new TextEncoder().encode(credentialRedacted);

/** The secrets' UTF-8 bytes as latin1 strings: searchable in a latin1 view of a body. */
function byteNeedles(secrets: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < minSecretLength) continue;
    for (const spelling of secretSpellings(secret)) {
      out.add(Buffer.from(spelling, "utf8").toString("latin1"));
    }
  }
  return [...out];
}

/** Escape layers taken off a stored path to find a secret (`%` as `%25`, `%2525`, ...). */
const maxPathDecodes = 4;

/** Entries and value length kept by each scrubber's result cache (as shapes.ts's). */
const cacheEntries = 1024;
const cacheMaxLength = 256;

/**
 * `scrub` with its recent results kept: header values, models and paths repeat from one request
 * to the next, and one look-up costs less than a search per secret. Emptied when full.
 */
function cached(scrub: (value: string) => string): (value: string) => string {
  const results = new Map<string, string>();
  return (value) => {
    if (value.length < minSecretLength) return value;
    if (value.length > cacheMaxLength) return scrub(value);
    let out = results.get(value);
    if (out === undefined) {
      if (results.size >= cacheEntries) results.clear();
      out = scrub(value);
      results.set(value, out);
    }
    return out;
  };
}

/** The scrubber of one config generation; `secrets`: the values `collectSecrets` gives. */
export function createStoredScrubber(secrets: Iterable<string>): StoredScrubber {
  const list = [...secrets];
  const known = createSecretRedactor(list);
  const needles = byteNeedles(list);
  const search = createByteSearch(needles.map((n) => Buffer.from(n, "latin1")));
  const text = cached((value) => scrubValue(known === null ? value : known(value)));
  return {
    text,
    // Not cached: its values are mostly unique (request ids, dates), and one search per
    // secret in a short string costs less than a map insertion.
    exact(value) {
      if (value.length < minSecretLength) return value;
      const out = known === null ? value : known(value);
      return out.includes("ogk_") ? out.replace(gatewayKeyShape, credentialRedacted) : out;
    },
    path(value) {
      const out = text(value);
      if (out !== value || !value.includes("%")) return out;
      // Decoded until no escape is left (a client escaping an escaped path: `%256F`), at most
      // `maxPathDecodes` times. Only a path that hides a secret behind escapes is stored
      // decoded (and scrubbed).
      let decoded = value;
      for (let round = 0; round < maxPathDecodes && decoded.includes("%"); round++) {
        const next = decodeEscapes(decoded);
        if (next === decoded) break;
        decoded = next;
        const scrubbed = text(decoded);
        if (scrubbed !== decoded) return scrubbed;
      }
      return value;
    },
    body: (bytes, truncated) => scrubBody(bytes, truncated, search, needles),
  };
}

/**
 * `value` with each run of `%XX` escapes decoded: as UTF-8 when it is, else byte by byte
 * (latin1). Unlike one `decodeURIComponent` of the whole, a stray `%` or a non-UTF-8 escape
 * elsewhere (`/caf%E9/`) does not leave the rest encoded.
 */
function decodeEscapes(value: string): string {
  return value.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(
        /%([0-9a-f]{2})/gi,
        (_, hex: string) => String.fromCharCode(parseInt(hex, 16)),
      );
    }
  });
}

function scrubBody(
  bytes: Uint8Array,
  truncated: boolean,
  search: ByteSearch | null,
  needles: string[],
): Uint8Array {
  if (bytes.byteLength === 0) return bytes;
  let spans = search?.find(bytes) ?? null;
  // A byte per character, so the expression's indexes are byte offsets.
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  for (const m of view.matchAll(gatewayKeyShape)) {
    (spans ??= []).push([m.index, m.index + m[0].length]);
  }
  if (truncated) {
    const tail = cutTail(view, needles);
    if (tail > 0) (spans ??= []).push([view.length - tail, view.length]);
  }
  if (spans === null) return bytes;
  spans.sort((a, b) => a[0] - b[0]);
  const parts: Uint8Array[] = [];
  // `at`: the end of the region replaced last; a span starting before it overlaps it.
  let at = 0;
  for (const [start, end] of spans) {
    if (start < at) {
      at = Math.max(at, end);
      continue;
    }
    parts.push(bytes.subarray(at, start), placeholder);
    at = end;
  }
  parts.push(bytes.subarray(at));
  return concatBytes(parts);
}

/** How many bytes at the end of `view` are the start of a secret or of a gateway key. */
function cutTail(view: string, needles: string[]): number {
  let longest = 0;
  for (const needle of needles) {
    for (let n = Math.min(needle.length - 1, view.length); n > longest && n >= minSecretTail; n--) {
      if (view.endsWith(needle.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  const key = gatewayKeyTail.exec(view.slice(-64));
  return Math.max(longest, key?.[0].length ?? 0);
}
