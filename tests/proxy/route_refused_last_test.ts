/**
 * A route whose last target refuses the path (`path_refused`): the earlier target's failed answer
 * is the client's, and the exchange still belongs to that target, so the trace names its provider
 * and model and its adapter relays and reads the answer. The refused attempt's record has no
 * timing of its own (nothing was prepared or sent for it). In process (the gateway harness), the
 * OpenAI upstream the loopback stub.
 */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";

Deno.test("route loop: a 429 replayed after the last target refused the path is traced as its own", async () => {
  const h = await startHarness({
    server: { host: "127.0.0.1" },
    providers: {
      azure: {
        kind: "azure-openai",
        upstream: "https://example-res.openai.azure.com",
        keys: [{ id: "az", key: "azure-pool-key-0123456789" }],
      },
    },
    routes: {
      mix: {
        targets: [{ provider: "openai", model: "gpt-4o-mini" }, {
          provider: "azure",
          model: "my-deploy",
        }],
        retry: { attempts: 1 },
      },
    },
  });
  try {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", "x-stub-status": "429" },
      body: JSON.stringify({ model: "mix", messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await res.text();
    assert.equal(res.status, 429, text);
    assert.equal(h.stub.requests.length, 1, "only openai was sent the request");

    const [t] = await h.tracesSettled(1);
    assert.equal(t!.provider, "openai", "the 429 came from openai");
    assert.equal(t!.model, "gpt-4o-mini");
    assert.equal(t!.response_status, 429);
    const attempts = t!.attempts!;
    assert.deepEqual(
      attempts.map((a) => [a.provider, a.model, a.outcome, a.status, a.committed]),
      [
        ["openai", "gpt-4o-mini", "status", 429, false],
        ["azure", "my-deploy", "path_refused", null, false],
      ],
    );
    const refused = attempts[1]!;
    assert.equal(refused.first_byte_ms, null, "not the openai attempt's timing");
    assert.ok(refused.started_ms >= attempts[0]!.started_ms + attempts[0]!.duration_ms);
  } finally {
    await h.close();
  }
});
