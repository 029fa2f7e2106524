/**
 * Traces for `ongoingai debug` and the lineage API: the reference's two-step chain (group-demo,
 * thread-demo, run-demo; step 2 changes the path and the model and adds 5 tokens), a three-step
 * chain whose stored times are scrambled, an agent session without lineage headers, and an
 * unrelated trace stored last (the newest).
 */
import type { Trace } from "../../src/traces/trace.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const lineage = (
  id: string,
  extra: Record<string, unknown>,
): Record<string, unknown> => ({
  lineage_checkpoint_id: id,
  lineage_immutable: true,
  correlation_id: `corr-${id}`,
  streaming: false,
  ...extra,
});

export function debugHistory(): Trace[] {
  const demo = { lineage_group_id: "group-demo", lineage_thread_id: "thread-demo" };
  return [
    makeTrace({
      id: "trace-step-1",
      trace_group_id: "group-demo",
      timestamp: "2026-02-18T10:00:00.000Z",
      created_at: "2026-02-18T10:00:01.000Z",
      total_tokens: 40,
      input_tokens: 10,
      output_tokens: 30,
      request_body: '{"model":"gpt-4o-mini","messages":[]}',
      response_body: '{"id":"a"}',
      metadata: lineage("trace-step-1", {
        ...demo,
        lineage_run_id: "run-demo",
        lineage_checkpoint_seq: 1,
      }),
    }),
    makeTrace({
      id: "trace-step-2",
      trace_group_id: "group-demo",
      model: "gpt-4o",
      request_path: "/openai/v1/responses",
      timestamp: "2026-02-18T10:00:02.000Z",
      created_at: "2026-02-18T10:00:03.000Z",
      total_tokens: 45,
      input_tokens: 12,
      output_tokens: 33,
      request_body: '{"model":"gpt-4o","input":"x"}',
      response_body: '{"id":"a"}',
      metadata: lineage("trace-step-2", {
        ...demo,
        lineage_run_id: "run-demo",
        lineage_parent_checkpoint_id: "trace-step-1",
        lineage_checkpoint_seq: 2,
      }),
    }),
    // Stored in the order 3, 1, 2 with times the other way round.
    makeTrace({
      id: "step3",
      trace_group_id: "group-scrambled",
      created_at: "2026-02-18T09:00:00.000Z",
      timestamp: "2026-02-18T09:00:00.000Z",
      metadata: lineage("step3", {
        lineage_group_id: "group-scrambled",
        lineage_parent_checkpoint_id: "step2",
        lineage_checkpoint_seq: 3,
      }),
    }),
    makeTrace({
      id: "step1",
      trace_group_id: "group-scrambled",
      created_at: "2026-02-18T09:00:30.000Z",
      timestamp: "2026-02-18T09:00:30.000Z",
      metadata: lineage("step1", {
        lineage_group_id: "group-scrambled",
        lineage_checkpoint_seq: 1,
      }),
    }),
    makeTrace({
      id: "step2",
      trace_group_id: "group-scrambled",
      created_at: "2026-02-18T09:00:10.000Z",
      timestamp: "2026-02-18T09:00:10.000Z",
      metadata: lineage("step2", {
        lineage_group_id: "group-scrambled",
        lineage_parent_checkpoint_id: "step1",
      }),
    }),
    ...["s-1", "s-2"].map((id, i) =>
      makeTrace({
        id,
        agent: "codex",
        session_id: "sess-codex-1",
        timestamp: `2026-02-18T11:00:0${i}.000Z`,
        created_at: `2026-02-18T11:00:0${i}.500Z`,
        metadata: lineage(id, {}),
      })
    ),
    makeTrace({
      id: "lonely",
      timestamp: "2026-02-18T12:00:00.000Z",
      created_at: "2026-02-18T12:00:01.000Z",
      metadata: lineage("lonely", {}),
    }),
  ];
}
