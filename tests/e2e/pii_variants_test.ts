/**
 * PII in the forms pasted text carries it (issue 16, item 7), end to end: a real `serve` with a
 * `redact_upstream` policy, the loopback stub as provider. Each variant goes out in a prompt (the
 * stub must never receive the value) and comes back in a streamed answer cut into 3-character
 * events (the client must never see it).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";

const VARIANTS: Array<[string, string]> = [
  ["zero-width space in an email", "maria\u200B.lopez@example.org"],
  ["soft hyphen in an email", "maria.lo\u00ADpez@exam\u00ADple.org"],
  ["BOM in an email", "maria\uFEFF.lopez@example.org"],
  ["%40 for @", "maria.lopez%40example.org"],
  ["&#64; for @", "maria.lopez&#64;example.org"],
  ["&commat; for @", "maria.lopez&commat;example.org"],
  ["full-width @", "maria.lopez\uFF20example.org"],
  ["full-width email", "ｍａｒｉａ．ｌｏｐｅｚ＠ｅｘａｍｐｌｅ．ｏｒｇ"],
  ["zero-width spaces in a card", "4539\u200B1488\u200B0343\u200B6467"],
  ["no-break spaces in a card", "4539\u00A01488\u00A00343\u00A06467"],
  ["narrow no-break spaces in a card", "4539\u202F1488\u202F0343\u202F6467"],
  ["figure spaces in a card", "4539\u20071488\u20070343\u20076467"],
  ["dotted card groups", "4539.1488.0343.6467"],
  ["full-width card", "４５３９ １４８８ ０３４３ ６４６７"],
  ["word joiners in an SSN", "078-\u206005-\u20601120"],
  ["no-break spaces in an SSN", "078\u00A005\u00A01120"],
  ["zero-width space in a key", "sk-ant-api03-zYxWvUtSrQ\u200BpOnMlKjIhGfEdCbA9876543210"],
  ["soft hyphen in an AWS key id", "AKIA\u00ADIOSFODNN7EXAMPLE"],
];

/** The value's letter and digit runs of 4 or more, as written and normalised (NFKC, no Cf). */
function fragments(value: string): string[] {
  const plain = value.normalize("NFKC").replace(/[\p{Cf}]/gu, "");
  const runs = [
    ...(value.match(/[\p{L}\p{N}]{4,}/gu) ?? []),
    ...(plain.match(/[\p{L}\p{N}]{4,}/gu) ?? []),
  ];
  return [...new Set(runs)].filter((r) => !["example", "Please", "please"].includes(r));
}

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port} },
  storage: { path: "./data/ongoingai.db" },
  providers: { openai: { upstream: "${upstream}" } },
  tracing: { flush_interval_ms: 10 },
  pii: { mode: "redact_upstream", replacement: { hash_salt: "e2e-variants-0123456789abcdef" } },
});
`;

Deno.test("e2e: PII variants in pasted text never reach the provider, nor the client in a stream", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-pii-variants-" }));
  const stub = await startUpstreamStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], { cwd: dir, port });
  try {
    for (const [name, value] of VARIANTS) {
      const parts = fragments(value);
      const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: "Bearer sk-proj-E2ECLIENTKEY0123456789abcdefWXYZ",
          "x-stub-say": encodeURIComponent(`Noted: ${value} is on file.`),
          "x-stub-piece": "3",
        },
        body: JSON.stringify({
          model: "gpt-4o-mini",
          stream: true,
          messages: [{ role: "user", content: `Please keep ${value} on file.` }],
        }),
      });
      assert.equal(res.status, 200, name);
      const streamed = await res.text();
      const sent = stub.requests.at(-1)!.body;
      for (const p of parts) {
        assert.ok(!sent.includes(p), `${name}: the provider received ${p}: ${sent}`);
        assert.ok(!streamed.includes(p), `${name}: the client saw ${p}: ${streamed}`);
      }
      assert.match(sent, /_REDACTED:[0-9a-f]{16}\]/, `${name}: placeholder sent`);
      assert.match(streamed, /_REDACTED:[0-9a-f]{16}\]/, `${name}: placeholder streamed`);
    }
    const stopped = await server.stop();
    assert.equal(stopped.code, 0, stopped.logs);
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});
