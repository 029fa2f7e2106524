import assert from "node:assert/strict";
import { correlationIdFrom } from "../../src/proxy/mod.ts";
import { lineageFrom } from "../../src/proxy/correlation.ts";

Deno.test("correlation id: accepted, aliased, or generated", () => {
  const table: [Record<string, string>, string | RegExp][] = [
    [{ "x-ongoingai-correlation-id": "abc-123" }, "abc-123"],
    [{ "x-request-id": "abc-123" }, "abc-123"],
    [{ "x-correlation-id": "k:v.1_2" }, "k:v.1_2"],
    [{ "x-ongoingai-correlation-id": "canon", "x-request-id": "alias" }, "canon"],
    [{ "x-ongoingai-correlation-id": "bad value with spaces" }, /^corr-[0-9a-f]{32}$/],
    [{ "x-request-id": "a".repeat(129) }, /^corr-[0-9a-f]{32}$/],
    [{}, /^corr-[0-9a-f]{32}$/],
  ];
  for (const [headers, want] of table) {
    const got = correlationIdFrom(new Headers(headers));
    if (typeof want === "string") assert.equal(got, want);
    else assert.match(got, want);
  }
});

Deno.test("lineage headers are read, trimmed, and a bad sequence is ignored", () => {
  assert.deepEqual(
    lineageFrom(
      new Headers({
        "x-ongoingai-trace-group-id": " group-1 ",
        "x-ongoingai-thread-id": "thread-1",
        "x-ongoingai-run-id": "run-1",
        "x-ongoingai-parent-checkpoint-id": "checkpoint-0",
        "x-ongoingai-checkpoint-seq": "2",
      }),
    ),
    {
      group_id: "group-1",
      thread_id: "thread-1",
      run_id: "run-1",
      parent_checkpoint_id: "checkpoint-0",
      checkpoint_seq: 2,
    },
  );
  for (const bad of ["-1", "x", "1.5", ""]) {
    assert.equal(
      lineageFrom(new Headers({ "x-ongoingai-checkpoint-seq": bad })).checkpoint_seq,
      null,
      bad,
    );
  }
});
