/**
 * A Gemini stream under `redact_upstream` and `block`: the stream redactor follows Gemini's
 * chunks (providers/gemini_stream_text.ts), so an address split across two chunks reaches the
 * client as its placeholder, or, under `block`, the stream ends with Gemini's own error object
 * before it. A non-streamed Gemini answer is a JSON document and is redacted as one. Under
 * `redact_storage` the stream reaches the client as it came and the stored copy is redacted.
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
  Deno.test(`gemini under ${mode}: a stream and a document are redacted (or blocked)`, async () => {
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
      strictEqual(streamed.status, 200, got);
      ok(!got.includes(email), got);
      const joined = [...got.matchAll(/"text":"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join("");
      if (mode === "redact_upstream") ok(/^Write to \S+ today\.$/.test(joined), joined);
      else {
        // Nothing of the address went out: the error object ends the stream in its place.
        const tail = JSON.parse(got.trimEnd().split(/\r?\n/).at(-1)!);
        strictEqual(tail.error.status, "PERMISSION_DENIED");
      }

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
      const stream = traces.find((t) => t.streaming);
      strictEqual(stream?.error_code ?? null, mode === "block" ? "pii_blocked" : null);
    } finally {
      await h.close();
      await upstream.shutdown();
    }
  });
}

Deno.test("gemini under redact_storage: the stream reaches the client, its stored copy redacted", async () => {
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
    ok(t!.response_body !== null && t!.response_body !== undefined);
    ok(!t!.response_body.includes(email), t!.response_body);
    ok(t!.response_body.includes("Write to "), t!.response_body);
    strictEqual(t!.usage_status, "exact");
  } finally {
    await h.close();
    await upstream.shutdown();
  }
});
