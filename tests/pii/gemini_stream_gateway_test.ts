/**
 * A Gemini stream under `redact_upstream` and `block`: the stream redactor does not follow
 * Gemini's chunks yet (no `locateStreamText`: function-call arguments are whole objects), so the
 * answer is refused with `upstream_uninspectable`, never passed unredacted. A non-streamed Gemini
 * answer is a JSON document and is redacted as one.
 */
import { ok, strictEqual } from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";

const email = "john.doe@example.com";
const chunk = (text: string, finish = false) =>
  `data: ${
    JSON.stringify({
      candidates: [{
        content: { parts: [{ text }], role: "model" },
        ...(finish ? { finishReason: "STOP" } : {}),
        index: 0,
      }],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 7, totalTokenCount: 12 },
      modelVersion: "gemini-2.5-flash",
    })
  }\r\n\r\n`;
const sse = chunk("Write to john.do") + chunk("e@example.com today.", true);
const doc = JSON.stringify({
  candidates: [{
    content: { parts: [{ text: `Write to ${email} today.` }], role: "model" },
    finishReason: "STOP",
    index: 0,
  }],
  usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 7, totalTokenCount: 12 },
  modelVersion: "gemini-2.5-flash",
});

for (const mode of ["redact_upstream", "block"] as const) {
  Deno.test(`gemini under ${mode}: a stream is refused, a document is redacted`, async () => {
    const upstream = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      (req) =>
        req.url.includes(":streamGenerateContent")
          ? new Response(sse, { headers: { "content-type": "text/event-stream" } })
          : new Response(doc, { headers: { "content-type": "application/json" } }),
    );
    const h = await startHarness({
      providers: {
        google: { kind: "gemini", upstream: `http://127.0.0.1:${upstream.addr.port}` },
      },
      pii: { mode, replacement: { hash_salt: "test-salt-0123456789" } },
    });
    try {
      const headers = { "content-type": "application/json", "x-goog-api-key": "AIza-CLIENT" };
      const body = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });
      const streamed = await h.request(
        "/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        { method: "POST", headers, body },
      );
      const got = await streamed.text();
      strictEqual(streamed.status, 502, got);
      strictEqual(JSON.parse(got).error.code, "upstream_uninspectable");
      ok(!got.includes(email));

      const whole = await h.request("/google/v1beta/models/gemini-2.5-flash:generateContent", {
        method: "POST",
        headers,
        body,
      });
      const text = await whole.text();
      ok(!text.includes(email), text);
      if (mode === "redact_upstream") strictEqual(whole.status, 200, text);
      const traces = await h.tracesSettled(2);
      for (const t of traces) ok(!(t.response_body ?? "").includes(email));
    } finally {
      await h.close();
      await upstream.shutdown();
    }
  });
}

Deno.test("gemini under redact_storage: the stream reaches the client, no stored copy of it", async () => {
  const upstream = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => new Response(sse, { headers: { "content-type": "text/event-stream" } }),
  );
  const h = await startHarness({
    providers: { google: { kind: "gemini", upstream: `http://127.0.0.1:${upstream.addr.port}` } },
    tracing: { capture_bodies: true },
    pii: { mode: "redact_storage", replacement: { hash_salt: "test-salt-0123456789" } },
  });
  try {
    const res = await h.request(
      "/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
      {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": "AIza-CLIENT" },
        body: "{}",
      },
    );
    strictEqual(res.status, 200);
    strictEqual(await res.text(), sse);
    const [t] = await h.tracesSettled(1);
    strictEqual(t!.response_body ?? null, null);
    strictEqual(t!.usage_status, "exact");
  } finally {
    await h.close();
    await upstream.shutdown();
  }
});
