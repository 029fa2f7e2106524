// Ad-hoc: in-process request rate, unrouted vs routed (not committed).
import { validateConfig } from "../src/config/mod.ts";
import { createGateway } from "../src/server/gateway.ts";
import { openSqliteStore } from "../src/store/mod.ts";
import { createStubHandler, stubFetch } from "../tests/support/upstream_stub.ts";
import { writerSnapshot } from "../tests/testdata/writer_snapshot.ts";

async function gw(routes: boolean) {
  const input = {
    providers: { openai: { upstream: "http://up.test" }, anthropic: { upstream: "http://up.test" } },
    ...(routes
      ? {
        routes: {
          "gpt-main": { targets: [{ provider: "openai", model: "gpt-4o-mini" }] },
        },
      }
      : {}),
  };
  const r = validateConfig(input as never, { env: {} });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const store = await openSqliteStore({ path: ":memory:" });
  const stub = createStubHandler();
  const writer = { enqueue: () => true, snapshot: () => writerSnapshot({} as never) };
  return createGateway(r.config, { store, writer: writer as never, keyHashSecret: "s".repeat(40), fetch: stubFetch(stub) });
}

async function rate(g: Awaited<ReturnType<typeof gw>>, model: string, stream: boolean, n: number) {
  const body = JSON.stringify({ model, stream, messages: [{ role: "user", content: "hi" }] });
  const one = async () => {
    const res = await g.fetch(new Request("http://gw.test/openai/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-x" },
      body,
    }));
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(String(res.status));
  };
  for (let i = 0; i < 300; i++) await one();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await one();
  return (n / (performance.now() - t0)) * 1000;
}

const plain = await gw(false);
const routed = await gw(true);
const n = 3000;
for (const stream of [false, true]) {
  const rows: Record<string, number[]> = { "no routes": [], "routes, unrouted model": [], "routed model": [] };
  for (let round = 0; round < 3; round++) {
    rows["no routes"].push(await rate(plain, "gpt-4o-mini", stream, n));
    rows["routes, unrouted model"].push(await rate(routed, "gpt-4o-mini", stream, n));
    rows["routed model"].push(await rate(routed, "gpt-main", stream, n));
  }
  for (const [k, v] of Object.entries(rows)) {
    const sorted = v.sort((a, b) => a - b);
    console.log(`${stream ? "stream" : "json  "} ${k.padEnd(24)} median ${sorted[1]!.toFixed(0)} req/s  (${sorted.map((x) => x.toFixed(0)).join(", ")})`);
  }
}
Deno.exit(0);
