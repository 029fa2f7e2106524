/**
 * `pricing.sources` in the real `serve` process: a price file path and a URL (a local server)
 * price an OpenAI-compatible provider by its id; the URL's copy is cached beside the database and
 * used when a later fetch fails; SIGHUP reads the files again; a file that cannot be used stops a
 * start and is refused by a reload, the running prices kept.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliCommand, freePort } from "../support/process.ts";
import { startPriceFileServer } from "../pricing/price_file_server.ts";
import {
  readAll,
  startHeldUpstream,
  startLiveServer,
  streamChat,
  traceRows,
} from "./lifecycle_support.ts";

/** A LiteLLM-format file pricing model m1 of provider `held` at `usd` per million tokens. */
const priceFile = (usd: number) =>
  JSON.stringify({
    sample_spec: { litellm_provider: "one of https://docs.litellm.ai/docs/providers" },
    "held/m1": {
      litellm_provider: "held",
      mode: "chat",
      input_cost_per_token: usd / 1e6,
      output_cost_per_token: usd / 1e6,
    },
  });

Deno.test("pricing.sources: a path and a URL price traces; reload refetches; failures fall back", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-prices-" });
  const held = startHeldUpstream();
  const files = await startPriceFileServer(new TextEncoder().encode(priceFile(3)));
  const port = freePort();
  const config = (sources: string[]) =>
    `server: { host: 127.0.0.1, port: ${port} }
storage: { path: ./data/gw.db }
tracing: { flush_interval_ms: 10 }
providers:
  held: { prefix: /held, upstream: "${held.url}" }
pricing:
  sources: ${JSON.stringify(sources)}
`;
  const file = join(dir, "ongoingai.yaml");
  const chat = async () => {
    const res = await streamChat(`http://127.0.0.1:${port}`, "/held");
    assert.match((await readAll(res)).text, /\[DONE\]/);
  };
  await Deno.writeTextFile(join(dir, "prices.json"), priceFile(2));
  await Deno.writeTextFile(file, config(["prices.json", files.url("/toggle")]));
  const server = await startLiveServer(dir, port);
  try {
    let logs = await server.waitForLog(/price file fetched/);
    assert.match(logs, /price file loaded: 1 models priced .* 1 entries skipped \(sample_spec 1\)/);
    await chat(); // the URL's file is later in the list: 3 USD/M

    files.toggle = "fail";
    server.signal("SIGHUP");
    logs = await server.waitForLog(/config reloaded/);
    assert.match(
      logs,
      /price file not fetched \(HTTP 500 from .*\/toggle\); using the last good copy/,
    );
    await chat(); // still 3 USD/M, from the cached copy

    await Deno.writeTextFile(join(dir, "prices.json"), priceFile(4));
    await Deno.writeTextFile(file, config(["prices.json"]));
    server.signal("SIGHUP");
    await server.waitForLog(/config reloaded/, 2);
    await chat(); // the file alone, read again: 4 USD/M

    await Deno.writeTextFile(file, config(["prices.json", "missing.json"]));
    server.signal("SIGHUP");
    logs = await server.waitForLog(/config reload refused/);
    assert.match(logs, /cannot use price file .*missing\.json/);
    await chat(); // refused: the running prices stay, 4 USD/M

    server.signal("SIGTERM");
    assert.equal(await server.exited, 0, server.logs());
    // 3000 input + 2000 output tokens per request.
    const costs = (await traceRows(dir)).map((r) => r.estimated_cost_usd);
    assert.deepEqual(costs, [0.015, 0.015, 0.02, 0.02]);
    const cached = [...Deno.readDirSync(join(dir, "data"))].map((e) => e.name);
    assert.ok(cached.some((n) => /^prices-[0-9a-f]{16}\.json$/.test(n)), cached.join(", "));
  } finally {
    await server.kill();
    await held.close();
    await files.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pricing.sources: serve refuses to start with a price file it cannot use", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-prices-" });
  try {
    await Deno.writeTextFile(
      join(dir, "ongoingai.yaml"),
      `server: { host: 127.0.0.1, port: ${freePort()} }\npricing: { sources: [nope.json] }\n`,
    );
    const out = await cliCommand(["serve"], { cwd: dir, env: {} }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, stderr);
    assert.match(stderr, /cannot use price file .*nope\.json/);
    assert.match(stderr, /failed to start/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
