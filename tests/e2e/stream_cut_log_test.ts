/**
 * A stream cut by the upstream, seen on the gateway's stderr (issue 18): a new user saw a raw
 * stack trace there, which also broke `--log-format json`. The cut is the upstream's fault and
 * the trace records it (`upstream_truncated`); stderr carries log lines and nothing else.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, startServer } from "../support/process.ts";
import { sseHead, startRawUpstream, streamStart } from "../support/raw_upstream.ts";

const requests: [string, Record<string, string>, unknown][] = [
  // As an SDK asks: the gateway adds the usage request and hides the usage event it asked for.
  ["/openai/v1/chat/completions", { authorization: "Bearer sk-test-0000" }, {
    model: "gpt-4o-mini",
    stream: true,
    messages: [{ role: "user", content: "hi" }],
  }],
  // With the usage event asked for by the client: streamed through the tap alone.
  ["/openai/v1/chat/completions", { authorization: "Bearer sk-test-0000" }, {
    model: "gpt-4o-mini",
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "user", content: "hi" }],
  }],
  [
    "/anthropic/v1/messages",
    { "x-api-key": "sk-ant-test-0000", "anthropic-version": "2023-06-01" },
    {
      model: "claude-3-5-haiku-latest",
      stream: true,
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    },
  ],
];

for (const format of ["json", "text"] as const) {
  Deno.test(`e2e: a stream cut by the upstream leaves only log lines on stderr (--log-format ${format})`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "ongoingai-cut-log-" });
    const upstream = startRawUpstream(async (c) => {
      const req = await c.request();
      await c.send(sseHead());
      const events = streamStart(req.path);
      for (const e of events) await c.sendChunk(e);
      c.close(); // no terminating chunk: the body is cut
    });
    const port = freePort();
    await Deno.writeTextFile(
      join(dir, "ongoingai.yaml"),
      `server: { host: 127.0.0.1, port: ${port} }
storage: { path: ./data/gw.db }
providers:
  openai: { upstream: "${upstream.url}" }
  anthropic: { upstream: "${upstream.url}" }
tracing: { flush_interval_ms: 10 }
`,
    );
    const server = await startServer(["--log-format", format], { cwd: dir, port });
    try {
      const ids: string[] = [];
      for (const [path, headers, body] of requests) {
        const res = await fetch(`${server.origin}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        });
        assert.equal(res.status, 200, path);
        ids.push(res.headers.get("x-ongoingai-correlation-id")!);
        // The client sees a broken body, not a clean end.
        await assert.rejects(res.text(), path);
      }
      const traces = await poll("the three traces", async () => {
        const page = await (await fetch(`${server.origin}/api/traces?limit=10`)).json();
        return page.items.length === 3 ? page.items : undefined;
      });
      for (const t of traces) assert.equal(t.error_code, "upstream_truncated", t.request_path);
      const { code, logs } = await server.stop();
      assert.equal(code, 0, logs);
      const lines = logs.split("\n").filter((l) => l !== "");
      assert.ok(lines.length > 0);
      assert.ok(!/^\s+at /m.test(logs), `a stack trace reached stderr:\n${logs}`);
      assert.ok(
        !/^error: |Uncaught|^\w*Error: /m.test(logs),
        `a runtime error reached stderr:\n${logs}`,
      );
      if (format === "json") {
        for (const line of lines) {
          assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
        }
        // Each cut is one proper line saying what happened.
        const cuts = lines.map((l) => JSON.parse(l)).filter((l) => l.msg.includes("broke off"));
        assert.equal(cuts.length, 3, logs);
        for (const cut of cuts) {
          assert.equal(cut.level, "warn");
          assert.match(cut.error, /closed the connection before the last chunk of the body/);
        }
      } else {
        // Every text log line starts with its timestamp and level.
        for (const line of lines) assert.match(line, /^\d{4}-\d{2}-\d{2}T\S+ +[A-Z]+ /, line);
      }
    } finally {
      await server.kill();
      await upstream.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
