/**
 * Redaction of a whole request or response body: which bodies can be inspected at all, what kind
 * of text they hold, and the UTF-8 round trip. Bytes that are not UTF-8 are reported, never
 * guessed at; a body that comes back unchanged is the caller's own bytes object.
 */
import { encodeSteps } from "./big_strings.ts";
import { drain, drive, Meter, type MeterOptions, type Steps, unmetered } from "./budget.ts";
import { redactJsonBodySteps } from "./redact_json.ts";
import { redactSseLinesSteps } from "./redact_sse_lines.ts";
import { type RedactResult, redactTextSteps } from "./redact_text.ts";
import type { Counts, RedactRules } from "./types.ts";
import { redactEventStreamSteps } from "./stream/eventstream_stored.ts";
import { isAwsEventStream } from "./stream/eventstream_transform.ts";

export type BodyKind = "json" | "sse" | "text";

export interface RedactBodyOptions {
  /**
   * The streaming redactor run over a whole SSE transcript, in slices under the meter; without
   * it, line by line.
   */
  sse?: (text: string, meter: Meter) => Steps<RedactResult>;
}

export type RedactBodyResult =
  | { bytes: Uint8Array; counts: Counts; changed: boolean }
  /** Not UTF-8 text; or an AWS event stream the redactor cannot follow (`uninspectable`). */
  | { failed: "not_utf8" | "uninspectable" };

/** `type/subtype` in lower case without parameters, and the charset parameter if any. */
function parseContentType(contentType: string | null): { media: string; charset: string | null } {
  const [media = "", ...params] = (contentType ?? "").split(";");
  let charset: string | null = null;
  for (const p of params) {
    const eq = p.indexOf("=");
    if (p.slice(0, eq).trim().toLowerCase() === "charset") {
      charset = p.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1").toLowerCase();
    }
  }
  return { media: media.trim().toLowerCase(), charset };
}

function isJsonMedia(media: string): boolean {
  return media === "application/json" || media.endsWith("+json");
}

/**
 * Whether a body of this type can be redacted: none (empty), JSON (`application/json`, `*+json`)
 * and `text/*`, in UTF-8. Everything else is not inspectable, so a policy that must redact fails
 * closed. Not inspectable on purpose: multipart and binary types (files, audio); form bodies
 * (`application/x-www-form-urlencoded`), whose values are percent-encoded, so that scanning the raw
 * text would miss `a%40b.com` and give a false all-clear; and any other charset than UTF-8 or
 * US-ASCII (a UTF-16 body is valid UTF-8 full of NULs that no detector matches across).
 */
export function inspectableContentType(contentType: string | null): boolean {
  const { media, charset } = parseContentType(contentType);
  if (charset !== null && charset !== "utf-8" && charset !== "utf8" && charset !== "us-ascii") {
    return false;
  }
  return media === "" || isJsonMedia(media) || media.startsWith("text/");
}

function firstSignificant(text: string): number {
  let k = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (k < text.length && /\s/.test(text[k]!)) k++;
  return k;
}

const sseStart = /^(?:data:|event:|:)/;

/**
 * SSE for `text/event-stream`, or with no content type when the text opens with an SSE line;
 * JSON for a JSON type or when the text opens with `{` or `[` (a JSON-looking body under another
 * type is lexed as JSON, and scanned as text too if it turns out not to be); text otherwise.
 */
export function bodyKind(contentType: string | null, text: string): BodyKind {
  const { media } = parseContentType(contentType);
  if (media === "text/event-stream") return "sse";
  if (isJsonMedia(media)) return "json";
  const k = firstSignificant(text);
  if (media === "" && sseStart.test(text.slice(k, k + 6))) return "sse";
  const c = text[k];
  return c === "{" || c === "[" ? "json" : "text";
}

/**
 * How many bytes at the end begin a UTF-8 sequence that the end cut short (0 to 3). Only a valid
 * beginning counts: a stray lead byte at the end is invalid UTF-8, not a truncation.
 */
function cutSequenceLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: the sequence began further back
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (needed <= back) return 0;
    try {
      // A streaming decode accepts a valid incomplete sequence and rejects an invalid one.
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(n - back), { stream: true });
      return back;
    } catch {
      return 0;
    }
  }
  return 0;
}

/**
 * Redacts a body of the given content type (check `inspectableContentType` first). A body cut at
 * a size cap may end inside a character: those last bytes are kept as they are, after the
 * redacted rest, like the rest of a truncation.
 */
export function redactBodyBytes(
  bytes: Uint8Array,
  contentType: string | null,
  rules: RedactRules,
  options: RedactBodyOptions = {},
): RedactBodyResult {
  return drain(redactBodySteps(bytes, contentType, rules, options, unmetered()));
}

/**
 * `redactBodyBytes` in slices under a budget, for a body that arrived whole (a provider's
 * non-streamed answer): other requests are served between the slices. Rejects with
 * `ScanBudgetExceeded` past the budget.
 */
export async function redactBodyWithin(
  bytes: Uint8Array,
  contentType: string | null,
  rules: RedactRules,
  meterOptions: MeterOptions,
): Promise<RedactBodyResult> {
  const meter = new Meter(meterOptions);
  return await drive(redactBodySteps(bytes, contentType, rules, {}, meter), meter);
}

/**
 * `redactBodyBytes` in slices (see budget.ts). Every kind pauses between slices: an SSE
 * transcript (a stored response, up to the capture cap) of blank lines or dense addresses took
 * seconds in one go.
 */
export function* redactBodySteps(
  bytes: Uint8Array,
  contentType: string | null,
  rules: RedactRules,
  options: RedactBodyOptions,
  meter: Meter,
): Steps<RedactBodyResult> {
  // Binary framing around JSON (Bedrock's streamed answers): redacted message by message.
  if (isAwsEventStream(contentType)) return yield* redactEventStreamSteps(bytes, rules, meter);
  const cut = cutSequenceLength(bytes);
  const text = yield* decodeSteps(bytes.subarray(0, bytes.length - cut), meter);
  if (text === null) return { failed: "not_utf8" };
  const kind = bodyKind(contentType, text);
  const result = kind === "json"
    ? yield* redactJsonBodySteps(text, rules, meter)
    : kind === "text"
    ? yield* redactTextSteps(text, rules, meter)
    : options.sse
    ? yield* options.sse(text, meter)
    : yield* redactSseLinesSteps(text, rules, meter);
  if (!result.changed) return { bytes, counts: result.counts, changed: false };
  if (meter.due()) yield;
  const encoded = yield* encodeSteps(result.text, meter);
  if (cut === 0) return { bytes: encoded, counts: result.counts, changed: true };
  const out = new Uint8Array(encoded.length + cut);
  out.set(encoded);
  out.set(bytes.subarray(bytes.length - cut), encoded.length);
  return { bytes: out, counts: result.counts, changed: true };
}

/** Bytes per decoded piece: a millisecond or so of work. */
const decodePiece = 512 * 1024;

/** Strict UTF-8 decoding (no BOM stripped), piece by piece; null when the bytes are not UTF-8. */
function* decodeSteps(bytes: Uint8Array, meter: Meter): Steps<string | null> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  try {
    if (bytes.length <= decodePiece) return decoder.decode(bytes);
    const pieces: string[] = [];
    for (let from = 0; from < bytes.length; from += decodePiece) {
      const to = Math.min(bytes.length, from + decodePiece);
      pieces.push(decoder.decode(bytes.subarray(from, to), { stream: to < bytes.length }));
      if (meter.due()) yield;
    }
    return pieces.join("");
  } catch {
    return null;
  }
}
