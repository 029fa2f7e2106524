/**
 * Review M3: the runtime quotes a URL in its normal form (lower-case scheme and host, spaces
 * percent-encoded), so replacing the configured string left the query (often a token) in logs.
 */
import { ok, strictEqual } from "node:assert/strict";
import { fetchBounded, redactUrls } from "../../src/pricing/mod.ts";

const bounds = { timeoutMs: 5_000, maxBytes: 1_000, maxRedirects: 2 };

async function errorOf(url: string, fetch?: typeof globalThis.fetch): Promise<string> {
  try {
    await fetchBounded(url, fetch === undefined ? bounds : { ...bounds, fetch });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${url} was fetched`);
}

Deno.test("fetchBounded: a refused connection's error never carries the query, in any URL form", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there now: the connection is refused
  const urls = [
    `http://LOCALHOST:${port}/prices.json?token=SECRET1`,
    `http://127.0.0.1:${port}/p r.json?token=SECRET2`,
    `http://127.0.0.1:${port}/p.json?token=SEC RET3`,
    `http://127.0.0.1:${port}/p.json?token=SECRET4#frag`,
    `HTTP://127.0.0.1:${port}/p.json?token=SECRET5`,
    `http://127.0.0.1:${port}/p.json?token=%53ECRET6`,
  ];
  for (const url of urls) {
    const message = await errorOf(url);
    ok(/refused/i.test(message), message);
    ok(!/SEC|RET|token|frag/.test(message), message);
  }
});

Deno.test("fetchBounded: URLs the runtime quotes in its own form (DNS errors, causes) are redacted", async () => {
  const cases: [string, string][] = [
    // What Deno says for a name that does not resolve: the normal form, in parentheses.
    [
      "HTTP://No-Such-Host.invalid/p.json?token=SECRET",
      "error sending request for url (http://no-such-host.invalid/p.json?token=SECRET): dns error",
    ],
    ["http://h.test/p r.json?k=SECRET", "at http://h.test/p%20r.json?k=SECRET, failed"],
    ["http://h.test/p.json?k=a)SECRET", "(http://h.test/p.json?k=a)SECRET)"],
    ["http://h.test/p.json?k=SECRET", "other url https://elsewhere.test/x?sig=SECRET quoted"],
    ["http://h.test/p.json?k=SECRET", "the query alone: ?k=SECRET"],
  ];
  for (const [url, said] of cases) {
    const fail = () => Promise.reject(new TypeError("fetch failed", { cause: new Error(said) }));
    const message = await errorOf(url, fail);
    ok(!message.includes("SECRET"), message);
    ok(message.startsWith("fetch failed: "), message);
  }
});

Deno.test("redactUrls: keeps origin and path, and the message's own punctuation", () => {
  const table: [string, string][] = [
    ["(http://h.test/p.json?k=1): refused", "(http://h.test/p.json): refused"],
    ["see https://H.test/a/b#x.", "see https://h.test/a/b."],
    ["no URL here", "no URL here"],
    ["http://[::1]:9/p.json?k=1", "http://[::1]:9/p.json"],
  ];
  for (const [text, expected] of table) strictEqual(redactUrls(text), expected, text);
});
