/**
 * Config reload and routing, through real gateways: `serve` builds a new gateway per config
 * generation over one `SharedRouting` (src/server/routing.ts), as here two harnesses over one. A
 * pool key at its rpm stays there across the reload (the new generation refuses it for the rest
 * of the minute), a raised rpm grants only the difference, and a key the config dropped and
 * brought back starts afresh.
 */
import assert from "node:assert/strict";
import type { GatewayConfigInput } from "../../src/config/mod.ts";
import { startHarness } from "../support/gateway_harness.ts";
import { memoryRouting } from "../support/pool_router.ts";
import type { SharedRouting } from "../../src/server/routing.ts";

const keyA = "sk-proj-RELOADPOOLA0123456789abcdefgh";
const keyB = "sk-proj-RELOADPOOLB0123456789abcdefgh";

function config(keys: { id: string; key: string; rpm?: number }[]): GatewayConfigInput {
  return {
    server: { host: "127.0.0.1" },
    providers: { openai: { keys } },
    routes: {
      "gpt-main": {
        targets: [{ provider: "openai", model: "gpt-4o-mini" }],
        // No waiting for a key: a saturated pool answers at once.
        retry: { attempts: 1, max_retry_after_ms: 0 },
      },
    },
  };
}

/** `n` routed requests without a client key on one generation: their statuses and the keys sent. */
async function send(input: GatewayConfigInput, routing: SharedRouting, n: number) {
  const h = await startHarness(input, { routing });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await h.request("/openai/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-main", messages: [{ role: "user", content: "hi" }] }),
      });
      const text = await res.text();
      statuses.push(res.status);
      if (res.status !== 200) assert.match(text, /no_target_left/, "no usable key: no attempt");
    }
    return { statuses, keys: h.stub.requests.map((r) => r.headers["authorization"]) };
  } finally {
    await h.close();
  }
}

Deno.test("reload: a pool key at its rpm stays there in the next generation", async () => {
  const routing = memoryRouting();
  const first = await send(config([{ id: "ka", key: keyA, rpm: 2 }]), routing, 2);
  assert.deepEqual(first.statuses, [200, 200]);
  assert.deepEqual(first.keys, [`Bearer ${keyA}`, `Bearer ${keyA}`]);

  const second = await send(config([{ id: "ka", key: keyA, rpm: 2 }]), routing, 1);
  assert.deepEqual(second.statuses, [502], "the key's minute is not over: no third request");
  assert.deepEqual(second.keys, [], "nothing reached the upstream");

  const raised = await send(config([{ id: "ka", key: keyA, rpm: 3 }]), routing, 2);
  assert.deepEqual(raised.statuses, [200, 502], "rpm 3: one more this minute, not three");

  const fresh = await send(config([{ id: "ka", key: keyA, rpm: 2 }]), memoryRouting(), 1);
  assert.deepEqual(fresh.statuses, [200], "a new process starts afresh (the control)");
});

Deno.test("reload: a key the config dropped and brought back starts afresh", async () => {
  const routing = memoryRouting();
  const first = await send(config([{ id: "ka", key: keyA, rpm: 1 }]), routing, 1);
  assert.deepEqual(first.statuses, [200]);
  const without = await send(config([{ id: "kb", key: keyB, rpm: 1 }]), routing, 1);
  assert.deepEqual(without.keys, [`Bearer ${keyB}`]);
  assert.equal(routing.keyUsage.get("openai", "ka"), undefined, "ka's counts are gone");
  const back = await send(config([{ id: "ka", key: keyA, rpm: 1 }]), routing, 1);
  assert.deepEqual(back.statuses, [200]);
  assert.deepEqual(back.keys, [`Bearer ${keyA}`]);
});
