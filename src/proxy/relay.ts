/**
 * The last stage of the forward path: the upstream's answer goes to the client while the attempt
 * reads it on the side (usage, capture). One of four ways, chosen from the headers: no body at
 * all; a document to redact first; a small document read whole; or a stream through the tap.
 */
import { GatewayError } from "../errors/mod.ts";
import type { UpstreamResponse } from "../upstream/mod.ts";
import { codeAfterHeaders } from "./abort_reasons.ts";
import type { Attempt } from "./attempt.ts";
import type { Exchange } from "./exchange.ts";
import { clientResponseHeaders, type HeaderPairs, headersOf, headerValue } from "./headers.ts";
import {
  encodedBody,
  type RedactedDocument,
  redactedDocument,
  redactedEventStream,
  redactsResponse,
  uninspectableAnswer,
} from "./pii_response.ts";
import { decoderFormat } from "./side_decoder.ts";
import { tapStream } from "./tap.ts";
import { bodyFailure } from "./upstream_errors.ts";
import {
  readTranslatedDocument,
  relayTranslatedError,
  translatedAnswerHeaders,
  translateDocument,
  translatedStream,
  undecodedCoding,
} from "./translate_relay.ts";

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
/** Non-streamed bodies up to this size are read whole before answering (see `relayWhole`). */
const bufferedBodyLimit = 256 * 1024;
const nullBodyStatuses = new Set([101, 204, 205, 304]);

export async function relay(ex: Exchange, upstream: UpstreamResponse): Promise<Response> {
  const attempt = ex.attempt!;
  if (redirectStatuses.has(upstream.status)) {
    upstream.cancel();
    const id = ex.route.provider.id;
    return ex.refuse(
      new GatewayError(
        "upstream_redirect",
        `provider ${id} answered with a redirect (${upstream.status}); redirects are not followed so that credentials never reach another host; check providers.${id}.upstream`,
      ),
    );
  }
  const redact = redactsResponse(ex);
  const headers = readAnswer(ex, attempt, upstream, redact);
  if (attempt.translation !== null) return await relayTranslated(ex, attempt, upstream, redact);
  if (nullBodyStatuses.has(upstream.status) || ex.req.method === "HEAD") {
    // No body by definition; reading the (empty) rest frees the connection for reuse.
    await upstream.bytes().catch(() => upstream.cancel());
    ex.complete();
    return new Response(null, { status: upstream.status, headers });
  }
  if (redact && !attempt.eventStream) {
    const answered = await relayRedactedDocument(ex, attempt, upstream, headers);
    if (answered !== null) return answered;
  }
  const declared = headerValue(upstream.headers, "content-length");
  if (!attempt.eventStream && declared !== null && Number(declared) <= bufferedBodyLimit) {
    return await relayWhole(ex, attempt, upstream, headers);
  }
  return relayStream(ex, attempt, upstream, headers, redact);
}

/** The answer's headers arrived: the attempt starts reading, and the client's headers are set. */
function readAnswer(
  ex: Exchange,
  attempt: Attempt,
  upstream: UpstreamResponse,
  redact: boolean,
): HeaderPairs {
  attempt.reads(
    upstream.status,
    headerValue(upstream.headers, "content-type"),
    headerValue(upstream.headers, "content-encoding"),
    headersOf(upstream.headers),
  );
  const max = ex.captureMax;
  if (max !== null) attempt.capturing(max);
  if (!upstream.decoded) {
    const format = decoderFormat(attempt.contentEncoding);
    // An unknown coding reaches the parser as it is: usage then reads as unknown, honestly.
    if (format !== null && format !== "unsupported") {
      attempt.decodeOnTheSide(format, ex.decodeLimits);
    }
  }
  const headers = clientResponseHeaders(upstream.headers, ex.correlationId, {
    decoded: upstream.decoded,
    bodyRewritten: hidesUsageEvent(ex, attempt) || redact,
  });
  ex.relays(attempt, headers);
  return headers;
}

/** The adapter asked for a usage event the client did not, and this answer streams it. */
function hidesUsageEvent(ex: Exchange, attempt: Attempt): boolean {
  return attempt.request.hideUsageEvent && attempt.streamKind === "sse" &&
    ex.route.adapter.hideUsageEvent !== undefined;
}

/** A body failed before any of it went out: the client still gets a proper error. */
function failedBody(ex: Exchange, err: unknown): Response {
  const code = codeAfterHeaders(ex.signal);
  if (code === "client_aborted") return ex.clientLeft();
  return ex.refuse(bodyFailure(code, ex.route.provider.id, err));
}

/** A document under a redacting policy: read whole, redacted, then sent (or refused). */
async function relayRedactedDocument(
  ex: Exchange,
  attempt: Attempt,
  upstream: UpstreamResponse,
  headers: HeaderPairs,
): Promise<Response | null> {
  let doc: RedactedDocument | null;
  attempt.waitForUpstream();
  try {
    doc = await redactedDocument(
      ex,
      attempt,
      upstream,
      attempt.contentType,
      attempt.contentEncoding,
    );
  } catch (err) {
    return failedBody(ex, err);
  }
  if (doc === null) return null;
  // A blocked answer was read whole (and billed): its usage is still recorded.
  if (doc.kind === "refuse") return ex.refuse(doc.error, doc.error.code === "pii_blocked");
  if (doc.bytes.byteLength > 0) attempt.onChunk(doc.bytes);
  ex.complete();
  return new Response(doc.bytes, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers,
  });
}

/**
 * A small JSON answer is of no use to a client until it is complete, so it is read whole and
 * sent in one piece: the runtime then writes it natively instead of pumping a JS stream (about
 * twice the throughput), and a failure can still be answered with a proper status.
 */
async function relayWhole(
  ex: Exchange,
  attempt: Attempt,
  upstream: UpstreamResponse,
  headers: HeaderPairs,
): Promise<Response> {
  let bytes: Uint8Array<ArrayBuffer>;
  attempt.waitForUpstream();
  try {
    bytes = await upstream.bytes();
  } catch (err) {
    return failedBody(ex, err);
  }
  if (bytes.byteLength > 0) attempt.onChunk(bytes);
  ex.complete();
  return new Response(bytes, { status: upstream.status, statusText: upstream.statusText, headers });
}

/** Anything else streams through the tap, redacted and without the hidden usage event as due. */
function relayStream(
  ex: Exchange,
  attempt: Attempt,
  upstream: UpstreamResponse,
  headers: HeaderPairs,
  redact: boolean,
): Response {
  let body = streamBody(ex, attempt, upstream, redact);
  if (body instanceof Response) return body;
  if (hidesUsageEvent(ex, attempt)) body = body.pipeThrough(ex.route.adapter.hideUsageEvent!());
  return new Response(body, { status: upstream.status, statusText: upstream.statusText, headers });
}

/** The answer's bytes through the tap (redacted when due), or the refusal when they cannot be. */
function streamBody(
  ex: Exchange,
  attempt: Attempt,
  upstream: UpstreamResponse,
  redact: boolean,
): ReadableStream<Uint8Array> | Response {
  const redactStream = redact && attempt.eventStream;
  if (redactStream && encodedBody(upstream, attempt.contentEncoding)) {
    upstream.cancel();
    return ex.refuse(uninspectableAnswer(ex, `a ${attempt.contentEncoding}-compressed stream`));
  }
  // Stream redaction reads SSE events and AWS event streams; another framing is refused, never
  // passed unredacted.
  if (redactStream && attempt.streamKind !== "sse" && attempt.streamKind !== "aws-eventstream") {
    upstream.cancel();
    return ex.refuse(uninspectableAnswer(ex, `a ${attempt.streamKind} stream`));
  }
  // An SSE wire format without text locations cannot be redacted in flight: refused. (Every
  // kind has them today; AWS event streams go through the adapter's `readEventStreamPayload`.)
  if (
    redactStream && attempt.streamKind === "sse" && ex.route.adapter.locateStreamText === undefined
  ) {
    upstream.cancel();
    return ex.refuse(uninspectableAnswer(ex, "a stream whose text this build cannot locate"));
  }
  const source = redactStream
    ? redactedEventStream(ex, attempt, upstream, ex.route.adapter)
    : upstream;
  return tapStream(source, ex);
}

/**
 * A translated attempt's answer (translate_relay.ts): read as the upstream's protocol, sent in
 * the client's. An error or a document is read whole (bounded); a stream goes event by event.
 */
async function relayTranslated(
  ex: Exchange,
  attempt: Attempt,
  upstream: UpstreamResponse,
  redact: boolean,
): Promise<Response> {
  const t = attempt.translation!;
  const coding = undecodedCoding(upstream);
  if (coding !== null) {
    upstream.cancel();
    const why = `a ${coding}-compressed answer cannot be translated`;
    return ex.refuse(new GatewayError("upstream_untranslatable", why));
  }
  if (upstream.status < 200 || upstream.status >= 300) {
    return await relayTranslatedError(ex, attempt, upstream, t);
  }
  if (attempt.eventStream) {
    const body = streamBody(ex, attempt, upstream, redact);
    if (body instanceof Response) return body;
    const headers = translatedAnswerHeaders(ex, "text/event-stream");
    ex.relays(attempt, headers, 200);
    return new Response(translatedStream(body, t), { status: 200, headers });
  }
  const bytes = await translatedDocumentBytes(ex, attempt, upstream, redact);
  if (bytes instanceof Response) return bytes;
  const out = await translateDocument(bytes, t);
  // Read whole (and billed): its usage is recorded all the same.
  if (out instanceof GatewayError) return ex.refuse(out, true);
  const headers = translatedAnswerHeaders(ex, "application/json", t.answerHeaders);
  ex.relays(attempt, headers, 200);
  ex.complete();
  return new Response(out, { status: 200, headers });
}

/** The upstream's document, read whole (redacted when due) and given to the attempt. */
async function translatedDocumentBytes(
  ex: Exchange,
  attempt: Attempt,
  upstream: UpstreamResponse,
  redact: boolean,
): Promise<Uint8Array | Response> {
  attempt.waitForUpstream();
  let bytes: Uint8Array | GatewayError;
  try {
    if (redact) {
      const doc = await redactedDocument(ex, attempt, upstream, attempt.contentType, null);
      if (doc?.kind === "refuse") return ex.refuse(doc.error, doc.error.code === "pii_blocked");
      bytes = doc === null ? await readTranslatedDocument(upstream) : doc.bytes;
    } else bytes = await readTranslatedDocument(upstream);
  } catch (err) {
    return failedBody(ex, err);
  }
  if (bytes instanceof GatewayError) return ex.refuse(bytes);
  if (bytes.byteLength > 0) attempt.onChunk(bytes);
  return bytes;
}
