/**
 * A translated attempt's answer on its way to the client (issue 21): the attempt reads the
 * upstream's bytes as they are (usage, capture, the trace: the target's protocol and prices), and
 * the client gets them in its own protocol. Errors in the client's format with the status its
 * SDK retries on; a document decoded and encoded whole (bounded); a stream event by event, an
 * upstream that breaks off ending the client's stream with its protocol's error event.
 */
import { GatewayError } from "../errors/mod.ts";
import {
  clientCodecOf,
  clientErrorOf,
  decodeCountAnswer,
  decodeUpstreamResponse,
  encodeClientResponse,
  maxCollectedChars,
  providerErrorOf,
  sealResponse,
  type StreamEvent,
  StreamPipe,
  StreamStateSealer,
} from "../providers/mod.ts";
import { waitHintMs } from "../routing/mod.ts";
import type { UpstreamResponse } from "../upstream/mod.ts";
import type { Attempt } from "./attempt.ts";
import type { Exchange } from "./exchange.ts";
import { type HeaderPairs, headersOf, headerValue } from "./headers.ts";
import type { AnswerTranslation } from "./translate_attempt.ts";
import { readBounded } from "./route_attempt.ts";

const tooLargeToKeep = `the answer is longer than ${maxCollectedChars} characters: it is not ` +
  "kept for previous_response_id (send the whole conversation next)";

/** How long a translated stream may stay silent toward the client while the upstream is not. */
const defaultKeepaliveMs = 15_000;
const keepalive = new TextEncoder().encode(": keepalive\n\n");

/** An error answer is read up to this much for its facts (as routing reads one). */
const maxErrorBytes = 64 * 1024;
/** A translated document is held whole: larger than any model's answer document. */
export const maxTranslatedDocumentBytes = 32 * 1024 * 1024;

/** The client's headers: its content type, the correlation id; nothing of the provider's. */
export function translatedAnswerHeaders(
  ex: Exchange,
  contentType: string,
  extra: Record<string, string> = {},
): HeaderPairs {
  const out: HeaderPairs = [["content-type", contentType]];
  if (contentType === "text/event-stream") out.push(["cache-control", "no-cache"]);
  for (const [k, v] of Object.entries(extra)) out.push([k, v]);
  out.push(["x-ongoingai-correlation-id", ex.correlationId]);
  return out;
}

/** A non-2xx answer in the client's format: the provider's message, a status its SDK retries. */
export async function relayTranslatedError(
  ex: Exchange,
  attempt: Attempt,
  upstream: UpstreamResponse,
  t: AnswerTranslation,
): Promise<Response> {
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(upstream, maxErrorBytes);
  } catch {
    bytes = new Uint8Array(0);
  }
  if (bytes.byteLength > 0) attempt.onChunk(bytes);
  const headers = headersOf(upstream.headers);
  const text = new TextDecoder().decode(bytes);
  const facts = ex.route.adapter.errorFacts?.(upstream.status, text, headers) ??
    { category: "other" as const, message: null };
  const error = providerErrorOf(
    t.target.protocol,
    upstream.status,
    facts,
    waitHintMs(headers, Date.now()),
  );
  const answer = clientErrorOf(clientCodecOf(t.client), error);
  const pairs = translatedAnswerHeaders(ex, "application/json", answer.headers);
  ex.relays(attempt, pairs, answer.status);
  ex.complete();
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: pairs });
}

/** A 2xx document, read whole within its bound: decoded from the upstream, encoded for the client. */
export async function readTranslatedDocument(
  upstream: UpstreamResponse,
): Promise<Uint8Array | GatewayError> {
  const bytes = await readBounded(upstream, maxTranslatedDocumentBytes + 1);
  if (bytes.byteLength > maxTranslatedDocumentBytes) {
    return new GatewayError(
      "upstream_untranslatable",
      `the upstream's answer is larger than ${maxTranslatedDocumentBytes} bytes, the most a translated answer may be`,
    );
  }
  return bytes;
}

/**
 * The upstream's document (already read and given to the attempt) in the client's protocol;
 * the answered turn is kept first (a Responses client's next turn may name it at once).
 */
export async function translateDocument(
  bytes: Uint8Array,
  t: AnswerTranslation,
): Promise<Uint8Array<ArrayBuffer> | GatewayError> {
  if (t.local !== null) return new TextEncoder().encode(JSON.stringify(t.local));
  let res;
  let out;
  try {
    const body: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    if (t.client === "anthropic.count_tokens") {
      return new TextEncoder().encode(JSON.stringify(decodeCountAnswer(t.target, body).body));
    }
    res = decodeUpstreamResponse(t.target, body, t.id, t.notes);
    // A Responses client's turn is named by the gateway (translate_attempt.ts `answerId`).
    if (t.client === "openai.responses") res = { ...res, id: t.id };
    const shown = t.seal === null ? res : await sealResponse(res, t.seal);
    out = encodeClientResponse(t.client, shown, t.createdAt, t.notes);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return new GatewayError(
      "upstream_untranslatable",
      `the ${t.target.protocol} answer could not be translated for a ${t.client} client: ${
        why.slice(0, 300)
      }`,
    );
  }
  await t.remember?.(res);
  return new TextEncoder().encode(JSON.stringify(out));
}

/**
 * The client's stream: each upstream chunk translated as it arrives. A source that breaks off
 * (cut, stalled) ends the client's stream with its protocol's error event, which the SDKs raise,
 * rather than a broken connection; the tap has already told the exchange why.
 */
export function translatedStream(
  source: ReadableStream<Uint8Array>,
  t: AnswerTranslation,
  keepaliveMs = defaultKeepaliveMs,
): ReadableStream<Uint8Array> {
  const sealer = t.seal === null ? null : new StreamStateSealer(t.seal);
  const pipe = new StreamPipe({
    target: t.target,
    client: t.client,
    includeUsage: t.includeUsage,
    id: t.id,
    createdAt: t.createdAt,
    notes: t.notes,
    collect: t.remember !== null,
    ...(sealer === null ? {} : { seal: (e: StreamEvent) => sealer.event(e) }),
  });
  let kept = false;
  let sentAt = performance.now();
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (err) {
          const out = pipe.abort(err);
          if (out.byteLength > 0) controller.enqueue(out);
          controller.close();
          return;
        }
        if (next.done) {
          const out = await pipe.endSealed();
          if (out.byteLength > 0) controller.enqueue(out);
          controller.close();
          return;
        }
        const out = await pipe.pushSealed(next.value);
        // The turn is kept before its last event goes out: the client may name it at once.
        if (pipe.finished && !kept && t.remember !== null) {
          kept = true;
          const answer = pipe.answer();
          if (answer !== null) await t.remember(answer);
          else if (pipe.error === null) {
            t.notes.add("dropped", "store", tooLargeToKeep);
          }
        }
        if (out.byteLength > 0) {
          sentAt = performance.now();
          controller.enqueue(out);
          return;
        }
        // The upstream is alive (a keepalive, a partial event) but the client has heard nothing
        // for a while: an SSE comment, which every client's parser skips, keeps proxies between
        // the gateway and the client from closing an idle connection.
        if (!pipe.finished && performance.now() - sentAt >= keepaliveMs) {
          sentAt = performance.now();
          controller.enqueue(keepalive);
          return;
        }
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** Whether the answer is compressed in a way nothing here decoded (translation needs the bytes). */
export function undecodedCoding(upstream: UpstreamResponse): string | null {
  const coding = headerValue(upstream.headers, "content-encoding");
  if (upstream.decoded || coding === null || coding === "identity") return null;
  return coding;
}

/** The answer of an attempt the gateway made itself (`count_tokens` estimate): nothing was sent. */
export function localAnswer(t: AnswerTranslation): UpstreamResponse {
  const body = new TextEncoder().encode(JSON.stringify(t.local));
  let given = false;
  return {
    status: 200,
    statusText: "OK",
    headers: [["content-type", "application/json"], ["content-length", String(body.byteLength)]],
    decoded: true,
    read: () => {
      if (given) return Promise.resolve(null);
      given = true;
      return Promise.resolve(body);
    },
    bytes: () => Promise.resolve(body),
    cancel: () => {},
  };
}
