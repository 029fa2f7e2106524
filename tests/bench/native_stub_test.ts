/**
 * The `routing` and `native` scenarios' upstream (bench/stub_native.ts) speaks the wire formats
 * exactly: the official clients (`@google/genai`, `@aws-sdk/client-bedrock-runtime`) read its
 * answers, streamed and not, with the text, end of answer and usage it means; the scenario's own
 * full check accepts them; the status knob answers each protocol's error document. Also the
 * open-loop helpers' pure parts (median of the rounds' differences, falling behind).
 */
import assert from "node:assert/strict";
import { GoogleGenAI } from "@google/genai";
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";
import { handleNative, nativeStream, nativeUsage } from "../../bench/stub_native.ts";
import { checkNative, nativeRequest } from "../../bench/scenarios/native_answers.ts";
import { behind, medianDiff, type RowsMeasured } from "../../bench/scenarios/open_rows.ts";
import type { OpenResult } from "../../bench/client.ts";
import { percentiles } from "../../bench/stats.ts";

const streamText = Array.from({ length: nativeStream.chunks }, (_, i) => `t${i}`).join("");

/**
 * The stub on a free port; `unpaced`: its streams sent without the 2 ms gaps (same bytes). The
 * AWS SDK in Deno talks HTTP/2 through node:http2, whose client here ends a response early when
 * its DATA frames arrive some milliseconds apart (2 of 24 events; curl --http2-prior-knowledge
 * reads the same paced stream in full), so the SDK reads the stream unpaced.
 */
async function withStub(fn: (origin: string) => Promise<void>, unpaced = false): Promise<void> {
  const handler = (req: Request) => {
    if (!unpaced) return handleNative(req);
    const headers = new Headers(req.headers);
    headers.set("x-bench-interval-ms", "0");
    return handleNative(new Request(req, { headers }));
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

Deno.test("native stub: @google/genai reads generateContent and the SSE stream", async () => {
  await withStub(async (origin) => {
    const ai = new GoogleGenAI({ apiKey: "AIzaSyBench", httpOptions: { baseUrl: origin } });
    const one = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    assert.match(one.text ?? "", /^x+$/);
    assert.equal(one.candidates?.[0]?.finishReason, "STOP");
    assert.equal(one.usageMetadata?.candidatesTokenCount, nativeUsage.completion);
    let text = "", finish: unknown = null, usage: unknown = null;
    for await (
      const c of await ai.models.generateContentStream({
        model: "gemini-2.5-flash",
        contents: "hi",
      })
    ) {
      text += c.text ?? "";
      finish = c.candidates?.[0]?.finishReason ?? finish;
      usage = c.usageMetadata?.candidatesTokenCount ?? usage;
    }
    assert.deepEqual([text, finish, usage], [streamText, "STOP", nativeUsage.completion]);
  });
});

Deno.test("native stub: the AWS SDK reads Converse and ConverseStream", async () => {
  await withStub(async (origin) => {
    const client = new BedrockRuntimeClient({
      region: "us-east-1",
      endpoint: origin,
      token: { token: "ABSKbench" },
      authSchemePreference: ["httpBearerAuth"],
      maxAttempts: 1,
    });
    const modelId = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    const messages = [{ role: "user" as const, content: [{ text: "hi" }] }];
    const one = await client.send(new ConverseCommand({ modelId, messages }));
    assert.match(one.output?.message?.content?.[0]?.text ?? "", /^x+$/);
    assert.equal(one.stopReason, "end_turn");
    assert.equal(one.usage?.outputTokens, nativeUsage.completion);
    const res = await client.send(new ConverseStreamCommand({ modelId, messages }));
    let text = "", stop: unknown = null, out: unknown = null;
    for await (const e of res.stream!) {
      text += e.contentBlockDelta?.delta?.text ?? "";
      stop = e.messageStop?.stopReason ?? stop;
      out = e.metadata?.usage?.outputTokens ?? out;
    }
    assert.deepEqual([text, stop, out], [streamText, "end_turn", nativeUsage.completion]);
    client.destroy();
  }, true);
});

Deno.test("native stub: the scenario's full check accepts every answer; the status knob", async () => {
  await withStub(async (origin) => {
    for (const provider of ["gemini", "bedrock"] as const) {
      for (const kind of ["json", "sse"] as const) {
        const req = nativeRequest(origin, "", provider, kind);
        assert.equal(await checkNative(req, provider, kind), null, `${provider} ${kind}`);
      }
    }
    const cases: [string, RegExp][] = [
      ["/x-bench/status=503/v1/chat/completions", /"type":"server_error"/],
      ["/x-bench/stream=paced,status=429/v1/messages", /"type":"overloaded_error"/],
      ["/x-bench/status=503/model/m/converse", /"message"/],
    ];
    for (const [path, body] of cases) {
      const res = await fetch(origin + path, { method: "POST", body: "{}" });
      assert.equal(res.status, Number(/status=(\d+)/.exec(path)![1]), path);
      assert.match(await res.text(), body, path);
    }
    const ok = await fetch(`${origin}/v1/chat/completions`, { method: "POST", body: "{}" });
    assert.equal(ok.status, 200, "without the knob: stub.ts's answer");
    await ok.body?.cancel();
  });
});

function result(latencies: number[], extra: Partial<OpenResult> = {}): OpenResult {
  const p = percentiles(latencies);
  return {
    rate_target: 10,
    rate_achieved: 10,
    completed: latencies.length,
    errors: 0,
    overload: 0,
    latency_ms: p,
    dispatch_lag_ms: p,
    ttfb_ms: p,
    mismatched: 0,
    first_error: null,
    ...extra,
  };
}

Deno.test("open rows: the median over rounds of a row's difference to another", () => {
  const m = (a: number[], b: number[]): RowsMeasured => ({
    rate: 10,
    results: { a: a.map((x) => result([x])), b: b.map((x) => result([x])) },
    problems: {},
    sampled: 0,
    seconds: 1,
    saturation: {},
  });
  const cases: [number[], number[], number | null][] = [
    [[5], [3], 2],
    [[5, 9, 4], [3, 3, 3], 2],
    [[1, 2], [0, 0, 0], 2],
    [[], [1], null],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(medianDiff(m(a, b), "a", "b", "latency_ms", "p50"), want, `${a} - ${b}`);
  }
  assert.equal(medianDiff(undefined, "a", "b", "latency_ms", "p99"), null);
});

Deno.test("open rows: behind the schedule", () => {
  const cases: [Partial<OpenResult>, boolean][] = [
    [{}, false],
    [{ overload: 1 }, true],
    [{ rate_achieved: 9.4 }, true],
    [{ rate_achieved: 9.6 }, false],
  ];
  for (const [extra, want] of cases) assert.equal(behind(result([1], extra), 1, 0), want);
});
