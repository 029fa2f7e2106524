/**
 * Two things a new user saw in a real `serve` and `report` (issue 18): a model with no price
 * showed a cost of 0 (`0.000000`, `total_cost_usd: 0`) where the cost is unknown, and a request
 * with an empty `Authorization: Bearer ` was fingerprinted as a provider key and counted among
 * the active keys.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, runCliProcess, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";

const unpriced = "acme-unpriced-model";

const chat = (model: string, authorization: string) => ({
  method: "POST",
  headers: { "content-type": "application/json", authorization },
  body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
});

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

Deno.test("e2e: an unpriced model costs null (not 0) in the API and `unpriced` in report; an empty bearer is no key", async () => {
  const stub = await startUpstreamStub();
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-unpriced-e2e-" });
  const port = freePort();
  await Deno.writeTextFile(
    join(cwd, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port} }
storage: { path: ./data/gw.db }
providers:
  openai: { upstream: "${stub.url}" }
  anthropic: { upstream: "${stub.url}" }
tracing: { flush_interval_ms: 10 }
`,
  );
  const server = await startServer([], { cwd, port });
  try {
    const url = `${server.origin}/openai/v1/chat/completions`;
    const key = "Bearer sk-proj-e2e-provider-key-000000000000";
    for (
      const init of [
        chat("gpt-4o-mini", key),
        chat(unpriced, key),
        chat(unpriced, key),
        chat("gpt-4o-mini", "Bearer "),
        chat("gpt-4o-mini", "Bearer \t "),
      ]
    ) {
      const res = await fetch(url, init);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    const get = async (path: string): Promise<Json> => {
      const res = await fetch(`${server.origin}${path}`);
      assert.equal(res.status, 200, path);
      return await res.json();
    };
    const traces = await poll("the five traces", async () => {
      const page = await get("/api/traces?limit=50");
      return page.items.length === 5 ? page.items as Json[] : undefined;
    });
    const unpricedModel = `${unpriced}-2024-07-18`;

    // The empty bearer is no key: no fingerprint, and one active key, not two.
    assert.deepStrictEqual(traces.map((t) => t.api_key_hash === null).sort(), [
      false,
      false,
      false,
      true,
      true,
    ]);
    const summary = await get("/api/analytics/summary");
    assert.equal(summary.active_keys, 1);
    assert.equal((await get("/api/analytics/keys")).items.length, 1);

    // The unpriced model: null with its count, never 0; the priced one keeps its figure.
    const models = (await get("/api/analytics/models")).items as Json[];
    const row = models.find((m) => m.model === unpricedModel)!;
    assert.equal(row.total_cost_usd, null);
    assert.equal(row.unpriced_count, 2);
    const priced = models.find((m) => m.model === "gpt-4o-mini-2024-07-18")!;
    assert.ok(priced.total_cost_usd > 0, JSON.stringify(priced));
    assert.equal(priced.unpriced_count, 0);
    const cost = (await get("/api/analytics/cost?group_by=model")).items as Json[];
    const costRow = cost.find((c) => c.group === unpricedModel)!;
    assert.deepStrictEqual(
      [costRow.total_cost_usd, costRow.avg_cost_usd, costRow.priced_count, costRow.unpriced_count],
      [null, null, 0, 2],
    );
    // The whole: the priced part, with the count that makes it a lower bound.
    assert.equal(summary.total_cost_usd, priced.total_cost_usd);
    assert.equal(summary.unpriced_count, 2);
    const only = await get(`/api/analytics/cost?model=${unpricedModel}`);
    assert.equal(only.total_cost_usd, null);

    const { code } = await server.stop();
    assert.equal(code, 0);
    const text = await runCliProcess(["report"], { cwd });
    assert.equal(text.code, 0, text.stderr);
    const line = text.stdout.split("\n").find((l) => l.startsWith(unpricedModel))!;
    assert.match(line, /^acme-unpriced-model-2024-07-18\s+2\s+\d+\s+unpriced\s/);
    assert.ok(!line.includes("0.000000"), line);
    assert.match(text.stdout, /\nEstimated cost \(USD\)\s+>=\d+\.\d{6}\n/);
    assert.match(text.stdout, /\nActive API keys\s+1\n/);
    const doc = JSON.parse((await runCliProcess(["report", "--format", "json"], { cwd })).stdout);
    const reported = doc.models.find((m: Json) => m.model === unpricedModel);
    assert.equal(reported.total_cost_usd, null);
    assert.equal(reported.unpriced_count, 2);
    assert.equal(doc.summary.active_keys, 1);
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(cwd, { recursive: true });
  }
});
