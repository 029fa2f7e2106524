import assert from "node:assert/strict";
import { GatewayError } from "../../src/errors/mod.ts";
import { hasPathPrefix, matchProvider, parseTarget, upstreamBase } from "../../src/proxy/mod.ts";
import { upstreamUrl } from "../../src/proxy/path.ts";
import type { ResolvedProvider } from "../../src/config/resolve.ts";

const refused = [
  ["dot-dot segment", "http://gw/openai/../anthropic/v1/messages"],
  ["trailing dot-dot", "http://gw/openai/v1/.."],
  ["single dot", "http://gw/openai/./v1/models"],
  ["encoded dot-dot", "http://gw/openai/%2e%2e/anthropic"],
  ["mixed-case encoded dots", "http://gw/openai/%2E%2e/anthropic"],
  ["encoded slash", "http://gw/openai/..%2fanthropic/v1"],
  ["encoded upper slash", "http://gw/openai/v1%2Fmodels"],
  ["encoded backslash", "http://gw/openai/v1%5cmodels"],
  ["backslash", "http://gw/openai\\..\\anthropic"],
  ["empty segment", "http://gw/openai//v1/models"],
  ["leading double slash", "http://gw//evil.com/v1"],
] as const;

for (const [name, url] of refused) {
  Deno.test(`parseTarget refuses ${name}`, () => {
    assert.throws(
      () => parseTarget(url, "gw"),
      (e) => e instanceof GatewayError && e.code === "invalid_path",
    );
  });
}

Deno.test("parseTarget refuses an absolute-form target whose host is not the Host header", () => {
  assert.throws(
    () => parseTarget("http://other.host/openai/v1/models", "gw.local"),
    (e) => e instanceof GatewayError && e.code === "invalid_path",
  );
});

const accepted = [
  ["plain path", "http://gw/openai/v1/chat/completions", "/openai/v1/chat/completions", ""],
  ["query kept raw", "http://gw/openai/v1/models?a=1&b=%2F", "/openai/v1/models", "?a=1&b=%2F"],
  ["fragment dropped", "http://gw/openai/v1/models#x", "/openai/v1/models", ""],
  ["root", "http://gw/", "/", ""],
  ["dots inside a name", "http://gw/openai/v1/files/a..b.jsonl", "/openai/v1/files/a..b.jsonl", ""],
] as const;

for (const [name, url, path, search] of accepted) {
  Deno.test(`parseTarget accepts ${name}`, () => {
    assert.deepEqual(parseTarget(url, "gw"), { path, search });
  });
}

Deno.test("hasPathPrefix matches on segment boundaries only", () => {
  const table: [string, string, boolean][] = [
    ["/openai", "/openai", true],
    ["/openai/v1/chat", "/openai", true],
    ["/openaiish", "/openai", false],
    ["/v1/chat/completions", "/openai", false],
    ["/gateway/openai/v1", "/gateway/openai", true],
  ];
  for (const [path, prefix, want] of table) assert.equal(hasPathPrefix(path, prefix), want, path);
});

const provider = (id: string, prefix: string): ResolvedProvider => ({
  id,
  kind: "openai",
  prefix,
  upstream: "https://x",
  prices: {},
  stream_usage: true,
});

Deno.test("matchProvider picks the first (longest) matching prefix", () => {
  const providers = [provider("deep", "/openai/v2"), provider("openai", "/openai")];
  assert.equal(matchProvider(providers, "/openai/v2/x")?.id, "deep");
  assert.equal(matchProvider(providers, "/openai/v1/x")?.id, "openai");
  assert.equal(matchProvider(providers, "/anthropic/v1"), null);
});

Deno.test("upstreamUrl keeps the upstream base path and the query, and never changes host", () => {
  const table: [string, string, string, string][] = [
    [
      "https://api.openai.com",
      "/openai",
      "/openai/v1/chat/completions",
      "https://api.openai.com/v1/chat/completions",
    ],
    [
      "https://api.groq.com/openai/",
      "/groq",
      "/groq/v1/models",
      "https://api.groq.com/openai/v1/models",
    ],
    ["https://api.openai.com", "/openai", "/openai", "https://api.openai.com/"],
    ["http://127.0.0.1:9/base", "/p", "/p", "http://127.0.0.1:9/base"],
  ];
  for (const [up, prefix, path, want] of table) {
    const url = upstreamUrl(upstreamBase(up), prefix, { path, search: "" });
    assert.equal(url, want);
    assert.equal(new URL(url).origin, new URL(up).origin);
  }
  assert.equal(
    upstreamUrl(upstreamBase("https://a.test"), "/o", { path: "/o/v1/x", search: "?stream=true" }),
    "https://a.test/v1/x?stream=true",
  );
});
