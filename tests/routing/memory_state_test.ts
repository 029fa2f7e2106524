import assert from "node:assert/strict";
import { MemoryRoutingState } from "../../src/routing/mod.ts";
import { runRoutingStateConformance, T0 } from "./state_conformance.ts";

runRoutingStateConformance(
  "memory",
  () => Promise.resolve({ state: new MemoryRoutingState(), close: () => Promise.resolve() }),
);

Deno.test("memory routing state: bounded, expired entries go first, then the oldest", async () => {
  const s = new MemoryRoutingState({ maxEntries: 3 });
  const k = (id: string) => ({ kind: "key" as const, provider: "p", id });
  await s.disableKey(k("a"), T0, "x");
  await s.coolDown(k("b"), T0, T0 + 10, "x");
  await s.coolDown(k("c"), T0, T0 + 1000, "x");
  await s.coolDown(k("d"), T0 + 100, T0 + 1000, "x");
  assert.equal(s.blocked(k("b"), T0 + 100), null, "expired, dropped");
  assert.equal(s.blocked(k("a"), T0 + 100)?.state, "disabled");
  await s.coolDown(k("e"), T0 + 100, T0 + 1000, "x");
  assert.equal(s.blocked(k("a"), T0 + 100), null, "the oldest went when nothing had expired");
  assert.equal((await s.snapshot(T0 + 100)).blocks.length, 3);
});
