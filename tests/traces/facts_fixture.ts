/** The facts of one finished exchange, for trace builder tests; `over` replaces fields. */
import type { ExchangeFacts } from "../../src/traces/mod.ts";

export function facts(over: Partial<ExchangeFacts> = {}): ExchangeFacts {
  return {
    id: "t1",
    startedAt: Date.UTC(2026, 10, 22, 10, 0, 0),
    endedAt: Date.UTC(2026, 10, 22, 10, 0, 1),
    latencyMs: 1000.4,
    firstByteMs: 42.123,
    provider: "openai",
    requestModel: "gpt-4o-mini",
    method: "POST",
    path: "/openai/v1/chat/completions",
    requestHeaders: new Headers({
      authorization: "Bearer sk-proj-secret",
      "x-api-key": "k",
      "x-ongoingai-gateway-key": "gw",
      "content-type": "application/json",
    }),
    responseHeaders: new Headers([["content-type", "text/event-stream"], ["set-cookie", "a=1"]]),
    status: 200,
    requestBody: null,
    responseBody: null,
    report: {
      model: "gpt-4o-mini-2024-07-18",
      usage: {
        input_tokens: 10,
        output_tokens: 5,
        total_tokens: 15,
        cached_input_tokens: 2,
        cache_write_tokens: 0,
        reasoning_tokens: 1,
      },
      status: "exact",
      parseErrors: 0,
    },
    cost: { estimated_cost_usd: 0.0000045, cost_status: "priced" },
    key: { hash: "h".repeat(64), last4: "cret" },
    streaming: true,
    errorCode: null,
    correlationId: "corr-1",
    lineage: {
      group_id: "g",
      thread_id: null,
      run_id: "r",
      parent_checkpoint_id: null,
      checkpoint_seq: 3,
    },
    tenant: { org_id: "default", workspace_id: "default", gateway_key_id: null },
    requestBytes: 100,
    responseBytes: 200,
    streamChunks: 4,
    ...over,
  };
}
