/**
 * The response stage of `redact_upstream` and `block`: the client gets the model's answer with
 * detected values replaced (or, in `block`, not at all). Event streams go through the streaming
 * redactor, which holds back only the text that could still turn into a match; other text bodies
 * are read whole, redacted and sent in one piece. Binary bodies (audio, images) carry no text the
 * detectors could read and pass unchanged.
 */
import {
  type Counts,
  createEventStreamRedactor,
  createSseRedactor,
  foundTypes,
  guards,
  inspectableContentType,
  type RedactBodyResult,
  redactBodyWithin,
  ScanBudgetExceeded,
} from "../pii/mod.ts";
import { ByteBuffer } from "../bytes.ts";
import type { ProviderAdapter } from "../providers/mod.ts";
import { GatewayError } from "../errors/mod.ts";
import type { UpstreamResponse } from "../upstream/mod.ts";
import type { Attempt } from "./attempt.ts";
import type { Exchange } from "./exchange.ts";
import type { BodySource } from "./tap.ts";

/** A text body above this is not buffered for redaction: the request fails closed instead. */
export const maxRedactedDocumentBytes = 32 * 1024 * 1024;

/** True when this exchange's response must be redacted before the client sees it. */
export function redactsResponse(ex: Exchange): boolean {
  const applied = ex.pii.applied;
  return guards(applied) && applied.policy.stages.response_body;
}

/**
 * The upstream's event stream as the client may see it. In `block` mode a finding ends the stream
 * with the provider's own error event, and the exchange is traced as `pii_blocked`. A stream the
 * redactor cannot follow within its bounds (an event over 8 MiB, more than 1024 channels open, more
 * than 16 Mi units held back) ends the same way and is traced as `pii_uninspectable`.
 */
export function redactedEventStream(
  ex: Exchange,
  attempt: Attempt,
  upstream: UpstreamResponse,
  adapter: ProviderAdapter,
): BodySource {
  const applied = ex.pii.applied!;
  const source = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await upstream.read();
      if (chunk === null) controller.close();
      else controller.enqueue(chunk);
    },
    cancel: () => upstream.cancel(),
  }, { highWaterMark: 0 });
  const common = {
    rules: applied.rules,
    mode: applied.mode === "block" ? "block" as const : "redact" as const,
    // Past `pii.scan_budget.max_findings` the stream ends with an error event (one event full of
    // addresses was otherwise one synchronous step of seconds).
    budget: ex.pii.scanBudget,
    // As found, not at the end: a client that goes away gets its trace recorded before the
    // redactor hears of the cancel.
    onFound: (counts: Counts) => ex.pii.add(counts),
    onBlocked: () => ex.failedMidway("pii_blocked"),
    // A bound of the redactor (an event, the channels, the held text) stopped the stream: the
    // client got the error event; the trace says the answer could not be inspected.
    onStopped: () => ex.failedMidway("upstream_uninspectable", true),
  };
  // AWS event streams (Bedrock) are binary messages: their own redactor re-encodes each one.
  const streamError = adapter.streamError;
  const redactor = attempt.streamKind === "aws-eventstream"
    ? createEventStreamRedactor({
      ...(adapter.readEventStreamPayload && { readPayload: adapter.readEventStreamPayload }),
      ...common,
    })
    : createSseRedactor({
      locate: adapter.locateStreamText ?? (() => ({ fields: [], closes: [] })),
      // The path decides the wire format where one kind speaks two (Vertex's publishers).
      ...(streamError &&
        { streamError: (c: string, m: string) => streamError(c, m, attempt.path) }),
      ...common,
    });
  const reader = source.pipeThrough(redactor).getReader();
  attempt.markRedacted();
  return {
    async read() {
      const next = await reader.read();
      return next.done ? null : next.value;
    },
    cancel: () => void reader.cancel().catch(() => {}),
  };
}

/**
 * Media that holds no text for a pattern to find: passed on unchanged. Any other type the
 * redactor cannot read (NDJSON, XML in another charset, ...) is refused rather than let through.
 */
export function binaryMedia(contentType: string | null): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return /^(audio|image|video|font)\//.test(type) ||
    ["application/octet-stream", "application/pdf", "application/zip"].includes(type);
}

/** The body still carries a content coding the gateway did not remove. */
export function encodedBody(upstream: UpstreamResponse, contentEncoding: string | null): boolean {
  return !upstream.decoded && contentEncoding !== null && contentEncoding.trim() !== "" &&
    contentEncoding.trim().toLowerCase() !== "identity";
}

/** The error for an answer the response stage cannot read. */
export function uninspectableAnswer(ex: Exchange, why: string): GatewayError {
  const applied = ex.pii.applied!;
  return new GatewayError(
    "upstream_uninspectable",
    `provider ${ex.route.provider.id} answered with ${why}, which PII policy ${applied.policy.id} (mode ${applied.mode}) cannot inspect, so it is not passed on`,
    { policy_id: applied.policy.id },
  );
}

export type RedactedDocument =
  | { kind: "send"; bytes: Uint8Array<ArrayBuffer> }
  | { kind: "refuse"; error: GatewayError };

/**
 * A non-streamed answer, read whole and redacted. Fails closed when it cannot be inspected:
 * compressed with a coding the client did not remove, too large, or not UTF-8.
 */
export async function redactedDocument(
  ex: Exchange,
  attempt: Attempt,
  upstream: UpstreamResponse,
  contentType: string | null,
  contentEncoding: string | null,
): Promise<RedactedDocument | null> {
  if (binaryMedia(contentType)) return null;
  const applied = ex.pii.applied!;
  const refuse = (why: string): RedactedDocument => {
    upstream.cancel();
    return { kind: "refuse", error: uninspectableAnswer(ex, why) };
  };
  if (!inspectableContentType(contentType)) return refuse(`a ${contentType} body`);
  if (encodedBody(upstream, contentEncoding)) return refuse(`a ${contentEncoding}-compressed body`);
  const bytes = await readCapped(upstream, maxRedactedDocumentBytes);
  if (bytes === null) return refuse(`a body over ${maxRedactedDocumentBytes} bytes`);
  let result: RedactBodyResult;
  try {
    result = await redactBodyWithin(bytes, contentType, applied.rules, {
      budget: ex.pii.scanBudget,
    });
  } catch (err) {
    if (!(err instanceof ScanBudgetExceeded)) throw err;
    return refuse(`a body past the redaction budget (${err.message}; raise ${err.key})`);
  }
  if ("failed" in result) return refuse("a body that is not UTF-8 text");
  attempt.markRedacted();
  ex.pii.add(result.counts);
  if (result.changed && applied.mode === "block") {
    // The usage parser reads the answer as received; the client gets only the refusal.
    attempt.parseOnly(bytes);
    const types = foundTypes(result.counts);
    return {
      kind: "refuse",
      error: new GatewayError(
        "pii_blocked",
        `the provider's answer contains ${
          types.join(", ")
        } and PII policy ${applied.policy.id} blocks it`,
        { types, policy_id: applied.policy.id },
      ),
    };
  }
  const out = result.bytes;
  return {
    kind: "send",
    bytes: out.buffer instanceof ArrayBuffer ? out as Uint8Array<ArrayBuffer> : new Uint8Array(out),
  };
}

/**
 * The whole body, or null past `max` bytes. Kept in one buffer: an array per chunk cost about
 * 200 bytes each, so 32 MiB sent one byte per chunk would have held gigabytes.
 */
export async function readCapped(
  upstream: Pick<UpstreamResponse, "read">,
  max: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const kept = new ByteBuffer();
  for (let chunk = await upstream.read(); chunk !== null; chunk = await upstream.read()) {
    if (kept.size + chunk.byteLength > max) return null;
    kept.append(chunk);
  }
  return kept.take();
}
