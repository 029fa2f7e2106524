/**
 * PII policies in the real request path: an in-process gateway, the loopback stub as upstream
 * (it records what it received and can answer with a given text), and the traces as stored.
 */
import assert from "node:assert/strict";
import type { GatewayConfigInput } from "../../src/config/mod.ts";
import { type Harness, startHarness } from "../support/gateway_harness.ts";

const email = "jane.doe@example.com";
const openaiKeyInPrompt = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH";
const salt = { hash_salt: "test-salt-0123456789" };

const chat = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content }],
    max_tokens: 64,
    ...extra,
  });

const anthropicHeaders = {
  "content-type": "application/json",
  "x-api-key": "sk-ant-api03-CLIENT",
  "anthropic-version": "2023-06-01",
};

const openaiHeaders = (more: Record<string, string> = {}) => ({
  "content-type": "application/json",
  authorization: "Bearer sk-proj-CLIENTKEY000000000000000000000000",
  ...more,
});

async function withPii(
  pii: GatewayConfigInput["pii"],
  fn: (h: Harness) => Promise<void>,
  extra: GatewayConfigInput = {},
) {
  const h = await startHarness({
    tracing: { capture_bodies: true },
    ...extra,
    pii: { replacement: salt, ...pii },
  });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

/** The concatenated `choices[0].delta.content` of an OpenAI chat stream. */
function streamedText(sse: string): string {
  let out = "";
  for (const line of sse.split("\n")) {
    if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
    const data = JSON.parse(line.slice(6));
    out += data.choices?.[0]?.delta?.content ?? "";
  }
  return out;
}

Deno.test("redact_storage: upstream and client see the original, the trace stores placeholders", async () => {
  await withPii({ mode: "redact_storage" }, async (h) => {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders({ "x-user-email": email }),
      body: chat(`write to ${email} about ${openaiKeyInPrompt}`),
    });
    const answer = await res.json();
    assert.equal(res.status, 200);
    assert.equal(answer.choices[0].message.content, "Hello from the stub.");
    assert.ok(h.stub.requests[0]!.body.includes(email), "the provider got the original");
    const [t] = await h.tracesSettled(1);
    assert.ok(!t!.request_body!.includes(email));
    assert.ok(!t!.request_body!.includes(openaiKeyInPrompt));
    assert.match(t!.request_body!, /\[EMAIL_REDACTED:[0-9a-f]{16}\]/);
    assert.match(t!.request_body!, /\[TOKEN_REDACTED:[0-9a-f]{16}\]/);
    assert.doesNotThrow(() => JSON.parse(t!.request_body!), "stored body is still JSON");
    assert.deepEqual(t!.request_headers["x-user-email"]?.[0]?.startsWith("[EMAIL_REDACTED:"), true);
    assert.equal(t!.metadata.redaction_mode, "redact_storage");
    assert.equal(t!.metadata.redaction_policy_id, "default/v1");
    assert.deepEqual(t!.metadata.redaction_counts, { email: 2, token_like: 1 });
  });
});

Deno.test("redact_storage: a streamed answer is stored redacted even when the value is split across events", async () => {
  await withPii({ mode: "redact_storage" }, async (h) => {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders({ "x-stub-say": `Reach me at ${email} today.` }),
      body: chat("contact?", { stream: true }),
    });
    assert.equal(streamedText(await res.text()), `Reach me at ${email} today.`, "client: original");
    const [t] = await h.tracesSettled(1);
    assert.ok(!t!.response_body!.includes("example.com"), "no piece of the address is stored");
    assert.match(
      streamedText(t!.response_body!),
      /^Reach me at \[EMAIL_REDACTED:[0-9a-f]{16}\] today\.$/,
    );
    // One in the answer, one in the stored x-stub-say request header that asked for it.
    assert.deepEqual(t!.metadata.redaction_counts, { email: 2 });
    assert.match(
      t!.request_headers["x-stub-say"]![0]!,
      /^Reach me at \[EMAIL_REDACTED:\w+\] today\.$/,
    );
  });
});

Deno.test("redact_upstream: the provider never sees the value; JSON stays valid and max_tokens intact", async () => {
  await withPii({ mode: "redact_upstream" }, async (h) => {
    const body = JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 256,
      system: "You are terse.",
      messages: [{ role: "user", content: `My card is 4111 1111 1111 1111, mail ${email}` }],
    });
    const res = await h.request("/anthropic/v1/messages", {
      method: "POST",
      headers: anthropicHeaders,
      body,
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const sent = h.stub.requests[0]!;
    assert.ok(!sent.body.includes(email) && !sent.body.includes("4111"));
    const parsed = JSON.parse(sent.body);
    assert.equal(parsed.max_tokens, 256);
    assert.equal(parsed.system, "You are terse.");
    assert.match(
      parsed.messages[0].content,
      /^My card is \[CREDIT_CARD_REDACTED:\w+\], mail \[EMAIL_REDACTED:\w+\]$/,
    );
    assert.equal(
      Number(sent.headers["content-length"]),
      new TextEncoder().encode(sent.body).byteLength,
    );
    const [t] = await h.tracesSettled(1);
    assert.equal(t!.request_body, sent.body, "the stored body is what was forwarded");
    assert.deepEqual(t!.metadata.redaction_counts, { credit_card: 1, email: 1 });
    assert.equal(t!.metadata.redaction_mode, "redact_upstream");
  });
});

Deno.test("redact_upstream: a streamed answer reaches the client redacted, split values included", async () => {
  await withPii({ mode: "redact_upstream" }, async (h) => {
    for (const piece of [1, 3, 7]) {
      const res = await h.request("/openai/v1/chat/completions", {
        method: "POST",
        headers: openaiHeaders({
          "x-stub-say": `Write to ${email} now`,
          "x-stub-piece": String(piece),
        }),
        body: chat("who?", { stream: true, stream_options: { include_usage: true } }),
      });
      const text = await res.text();
      assert.ok(!text.includes("jane") && !text.includes("example.com"), `piece ${piece}: ${text}`);
      assert.match(streamedText(text), /^Write to \[EMAIL_REDACTED:[0-9a-f]{16}\] now$/);
    }
    const traces = await h.tracesSettled(3);
    for (const t of traces) {
      assert.equal(t.usage_status, "exact", "usage still read from the stream");
      // The answer's, and the stored x-stub-say header's.
      assert.deepEqual(t.metadata.redaction_counts, { email: 2 });
      assert.ok(!t.response_body!.includes("example.com"));
    }
  });
});

Deno.test("redact_upstream: a client that leaves after the first placeholder still gets its counts traced", async () => {
  await withPii({ mode: "redact_upstream" }, async (h) => {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders({
        "x-stub-say": `Write to ${email} now. ${"and then some more words ".repeat(200)}`,
      }),
      body: chat("who?", { stream: true }),
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = "";
    while (!seen.includes("[EMAIL_REDACTED:")) {
      const next = await reader.read();
      assert.ok(!next.done, "the placeholder came before the end");
      seen += decoder.decode(next.value, { stream: true });
    }
    await reader.cancel();
    assert.ok(!seen.includes("data: [DONE]"), "the client left mid-stream");
    const [t] = await h.tracesSettled(1);
    assert.equal(t!.client_aborted, true);
    // The answer's address, and the stored x-stub-say header's.
    assert.deepEqual(t!.metadata.redaction_counts, { email: 2 });
    assert.equal(t!.metadata.redaction_applied, true);
  });
});

Deno.test("redact_upstream: a JSON answer reaches the client redacted", async () => {
  await withPii({ mode: "redact_upstream" }, async (h) => {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders({ "x-stub-say": `SSN 123-45-6789 on file` }),
      body: chat("ssn?"),
    });
    const answer = await res.json();
    assert.match(answer.choices[0].message.content, /^SSN \[SSN_REDACTED:\w+\] on file$/);
    const [t] = await h.tracesSettled(1);
    assert.equal(t!.usage_status, "exact");
    assert.ok(!t!.response_body!.includes("6789"));
  });
});

Deno.test("block: a request carrying PII is refused with the types, never the values", async () => {
  await withPii({ mode: "block" }, async (h) => {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders(),
      body: chat(`mail ${email}, key ${openaiKeyInPrompt}`),
    });
    assert.equal(res.status, 403);
    const text = await res.text();
    assert.ok(!text.includes(email) && !text.includes(openaiKeyInPrompt));
    const err = JSON.parse(text).error;
    assert.equal(err.code, "pii_blocked");
    assert.deepEqual(err.types, ["email", "token_like"]);
    assert.equal(err.policy_id, "default/v1");
    assert.equal(h.stub.requests.length, 0, "nothing was forwarded");
    const [t] = await h.tracesSettled(1);
    assert.equal(t!.response_status, 403);
    assert.equal(t!.error_code, "pii_blocked");
    assert.deepEqual(t!.metadata.redaction_counts, { email: 1, token_like: 1 });
    assert.ok(!t!.request_body!.includes(email), "the stored refusal is redacted");
  });
});

Deno.test("block: ordinary requests pass, Anthropic's max_tokens included", async () => {
  await withPii({ mode: "block" }, async (h) => {
    const res = await h.request("/anthropic/v1/messages", {
      method: "POST",
      headers: anthropicHeaders,
      body: JSON.stringify({
        model: "claude-sonnet-4-5",
        max_tokens: 1024,
        metadata: { user_id: "3f2a9c0d-11e4-4b7a-8c1d-0e9f5a6b7c8d" },
        messages: [{ role: "user", content: "Summarise RFC 9110 section 15 in 3 bullet points." }],
      }),
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(h.stub.requests.length, 1);
  });
});

Deno.test("block: a streamed answer with PII stops with the provider's error event", async () => {
  await withPii({ mode: "block" }, async (h) => {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders({
        "x-stub-say": `Sure: ${email} is the address`,
        "x-stub-piece": "2",
      }),
      body: chat("address?", { stream: true }),
    });
    const text = await res.text();
    assert.ok(!text.includes("jane.doe") && !text.includes("example.com"), text);
    assert.match(text, /"code":"pii_blocked"/);
    const [t] = await h.tracesSettled(1);
    assert.equal(t!.error_code, "pii_blocked");
    assert.notEqual(t!.usage_status, "exact", "a stopped stream's usage is not known");
  });
});

Deno.test("guard modes refuse what they cannot inspect, and forward nothing", async () => {
  await withPii({ mode: "redact_upstream" }, async (h) => {
    const gzip = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders({ "content-encoding": "gzip" }),
      body: new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]),
    });
    assert.equal(gzip.status, 415);
    assert.equal((await gzip.json()).error.code, "pii_uninspectable");
    const form = new FormData();
    form.set("file", new Blob(["audio"]), "a.mp3");
    const multipart = await h.request("/openai/v1/audio/transcriptions", {
      method: "POST",
      headers: { authorization: "Bearer sk-proj-CLIENT" },
      body: form,
    });
    assert.equal(multipart.status, 415);
    await multipart.body?.cancel();
    assert.equal(h.stub.requests.length, 0);
    const traces = await h.tracesSettled(2);
    assert.deepEqual(traces.map((t) => t.error_code), ["pii_uninspectable", "pii_uninspectable"]);
  });
});

Deno.test("scopes: the most specific scope decides, and the trace records which policy", async () => {
  await withPii({
    mode: "redact_storage",
    policies: [{ policy_id: "strict/v1", mode: "block" }],
    scopes: [
      { match: { provider: "anthropic" }, policy_id: "strict/v1" },
      { match: { provider: "openai", route_prefix: "/openai/v1/embeddings" }, mode: "off" },
    ],
  }, async (h) => {
    const anthropic = await h.request("/anthropic/v1/messages", {
      method: "POST",
      headers: anthropicHeaders,
      body: JSON.stringify({
        model: "claude-sonnet-4-5",
        max_tokens: 8,
        messages: [{ role: "user", content: email }],
      }),
    });
    assert.equal(anthropic.status, 403);
    await anthropic.body?.cancel();
    const openai = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders(),
      body: chat(email),
    });
    assert.equal(openai.status, 200);
    await openai.body?.cancel();
    const embeddings = await h.request("/openai/v1/embeddings", {
      method: "POST",
      headers: openaiHeaders(),
      body: JSON.stringify({ model: "text-embedding-3-small", input: email }),
    });
    await embeddings.body?.cancel();
    const traces = await h.tracesSettled(3);
    const by = (p: string) => traces.find((t) => t.request_path.startsWith(p))!;
    assert.equal(by("/anthropic").metadata.redaction_policy_id, "strict/v1");
    assert.equal(by("/anthropic").metadata.redaction_mode, "block");
    assert.equal(by("/openai/v1/chat").metadata.redaction_mode, "redact_storage");
    assert.ok(!by("/openai/v1/chat").request_body!.includes(email));
    assert.equal(by("/openai/v1/embeddings").metadata.redaction_mode, "off");
    assert.ok(by("/openai/v1/embeddings").request_body!.includes(email), "off stores as is");
  });
});

Deno.test("off: traces still say which mode and policy applied", async () => {
  await withPii({ mode: "off" }, async (h) => {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders(),
      body: chat("hi"),
    });
    await res.body?.cancel();
    const [t] = await h.tracesSettled(1);
    assert.equal(t!.metadata.redaction_mode, "off");
    assert.equal(t!.metadata.redaction_policy_id, "default/v1");
    assert.deepEqual(t!.metadata.redaction_counts, {});
  });
});

Deno.test("redact_storage: a value cut by the capture cap is not stored half-visible", async () => {
  // The address straddles byte 64 of the request body: redacted whole, then cut.
  const content = `${"x".repeat(20)} ${email} and more`;
  await withPii({ mode: "redact_storage" }, async (h) => {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders(),
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
    });
    await res.body?.cancel();
    const [t] = await h.tracesSettled(1);
    assert.ok(new TextEncoder().encode(t!.request_body!).byteLength <= 64);
    assert.equal(t!.request_body_truncated, true);
    assert.ok(!t!.request_body!.includes("jane"), t!.request_body!);
  }, { tracing: { capture_bodies: true, body_max_size: 64 } });
});

Deno.test("block: a JSON answer with PII becomes a 403, and its billed usage is still traced", async () => {
  await withPii({ mode: "block" }, async (h) => {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders({ "x-stub-say": "The SSN is 123-45-6789." }),
      body: chat("ssn?"),
    });
    assert.equal(res.status, 403);
    const text = await res.text();
    assert.ok(!text.includes("6789"));
    assert.equal(JSON.parse(text).error.code, "pii_blocked");
    const [t] = await h.tracesSettled(1);
    assert.equal(t!.error_code, "pii_blocked");
    assert.equal(t!.usage_status, "exact");
    assert.equal(t!.input_tokens, 31);
  });
});

Deno.test("redact_upstream: a compressed answer the redactor cannot read is refused", async () => {
  await withPii({ mode: "redact_upstream" }, async (h) => {
    const gz = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders({ "x-stub-gzip": "1", "x-stub-say": `mail ${email}` }),
      body: chat("hi", { stream: true }),
    });
    // The stub compresses although the gateway did not ask: the native client passes the coding
    // on, and the redactor cannot read it, so nothing of it reaches the client.
    const text = await gz.text();
    assert.equal(gz.status, 502);
    assert.equal(JSON.parse(text).error.code, "upstream_uninspectable");
    assert.ok(!text.includes("jane"));
    const [t] = await h.tracesSettled(1);
    assert.equal(t!.error_code, "pii_uninspectable");
  });
});

Deno.test("binaryMedia: media with no text passes; other unreadable types do not", async () => {
  const { binaryMedia } = await import("../../src/proxy/pii_response.ts");
  const cases: [string | null, boolean][] = [
    ["audio/mpeg", true],
    ["image/png", true],
    ["application/octet-stream", true],
    ["application/pdf; x=1", true],
    ["application/x-ndjson", false],
    ["application/json", false],
    ["text/plain", false],
    [null, false],
  ];
  for (const [type, want] of cases) assert.equal(binaryMedia(type), want, String(type));
});

Deno.test("block: a request body shaped like an event stream is still inspected whole", async () => {
  await withPii({ mode: "block" }, async (h) => {
    for (const type of ["text/event-stream", null]) {
      const res = await h.request("/openai/v1/chat/completions", {
        method: "POST",
        headers: type === null ? { authorization: "Bearer sk-proj-CLIENT" } : {
          authorization: "Bearer sk-proj-CLIENT",
          "content-type": type,
        },
        body: `event: ${email}\ndata: hi\n\n`,
      });
      assert.equal(res.status, 403, String(type));
      await res.body?.cancel();
    }
    assert.equal(h.stub.requests.length, 0);
  });
});

Deno.test("redact_storage: lineage and correlation ids copied from headers are redacted too", async () => {
  await withPii({ mode: "redact_storage" }, async (h) => {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders({
        "x-ongoingai-thread-id": email,
        "x-ongoingai-trace-group-id": `group:${email}`,
        "x-ongoingai-correlation-id": `corr-${email}`,
      }),
      body: chat("hi"),
    });
    await res.body?.cancel();
    const [t] = await h.tracesSettled(1);
    assert.ok(!JSON.stringify(t).includes(email), JSON.stringify(t!.metadata));
    assert.match(String(t!.metadata.lineage_thread_id), /^\[EMAIL_REDACTED:\w+\]$/);
    assert.match(t!.trace_group_id ?? "", /^group:\[EMAIL_REDACTED:\w+\]$/);
  });
});

Deno.test("scopes: a percent-encoded path cannot step out of a route scope", async () => {
  await withPii({
    mode: "redact_storage",
    scopes: [{ match: { route_prefix: "/openai/v1/chat" }, mode: "block" }],
  }, async (h) => {
    const res = await h.request("/openai/v1/%63hat/completions", {
      method: "POST",
      headers: openaiHeaders(),
      body: chat(`mail ${email}`),
    });
    assert.equal(res.status, 403);
    await res.body?.cancel();
    assert.equal(h.stub.requests.length, 0);
  });
});

Deno.test("redact_upstream: a Japanese answer streams clause by clause, its address redacted", async () => {
  await withPii({ mode: "redact_upstream" }, async (h) => {
    const said = `こんにちは。ご連絡はjane.doe@example.comまで。よろしくお願いします。`;
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders({ "x-stub-say": encodeURIComponent(said), "x-stub-piece": "3" }),
      body: chat("?", { stream: true }),
    });
    const sse = await res.text();
    const deltas = sse.split("\n").filter((l) => l.startsWith("data: {"))
      .map((l) => JSON.parse(l.slice(6)).choices?.[0]?.delta?.content ?? "")
      .filter((c: string) => c !== "");
    const text = deltas.join("");
    assert.ok(!text.includes("jane"), text);
    assert.match(text, /\[EMAIL_REDACTED:/);
    // Released at the clause marks, not held to the end (only whitespace would release it).
    assert.ok(deltas.length >= 3, `${deltas.length} deltas: ${JSON.stringify(deltas)}`);
  });
});

Deno.test("redact_upstream: an answer past pii.scan_budget is refused, never sent unredacted", async () => {
  // The response side is redacted under the same budget as the request: a provider answering
  // with more values than the budget allows gets a 502, not a stalled gateway or a raw answer.
  const many = Array.from({ length: 12 }, (_, i) => `user${i}@example.com`).join(" ");
  await withPii({ mode: "redact_upstream", scan_budget: { max_findings: 5 } }, async (h) => {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders({ "x-stub-say": encodeURIComponent(many) }),
      body: chat("hello"),
    });
    const text = await res.text();
    assert.equal(res.status, 502, text);
    assert.equal(JSON.parse(text).error.code, "upstream_uninspectable");
    assert.match(text, /pii\.scan_budget\.max_findings/);
    assert.ok(!text.includes("@example.com"));
    const [t] = await h.tracesSettled(1);
    assert.ok(!(t!.response_body ?? "").includes("@example.com"));
  });
});

Deno.test("shutdown can wait for traces finished after their response (decoded copy, redacted storage)", async () => {
  // A compressed answer's decoded copy and the stored bodies redacted in slices end after the
  // client has the last byte; `recorded()` is what `serve` awaits before closing the queue.
  await withPii({ mode: "redact_storage" }, async (h) => {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: openaiHeaders({ "x-stub-gzip": "1" }),
      body: chat(`mail ${email}`),
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    await h.gateway.recorded();
    assert.equal(h.traces.length, 1, "recorded before recorded() resolved");
    assert.ok(!(h.traces[0]!.request_body ?? "").includes(email));
  });
});
