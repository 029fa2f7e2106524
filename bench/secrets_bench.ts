/**
 * What scrubbing secrets from stored traces costs (issue 16, item 8) when there is nothing to
 * find, the common case: `deno run bench/secrets_bench.ts`. Each case runs in 25 rounds, the
 * cases interleaved, and reports the fastest and the median round in CPU time per iteration: on
 * a shared machine that is steadier than `deno bench`'s wall-clock mean.
 *
 * - `trace`: building a chat trace (13 request and 10 response headers, no bodies) with the
 *   scrubber a default-mode gateway has (the fingerprint secret), one of a team-mode gateway
 *   with five configured keys, and a scrubber that does nothing (the cost before item 8).
 * - `body`: one captured body without a secret, 2 KiB, 64 KiB and 1 MiB of JSON chat text.
 * - `worst`: 1 MiB of random hex against 1000 hex secrets (`openssl rand -hex 16`), which fill
 *   the shift table so every offset is a candidate (5.2 s per MiB before candidates were
 *   bucketed by their last four bytes, 16 ms of CPU after).
 */
import process from "node:process";
import { buildTrace, credentialHeaders, type ExchangeFacts } from "../src/traces/mod.ts";
import { createStoredScrubber, type StoredScrubber } from "../src/secrets/mod.ts";

const fingerprintSecret = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const defaultMode = createStoredScrubber([fingerprintSecret]);
const teamMode = createStoredScrubber([
  fingerprintSecret,
  "team-alpha-shared-password-42",
  "team-beta-rotated-password-77",
  "ci-runner-key-0a1b2c3d4e5f",
  "notebook key with spaces!",
  "pii-hash-salt-2026",
]);
const same = (v: string) => v;
const none: StoredScrubber = { text: same, exact: same, path: same, body: (b) => b };

const requestHeaders = new Headers({
  "content-type": "application/json",
  accept: "application/json",
  "user-agent": "OpenAI/Python 1.54.3",
  "x-stainless-lang": "python",
  "x-stainless-package-version": "1.54.3",
  "x-stainless-os": "Linux",
  "x-stainless-arch": "x64",
  "x-stainless-runtime": "CPython",
  "x-stainless-runtime-version": "3.12.7",
  "x-stainless-retry-count": "0",
  authorization: "Bearer sk-proj-bench",
  "x-ongoingai-gateway-key": "gw",
  "content-length": "213",
});
const responseHeaders: [string, string][] = [
  ["content-type", "application/json"],
  ["date", "Sun, 06 Dec 2026 14:00:00 GMT"],
  ["openai-organization", "user-abc123"],
  ["openai-processing-ms", "412"],
  ["openai-version", "2020-10-01"],
  ["x-ratelimit-limit-requests", "10000"],
  ["x-ratelimit-remaining-requests", "9999"],
  ["x-ratelimit-reset-requests", "6ms"],
  ["x-request-id", "req_7f3a9c0d51bd77a1b2c3d4e5f6a7b8c9"],
  ["cf-ray", "8f3a9c0d51bd77a1-AMS"],
];

let n = 0;
function facts(secrets: StoredScrubber): ExchangeFacts {
  n++;
  return {
    id: `t${n}`,
    startedAt: 0,
    endedAt: 1,
    latencyMs: 400,
    firstByteMs: null,
    provider: "openai",
    requestModel: "gpt-4o-mini",
    method: "POST",
    path: "/openai/v1/chat/completions",
    requestHeaders,
    // A fresh request id per exchange, as upstreams send: no cache hit for that one.
    responseHeaders: [...responseHeaders, ["x-request-id", `req_${n}`]],
    status: 200,
    requestBody: null,
    responseBody: null,
    report: { model: "gpt-4o-mini-2024-07-18", usage: null, status: "none", parseErrors: 0 },
    cost: { estimated_cost_usd: null, cost_status: "none" },
    key: null,
    streaming: false,
    errorCode: null,
    correlationId: `corr-${n.toString(16).padStart(32, "0")}`,
    lineage: {
      group_id: null,
      thread_id: null,
      run_id: null,
      parent_checkpoint_id: null,
      checkpoint_seq: null,
    },
    tenant: { org_id: "default", workspace_id: "default", gateway_key_id: null },
    requestBytes: 213,
    responseBytes: 1024,
    streamChunks: 1,
    secrets,
    // The baseline stands for the builder before item 8, which took no provider key.
    providerKey: secrets === none ? null : "sk-proj-bench-provider-key-0123456789",
  };
}

const scrubbers: [string, StoredScrubber][] = [
  ["no scrubbing", none],
  ["default mode", defaultMode],
  ["team mode, 6 secrets", teamMode],
];
const cases: [string, number, () => void][] = [];
for (const [name, s] of scrubbers) {
  cases.push([`trace: chat, ${name}`, 4000, () => void buildTrace(facts(s), credentialHeaders)]);
}

const words = ("the model answered with a long explanation of how the gateway stores traces " +
  "and why secrets must not be kept; it wrote code: function f(x) { return x + 1; } and " +
  "listed 2026-12-06T14:00:00Z timestamps, prompt_tokens and finish_reason fields").split(" ");
function chatBody(size: number): Uint8Array {
  let content = "";
  for (let i = 0; content.length < size - 120; i++) content += words[i % words.length] + " ";
  return new TextEncoder().encode(
    JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
  );
}

for (const size of [2 * 1024, 64 * 1024, 1024 * 1024]) {
  const body = chatBody(size);
  const label = size >= 1024 * 1024 ? `${size / 1024 / 1024} MiB` : `${size / 1024} KiB`;
  const n = Math.max(20, Math.round(16_000_000 / size));
  for (const [name, s] of [["default mode", defaultMode], ["team mode", teamMode]] as const) {
    cases.push([`body ${label}: ${name}`, n, () => void s.body(body, false)]);
  }
}

{
  const hex = (n: number) => {
    const bytes = new Uint8Array(Math.ceil(n / 2));
    for (let at = 0; at < bytes.length; at += 65536) {
      crypto.getRandomValues(bytes.subarray(at, at + 65536));
    }
    return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, n);
  };
  const many = createStoredScrubber(Array.from({ length: 1000 }, () => hex(32)));
  const body = new TextEncoder().encode(hex(1024 * 1024));
  cases.push(["worst: 1 MiB hex, 1000 hex secrets", 2, () => void many.body(body, false)]);
}

// Rounds interleave the cases, so that a busy machine slows every case alike.
for (const [, n, fn] of cases) for (let i = 0; i < n; i++) fn();
const rounds = cases.map((): number[] => []);
for (let r = 0; r < 25; r++) {
  cases.forEach(([, n, fn], c) => {
    // CPU time, not wall time: another process taking the core does not count.
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const { user, system } = process.cpuUsage(t0);
    rounds[c]!.push((user + system) / n);
  });
}
const us = (v: number) => `${v.toFixed(2)} µs`.padStart(12);
cases.forEach(([name], c) => {
  const times = rounds[c]!.sort((a, b) => a - b);
  console.log(`${name.padEnd(36)} min ${us(times[0]!)}  median ${us(times[12]!)}`);
});
