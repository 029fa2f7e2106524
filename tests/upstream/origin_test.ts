/**
 * Upstream URLs split into a pooled origin and a request target.
 */
import assert from "node:assert/strict";
import { OriginCache } from "../../src/upstream/origin.ts";

const cases: [
  string,
  { key: string; hostHeader: string; hostname: string; port: number; path: string },
][] = [
  ["http://127.0.0.1:8080/v1/x?y=1", {
    key: "http://127.0.0.1:8080",
    hostHeader: "127.0.0.1:8080",
    hostname: "127.0.0.1",
    port: 8080,
    path: "/v1/x?y=1",
  }],
  ["https://API.openai.com/v1", {
    key: "https://api.openai.com:443",
    hostHeader: "api.openai.com",
    hostname: "api.openai.com",
    port: 443,
    path: "/v1",
  }],
  ["http://example.com:80?q=1", {
    key: "http://example.com:80",
    hostHeader: "example.com",
    hostname: "example.com",
    port: 80,
    path: "/?q=1",
  }],
  ["http://[::1]:9000/a#frag", {
    key: "http://[::1]:9000",
    hostHeader: "[::1]:9000",
    hostname: "::1",
    port: 9000,
    path: "/a",
  }],
  ["https://h.example", {
    key: "https://h.example:443",
    hostHeader: "h.example",
    hostname: "h.example",
    port: 443,
    path: "/",
  }],
  ["http://h/a/../b%20c", {
    key: "http://h:80",
    hostHeader: "h",
    hostname: "h",
    port: 80,
    path: "/a/../b%20c",
  }],
];

Deno.test("origin: URLs split into origin and target, the target sent as it is", () => {
  const cache = new OriginCache();
  for (const [url, expected] of cases) {
    const { origin, path } = cache.target(url);
    assert.deepEqual(
      {
        key: origin.key,
        hostHeader: origin.hostHeader,
        hostname: origin.hostname,
        port: origin.port,
        path,
      },
      expected,
      url,
    );
  }
});

Deno.test("origin: one origin object per origin, however often it is asked for", () => {
  const cache = new OriginCache();
  assert.equal(cache.target("http://h:1/a").origin, cache.target("http://h:1/b?c").origin);
});

Deno.test("origin: unusable URLs are TypeErrors", () => {
  const cache = new OriginCache();
  for (
    const url of ["h/a", "ws://h/", "http://u:p@h/", "http://h/a b", "http://h/\u00e9", "http://[/"]
  ) {
    assert.throws(() => cache.target(url), TypeError, url);
  }
});
