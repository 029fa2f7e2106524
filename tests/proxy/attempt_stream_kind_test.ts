/**
 * The attempt asks its adapter what kind of stream an answer is (no content-type match in the
 * proxy): a stub kind framing its answers as the AWS event-stream makes the attempt a stream,
 * while the SSE kinds keep today's answer for every content type.
 */
import assert from "node:assert/strict";
import { Attempt } from "../../src/proxy/attempt.ts";
import { providerAdapters } from "../../src/providers/mod.ts";
import type { ProviderAdapter, ResponseInfo } from "../../src/providers/mod.ts";

const prepared = { body: null, model: "m", streaming: true, hideUsageEvent: false };

function attemptWith(adapter: ProviderAdapter): Attempt {
  const ctx = {
    monotonic: () => 0,
    adapter,
    req: new Request("http://gw.test/stub/x", { method: "POST" }),
    t0: 0,
  };
  return new Attempt(ctx, prepared, "/model/m/converse-stream");
}

Deno.test("attempt: the SSE kinds' streamKind is the old text/event-stream match", () => {
  const rows: [string | null, boolean][] = [
    ["text/event-stream", true],
    ["text/event-stream; charset=utf-8", true],
    ["application/json", false],
    ["application/vnd.amazon.eventstream", false],
    [null, false],
  ];
  for (const [type, want] of rows) {
    const a = attemptWith(providerAdapters.openai);
    a.reads(200, type, null);
    assert.equal(a.eventStream, want, String(type));
    assert.equal(a.streamKind, want ? "sse" : null, String(type));
  }
});

Deno.test("attempt: a stub kind's own framing makes the answer a stream", () => {
  const seen: ResponseInfo[] = [];
  const stub: ProviderAdapter = {
    ...providerAdapters.anthropic,
    streamKind(info) {
      seen.push(info);
      return info.contentType === "application/vnd.amazon.eventstream" ? "aws-eventstream" : null;
    },
  };
  const a = attemptWith(stub);
  a.reads(200, "application/vnd.amazon.eventstream", null);
  assert.equal(a.eventStream, true);
  assert.equal(a.streamKind, "aws-eventstream");
  assert.equal(seen[0]!.path, "/model/m/converse-stream");
  assert.equal(seen[0]!.method, "POST");
  assert.equal(seen[0]!.requestedStreaming, true);
  const b = attemptWith(stub);
  b.reads(200, "text/event-stream", null);
  assert.equal(b.eventStream, false);
});

Deno.test("attempt: the adapter sees the answer's headers (usage and error types live there)", () => {
  const seen: ResponseInfo[] = [];
  const stub: ProviderAdapter = {
    ...providerAdapters.openai,
    createUsageParser(info, observer) {
      seen.push(info);
      return providerAdapters.openai.createUsageParser(info, observer);
    },
  };
  const a = attemptWith(stub);
  const headers = new Headers({ "x-amzn-bedrock-input-token-count": "12" });
  a.reads(200, "application/json", null, headers);
  assert.equal(seen[0]!.headers?.get("x-amzn-bedrock-input-token-count"), "12");
  const b = attemptWith(stub);
  b.reads(200, "application/json", null);
  assert.equal("headers" in seen[1]!, false);
});
