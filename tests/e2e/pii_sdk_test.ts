/**
 * PII policies end to end, as a user runs them: `serve` as a subprocess with a TypeScript config
 * and a policy file beside it, the official SDKs as clients, the loopback stub as provider. The
 * database file is searched afterwards for every value the policies had to keep out.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { freePort, runCliProcess, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";

const email = "maria.lopez@example.org";
const card = "4539 1488 0343 6467";
const secret = "sk-ant-api03-zYxWvUtSrQpOnMlKjIhGfEdCbA9876543210-AbCdEfGh";

const policy = `import type { PiiPolicy } from "ongoingai";

export const strict: PiiPolicy = {
  policy_id: "strict/v1",
  mode: "block",
  custom_detectors: [{ name: "ticket", pattern: /\\bTCK-\\d{6}\\b/, validate: (t) => t !== "TCK-000000" }],
};
`;

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";
import { strict } from "./policies/strict.ts";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port} },
  storage: { path: "./data/ongoingai.db" },
  providers: { openai: { upstream: "${upstream}" }, anthropic: { upstream: "${upstream}" } },
  tracing: { capture_bodies: true, flush_interval_ms: 10 },
  pii: {
    mode: "redact_upstream",
    replacement: { hash_salt: "e2e-salt-0123456789abcdef" },
    policies: [strict],
    scopes: [{ match: { provider: "anthropic" }, policy_id: "strict/v1" }],
  },
});
`;

Deno.test("e2e: PII policies with the official SDKs; nothing detected reaches the provider or the database", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-pii-" }));
  const stub = await startUpstreamStub();
  const port = freePort();
  await Deno.mkdir(join(dir, "policies"));
  await Deno.writeTextFile(join(dir, "policies", "strict.ts"), policy);
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], { cwd: dir, port });
  try {
    const openai = new OpenAI({
      apiKey: "sk-proj-E2ECLIENTKEY0123456789abcdefWXYZ",
      baseURL: `${server.origin}/openai/v1`,
    });
    const anthropic = new Anthropic({
      apiKey: "sk-ant-api03-E2ECLIENT0123456789-abcdQRST",
      baseURL: `${server.origin}/anthropic`,
    });

    // redact_upstream, OpenAI: the prompt is redacted before it leaves, the answer before the
    // client sees it, also when the value arrives split across stream events.
    const said = `Sure, card ${card} and mail ${email}.`;
    let streamed = "";
    const stream = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: `Please email ${email} my card ${card}` }],
      stream: true,
    }, { headers: { "x-stub-say": said, "x-stub-piece": "3" } });
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? "";
    assert.match(
      streamed,
      /^Sure, card \[CREDIT_CARD_REDACTED:[0-9a-f]{16}\] and mail \[EMAIL_REDACTED:[0-9a-f]{16}\]\.$/,
    );
    const upstreamBody = stub.requests.at(-1)!.body;
    assert.ok(!upstreamBody.includes(email) && !upstreamBody.includes("4539"));
    assert.equal(JSON.parse(upstreamBody).model, "gpt-4o-mini");

    const whole = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "card?" }],
    }, { headers: { "x-stub-say": said } });
    assert.equal(
      whole.choices[0]!.message.content,
      streamed,
      "same placeholders whole or streamed",
    );

    // block (scope on anthropic, custom detector): refused before the provider, SDK raises.
    const before = stub.requests.length;
    await assert.rejects(
      anthropic.messages.create({
        model: "claude-sonnet-4-5",
        max_tokens: 64,
        messages: [{ role: "user", content: `ticket TCK-123456, key ${secret}` }],
      }),
      (err: unknown) => {
        assert.ok(err instanceof Anthropic.APIError);
        assert.equal(err.status, 403);
        const text = JSON.stringify(err.error);
        assert.match(text, /pii_blocked/);
        assert.ok(!text.includes("TCK-123456") && !text.includes(secret));
        return true;
      },
    );
    assert.equal(stub.requests.length, before, "the provider never saw it");
    // The validator keeps the test ticket out; max_tokens is not a secret.
    const ok = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 64,
      messages: [{ role: "user", content: "ticket TCK-000000 is a test fixture" }],
    });
    assert.equal(ok.content[0]?.type, "text");

    // A streamed answer carrying PII is stopped with Anthropic's error event.
    await assert.rejects(async () => {
      const s = anthropic.messages.stream({
        model: "claude-sonnet-4-5",
        max_tokens: 64,
        messages: [{ role: "user", content: "contact?" }],
      }, { headers: { "x-stub-say": `write to ${email}`, "x-stub-piece": "2" } });
      for await (const _ of s) { /* drain */ }
    }, /pii_blocked|PII|blocked/i);

    const stopped = await server.stop();
    assert.equal(stopped.code, 0, stopped.logs);
    assert.ok(!stopped.logs.includes(email) && !stopped.logs.includes(secret));
    const db = await Deno.readFile(join(dir, "data", "ongoingai.db"));
    const wal = await Deno.readFile(join(dir, "data", "ongoingai.db-wal")).catch(() =>
      new Uint8Array()
    );
    const stored = new TextDecoder().decode(db) + new TextDecoder().decode(wal);
    for (const value of [email, "4539 1488", secret, "TCK-123456"]) {
      assert.ok(!stored.includes(value), `${value} is not in the database`);
    }
    assert.match(stored, /redaction_counts/);
    assert.match(stored, /\[EMAIL_REDACTED:[0-9a-f]{16}\]/, "bodies were stored, redacted");
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("e2e: pii scan reads stdin and shows findings and the redacted result", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-pii-scan-" }));
  try {
    await Deno.mkdir(join(dir, "policies"));
    await Deno.writeTextFile(join(dir, "policies", "strict.ts"), policy);
    await Deno.writeTextFile(
      join(dir, "gateway.config.ts"),
      `import { defineConfig } from "ongoingai";
import { strict } from "./policies/strict.ts";
export default defineConfig({ pii: { replacement: { hash_salt: "s" }, policies: [strict] } });
`,
    );
    const input = JSON.stringify({
      messages: [{ role: "user", content: `mail ${email}, ticket TCK-654321` }],
      max_tokens: 100,
      password: "hunter2",
    });
    const base = await runCliProcess(["pii", "scan", "--format", "json"], { cwd: dir, input });
    assert.equal(base.code, 0, base.stderr);
    const report = JSON.parse(base.stdout);
    assert.equal(report.policy_id, "default/v1");
    assert.deepEqual(report.counts, { email: 1, field_name: 1 });
    assert.deepEqual(
      report.findings.map((f: { detector: string; where: string }) => [f.detector, f.where]),
      [["email", "$.messages[0].content"], ["field_name", "$.password"]],
    );
    assert.equal(JSON.parse(report.redacted).max_tokens, 100);

    const strict = await runCliProcess(["pii", "scan", "--policy", "strict/v1"], {
      cwd: dir,
      input,
    });
    assert.equal(strict.code, 0, strict.stderr);
    assert.match(strict.stdout, /policy strict\/v1 \(mode block\)/);
    assert.match(strict.stdout, /ticket\s+\$\.messages\[0\]\.content/);
    assert.match(strict.stdout, /\[TICKET_REDACTED:[0-9a-f]{16}\]/);

    const unknown = await runCliProcess(["pii", "scan", "--policy", "nope"], { cwd: dir, input });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no policy "nope"; declared: default\/v1, strict\/v1/);

    const text = await runCliProcess(["pii", "scan"], { cwd: dir, input: `call +44 20 7946 0958` });
    assert.match(text.stdout, /input read as text/);
    assert.match(text.stdout, /phone\s+line 1, column 6/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
