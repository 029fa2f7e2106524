/**
 * The invariant of plan issue 20, P10, through the real request path: under `redact_upstream`,
 * an answer framed as an AWS event stream either reaches the client as a valid, redacted stream
 * or is refused with a clear error; its values never pass unredacted. The upstream is a loopback
 * server answering with Bedrock's framing (the provider kind is beside the point here: what
 * decides is the answer's content type).
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";
import { values } from "./stream_fixture.ts";
import { bytesOf, converse, decodeOutput, eventsOf, invoke } from "./eventstream_replay.ts";

const pieces = ["Write to john.do", "e@example.com today."];

for (
  const [name, messages] of [["converse", converse(pieces)], ["invoke", invoke(pieces)]] as const
) {
  Deno.test(`redact_upstream on a ${name} event stream: redacted or refused, never passed`, async () => {
    const body = new Uint8Array(bytesOf(messages));
    const upstream = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      () =>
        new Response(body, {
          headers: { "content-type": "application/vnd.amazon.eventstream" },
        }),
    );
    const h = await startHarness({
      providers: { anthropic: { upstream: `http://127.0.0.1:${upstream.addr.port}` } },
      pii: { mode: "redact_upstream", replacement: { hash_salt: "test-salt-0123456789" } },
    });
    try {
      const res = await h.request("/anthropic/v1/messages", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-api-key": "sk-ant-api03-CLIENT",
          "anthropic-version": "2023-06-01",
        },
        body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 64, stream: true }),
      });
      const got = new Uint8Array(await res.arrayBuffer());
      if (res.status === 200) {
        const out = decodeOutput(got);
        ok(!JSON.stringify(eventsOf(out)).includes(values.email));
      } else {
        strictEqual(res.status, 502);
        const error = JSON.parse(new TextDecoder().decode(got)).error;
        strictEqual(error.code, "upstream_uninspectable");
        ok(/vnd\.amazon\.eventstream/.test(error.message), error.message);
      }
      ok(!new TextDecoder().decode(got).includes(values.email));
      const [t] = await h.tracesSettled(1);
      deepStrictEqual(t!.response_body?.includes(values.email) ?? false, false);
    } finally {
      await h.close();
      await upstream.shutdown();
    }
  });
}
