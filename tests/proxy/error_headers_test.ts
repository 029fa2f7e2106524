/** A routed error answer: the adapter's `errorFacts` gets the answer's headers too. */
import assert from "node:assert/strict";
import { providerAdapters } from "../../src/providers/mod.ts";
import type { ProviderAdapter } from "../../src/providers/mod.ts";
import type { ProxyRoute } from "../../src/proxy/mod.ts";
import { headersOf } from "../../src/proxy/headers.ts";
import { AttemptSignal, readErrorAnswer } from "../../src/proxy/route_attempt.ts";
import type { UpstreamResponse } from "../../src/upstream/mod.ts";

function answer(status: number, headers: [string, string][], body: string): UpstreamResponse {
  let sent = false;
  return {
    status,
    statusText: "",
    headers,
    decoded: true,
    read() {
      if (sent) return Promise.resolve(null);
      sent = true;
      return Promise.resolve(new TextEncoder().encode(body));
    },
    bytes: () => Promise.reject(new Error("not used")),
    cancel() {},
  };
}

Deno.test("readErrorAnswer: errorFacts(status, body, headers) sees x-amzn-errortype", async () => {
  const calls: [number, string, string | null][] = [];
  const stub: ProviderAdapter = {
    ...providerAdapters.openai,
    errorFacts(status, body, headers) {
      calls.push([status, body, headers?.get("x-amzn-errortype") ?? null]);
      return { category: "rate_limited", message: "slow down" };
    },
  };
  const route = { adapter: stub } as ProxyRoute;
  const upstream = answer(429, [
    ["content-type", "application/json"],
    ["x-amzn-errortype", "ThrottlingException:http://internal.amazon.com/coral/"],
  ], '{"message":"Too many requests"}');
  const signal = new AttemptSignal(new AbortController().signal, null);
  const { outcome } = await readErrorAnswer({ upstream, signal }, route);
  signal.close();
  assert.deepEqual(calls, [[
    429,
    '{"message":"Too many requests"}',
    "ThrottlingException:http://internal.amazon.com/coral/",
  ]]);
  assert.equal(outcome.kind, "status");
  if (outcome.kind === "status") {
    assert.deepEqual(outcome.error, { category: "rate_limited", message: "slow down" });
    assert.equal(outcome.headers.get("x-amzn-errortype")?.startsWith("Throttling"), true);
  }
});

Deno.test("headersOf: pairs become Headers; a value Headers refuses is left out", () => {
  const h = headersOf([["a", "1"], ["bad", "x\ny"], ["a", "2"], ["retry-after", "3"]]);
  assert.equal(h.get("a"), "1, 2");
  assert.equal(h.has("bad"), false);
  assert.equal(h.get("retry-after"), "3");
});
