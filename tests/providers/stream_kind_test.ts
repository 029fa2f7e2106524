/**
 * `streamKind`: the adapter, not a content-type match in the proxy, says whether an answer is a
 * stream and how it is framed. The SSE kinds answer exactly as the old `text/event-stream` match
 * did; a framing no reader exists for yet reads as unknown usage, never as zero.
 */
import assert from "node:assert/strict";
import { providerAdapters, providerKinds } from "../../src/providers/mod.ts";
import type { ResponseInfo, StreamFraming } from "../../src/providers/mod.ts";
import {
  createResponseParser,
  framingOf,
  isEventStream,
  type UsageReader,
} from "../../src/providers/response_parser.ts";

const info = (contentType: string | null, requestedStreaming = false): ResponseInfo => ({
  path: "/v1/chat/completions",
  status: 200,
  contentType,
  requestedStreaming,
  requestModel: "m",
});

const rows: [string | null, StreamFraming | null][] = [
  ["text/event-stream", "sse"],
  ["text/event-stream; charset=utf-8", "sse"],
  ["Text/Event-Stream", "sse"],
  ["application/json", null],
  ["application/vnd.amazon.eventstream", null],
  ["text/plain", null],
  [null, null],
];

const sseKinds = ["openai", "anthropic", "openai-compatible"] as const;

for (const kind of sseKinds) {
  Deno.test(`streamKind (${kind}): text/event-stream is sse, anything else no stream`, () => {
    for (const [type, want] of rows) {
      assert.equal(providerAdapters[kind].streamKind(info(type)), want, String(type));
      assert.equal(providerAdapters[kind].streamKind(info(type, true)), want, String(type));
    }
  });
}

Deno.test("streamKind: every registered kind answers it", () => {
  for (const kind of providerKinds) {
    assert.equal(typeof providerAdapters[kind].streamKind, "function", kind);
  }
});

Deno.test("framingOf: no content type at all falls back to what the client asked for", () => {
  assert.equal(framingOf(info(null, true), null), "sse");
  assert.equal(framingOf(info(null, false), null), null);
  assert.equal(framingOf(info("application/json", true), null), null);
  assert.equal(framingOf(info("x", false), "aws-eventstream"), "aws-eventstream");
  // The old rule, unchanged.
  assert.equal(isEventStream(info(null, true)), true);
  assert.equal(isEventStream(info("text/event-stream")), true);
  assert.equal(isEventStream(info("application/json", true)), false);
});

/** A reader that would report usage from any event or document it is given. */
function reader(): UsageReader & { seen: number } {
  return {
    seen: 0,
    documentMembers: [["usage"]],
    event() {
      this.seen++;
    },
    document() {
      this.seen++;
    },
    result() {
      return {
        model: null,
        usage: this.seen > 0
          ? {
            input_tokens: 1,
            output_tokens: 1,
            total_tokens: 2,
            cached_input_tokens: 0,
            cache_write_tokens: 0,
            reasoning_tokens: 0,
          }
          : null,
        final: true,
      };
    },
  };
}

Deno.test("createResponseParser: an unread framing gives unknown usage on a billed path", () => {
  const r = reader();
  const p = createResponseParser(
    info("application/vnd.amazon.eventstream", true),
    "expected",
    r,
    undefined,
    "aws-eventstream",
  );
  p.push(new TextEncoder().encode('data: {"usage":{}}\n\n'));
  const report = p.finish(true);
  assert.equal(r.seen, 0);
  assert.equal(report.status, "unknown");
  assert.equal(report.usage, null);
});

Deno.test("createResponseParser: the declared framing picks the frame (sse vs document)", () => {
  const body = new TextEncoder().encode('data: {"usage":{}}\n\n');
  const sse = reader();
  const p1 = createResponseParser(info("application/x-custom"), "expected", sse, undefined, "sse");
  p1.push(body);
  assert.equal(p1.finish(true).status, "exact");
  assert.equal(sse.seen, 1);
  // The default is the SSE kind of the content type: here a document, which does not parse.
  const doc = reader();
  const p2 = createResponseParser(info("application/x-custom"), "expected", doc);
  p2.push(body);
  const r2 = p2.finish(true);
  assert.equal(r2.status, "unknown");
  assert.equal(r2.parseErrors, 1);
});
