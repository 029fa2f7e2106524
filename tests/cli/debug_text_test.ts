/**
 * The text layout of `ongoingai debug`, pinned line by line (the original's rows, blocks and
 * Diffs table), over a chain read from a real SQLite store; and `-` for what is not known.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/mod.ts";
import { buildLineageChain } from "../../src/api/mod.ts";
import { renderDebugText } from "../../src/cli/debug_text.ts";
import { debugHistory } from "./debug_fixture.ts";

async function chain(selection: Record<string, string>, include_diff = true) {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-debug-text-" });
  const store = await openSqliteStore({ path: join(dir, "t.db") });
  try {
    await store.writeBatch(
      debugHistory().map((t) =>
        t.id === "s-2"
          ? {
            ...t,
            input_tokens: null,
            output_tokens: null,
            total_tokens: null,
            estimated_cost_usd: null,
            time_to_first_token_ms: null,
            usage_status: "unknown" as const,
            cost_status: "unknown_usage" as const,
          }
          : t
      ),
    );
    const r = await buildLineageChain(store, {
      selection,
      options: { limit: 10, include_diff, include_headers: false, include_bodies: true },
      now: () => Date.UTC(2026, 1, 19),
    });
    assert.equal(r.kind, "ok");
    return r.kind === "ok" ? r.document : null!;
  } finally {
    await store.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

const expected = `OngoingAI Debug Chain
Schema version          debug-chain.v1
Generated at            2026-02-19T00:00:00Z
Filter trace_id         (latest)
Filter trace_group_id   group-demo
Filter thread_id        (none)
Filter run_id           (none)
Option limit            10
Option include_diff     true
Option include_headers  false
Option include_bodies   true
Source trace            trace-step-2
Source time             2026-02-18T10:00:03Z
Source provider         openai
Source model            gpt-4o
Source path             /openai/v1/responses
Source status           200
Chain identifier        trace_group_id
Chain group_id          group-demo
Chain thread_id         (none)
Chain run_id            (none)
Chain checkpoints       2
Truncated               false

Step 1: trace-step-1
time                2026-02-18T10:00:01Z
provider            openai
model               gpt-4o-mini
request             POST /openai/v1/chat/completions
response_status     200
tokens              input=10 output=30 total=40
estimated_cost_usd  0.000020
latency_ms          1250
ttft_ms             45
lineage             checkpoint=trace-step-1 parent=(none) seq=1 immutable=true
metadata            {"correlation_id":"corr-trace-step-1","lineage_checkpoint_id":"trace-step-1","lineage_checkpoint_seq":1,"lineage_group_id":"group-demo","lineage_immutable":true,"lineage_run_id":"run-demo","lineage_thread_id":"thread-demo","streaming":false}
request_body: {"model":"gpt-4o-mini","messages":[]}
response_body: {"id":"a"}

Step 2: trace-step-2
time                2026-02-18T10:00:03Z
provider            openai
model               gpt-4o
request             POST /openai/v1/responses
response_status     200
tokens              input=12 output=33 total=45
estimated_cost_usd  0.000020
latency_ms          1250
ttft_ms             45
lineage             checkpoint=trace-step-2 parent=trace-step-1 seq=2 immutable=true
metadata            {"correlation_id":"corr-trace-step-2","lineage_checkpoint_id":"trace-step-2","lineage_checkpoint_seq":2,"lineage_group_id":"group-demo","lineage_immutable":true,"lineage_parent_checkpoint_id":"trace-step-1","lineage_run_id":"run-demo","lineage_thread_id":"thread-demo","streaming":false}
request_body: {"model":"gpt-4o","input":"x"}
response_body: {"id":"a"}

Diffs
FROM          TO            TOTAL_TOKENS_DELTA  LATENCY_DELTA_MS  PATH_CHANGED  MODEL_CHANGED  STATUS_CHANGED  REQUEST_BODY_CHANGED  RESPONSE_BODY_CHANGED  METADATA_KEYS_CHANGED
trace-step-1  trace-step-2  5                   0                 true          true           false           true                  false                  3

Diff trace-step-1 -> trace-step-2 metadata keys
added    lineage_parent_checkpoint_id
removed
changed  correlation_id,lineage_checkpoint_id,lineage_checkpoint_seq
`;

Deno.test("debug text: the original's layout, line by line", async () => {
  assert.equal(renderDebugText(await chain({ trace_group_id: "group-demo" })), expected);
});

Deno.test("debug text: unknown usage prints -, never 0; a session chain names it", async () => {
  const text = renderDebugText(await chain({ session_id: "sess-codex-1" }));
  for (
    const line of [
      "\nFilter session_id       sess-codex-1\n",
      "\nChain identifier        session_id\n",
      "\nChain session_id        sess-codex-1\n",
      "\ntokens              input=- output=- total=-\n",
      "\nestimated_cost_usd  -\n",
      "\nttft_ms             -\n",
    ]
  ) assert.ok(text.includes(line), line);
  assert.ok(text.indexOf("input=- output=-") > text.indexOf("Step 2: s-2"));
  assert.match(text, /\ns-1 +s-2 +- +0 /, "the unknown token delta");
  assert.match(text, /seq=- immutable=true/, "no sequence is not seq=0");
});

Deno.test("debug text: without --diff, no Diffs section", async () => {
  const text = renderDebugText(await chain({ trace_group_id: "group-demo" }, false));
  assert.ok(!text.includes("\nDiffs\n"));
  assert.ok(text.endsWith('response_body: {"id":"a"}\n'));
});

Deno.test("debug text: stored control characters print escaped, one line each", async () => {
  const doc = await chain({ trace_group_id: "group-demo" }, false);
  const c = doc.chain.checkpoints[0]!;
  c.model = "gpt\u001b[2J\u009b31m";
  c.request_body = "a\nStep 9: fake\r\u007f";
  const text = renderDebugText(doc);
  assert.ok(
    // deno-lint-ignore no-control-regex
    !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(text),
    "no control character but \\n",
  );
  assert.ok(text.includes("model               gpt\\u001b[2J\\u009b31m\n"));
  assert.ok(text.includes("request_body: a\\u000aStep 9: fake\\u000d\\u007f\n"));
  assert.ok(!text.includes("\nStep 9"));
});
