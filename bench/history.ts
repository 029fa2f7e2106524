/**
 * A generated trace history for the analytics scale scenario: N traces over 30 days, written
 * with the store's own writeBatch into a fresh SQLite file. Deterministic (a seeded PRNG), with
 * the shapes that make analytics work: several providers and models, many keys, streaming with
 * first-token times, some errors, unpriced and unknown-usage traces.
 *
 * Usage: deno run -A bench/history.ts --path FILE --traces N
 */
import { parseArgs } from "node:util";
import { openSqliteStore } from "../src/store/mod.ts";
import type { Trace } from "../src/traces/trace.ts";
import { makeTrace } from "../tests/testdata/trace_fixture.ts";
import { prng } from "../tests/testdata/prng.ts";

const models: [provider: string, model: string, path: string][] = [
  ["openai", "gpt-4o-mini", "/openai/v1/chat/completions"],
  ["openai", "gpt-4o", "/openai/v1/chat/completions"],
  ["openai", "o3-mini", "/openai/v1/responses"],
  ["openai", "text-embedding-3-small", "/openai/v1/embeddings"],
  ["anthropic", "claude-sonnet-4", "/anthropic/v1/messages"],
  ["anthropic", "claude-haiku-4", "/anthropic/v1/messages"],
  ["groq", "llama-3.3-70b", "/groq/v1/chat/completions"],
  ["groq", "mixtral-8x7b", "/groq/v1/chat/completions"],
];

export function historyTrace(i: number, total: number, rand: () => number, end: number): Trace {
  const [provider, model, path] = models[Math.floor(rand() ** 1.5 * models.length)]!;
  const at = end - Math.floor(((total - i) / total) * 30 * 86_400_000) - Math.floor(rand() * 1000);
  const status = rand() < 0.97 ? 200 : rand() < 0.6 ? 429 : 502;
  const streaming = provider !== "groq" && rand() < 0.5;
  const latency = Math.round(Math.exp(5 + rand() * 3)); // 150 ms .. 3 s, skewed
  const input = Math.floor(rand() * 4000), output = Math.floor(rand() * 800);
  const known = status === 200 && rand() > 0.01;
  const priced = known && provider !== "groq";
  const key = Math.floor(rand() ** 2 * 50);
  return makeTrace({
    id: i.toString(16).padStart(32, "0"),
    timestamp: new Date(at).toISOString(),
    created_at: new Date(at + latency).toISOString(),
    provider,
    model,
    request_path: path,
    response_status: status,
    input_tokens: known ? input : null,
    output_tokens: known ? output : null,
    total_tokens: known ? input + output : null,
    cached_input_tokens: known ? Math.floor(input * rand() * 0.5) : null,
    cache_write_tokens: known ? 0 : null,
    reasoning_tokens: known ? 0 : null,
    usage_status: status !== 200 ? "none" : known ? "exact" : "unknown",
    estimated_cost_usd: priced ? (input * 0.15 + output * 0.6) / 1e6 : null,
    cost_status: status !== 200
      ? "none"
      : !known
      ? "unknown_usage"
      : priced
      ? "priced"
      : "unpriced",
    latency_ms: latency,
    streaming,
    time_to_first_token_ms: streaming ? Math.ceil(latency / 4) : null,
    time_to_first_token_us: streaming ? latency * 250 : null,
    api_key_hash: `hmac-sha256:${key.toString(16).padStart(32, "0")}`,
    api_key_last4: key.toString().padStart(4, "0"),
    request_headers: { "content-type": ["application/json"], authorization: ["[REDACTED]"] },
    response_headers: { "content-type": ["application/json"], "x-request-id": [`req_${i}`] },
  });
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { path: { type: "string" }, traces: { type: "string" } },
  });
  const total = Number(values.traces ?? 1_000_000);
  const store = await openSqliteStore({ path: values.path ?? "history.db" });
  const rand = prng(42);
  const end = Date.UTC(2026, 10, 1);
  const t = performance.now();
  for (let i = 0; i < total;) {
    const n = Math.min(5000, total - i);
    await store.writeBatch(
      Array.from({ length: n }, (_, k) => historyTrace(i + k, total, rand, end)),
    );
    i += n;
  }
  await store.close();
  console.log(JSON.stringify({ traces: total, seconds: (performance.now() - t) / 1000 }));
}
