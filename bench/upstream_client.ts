/**
 * Micro benchmark of the upstream clients alone: 32 concurrent exchange loops (POST 1 KB JSON
 * in, 1 KB JSON out) against a local Deno.serve in a child process, native client vs fetch,
 * alternated over a few rounds so that a noisy machine hits both alike.
 *
 * Usage: deno run -A bench/upstream_client.ts [--seconds 3] [--rounds 3] [--concurrency 32]
 */
import { parseArgs } from "node:util";
import { createFetchClient, createNativeClient, type UpstreamClient } from "../src/upstream/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    serve: { type: "boolean" },
    seconds: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "32" },
  },
});

const payload = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "x".repeat(800) } }],
  usage: { prompt_tokens: 10, completion_tokens: 200, total_tokens: 210 },
});

if (values.serve) {
  Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(port),
  }, async (req) => {
    await req.arrayBuffer();
    return new Response(payload, { headers: { "content-type": "application/json" } });
  });
} else {
  await main();
}

async function main() {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--serve"],
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  const url = `http://127.0.0.1:${Number(value)}/v1/chat/completions`;
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const results: Record<string, number[]> = { native: [], fetch: [] };
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const name of ["native", "fetch"] as const) {
        const client = name === "native" ? createNativeClient() : createFetchClient();
        const rate = await drive(client, url, seconds, concurrency);
        client.close();
        results[name]!.push(rate);
        console.log(`round ${round + 1} ${name.padEnd(6)} ${Math.round(rate)} req/s`);
      }
    }
  } finally {
    child.kill();
    await child.status;
  }
  const best = (xs: number[]) => Math.round(Math.max(...xs));
  const n = best(results.native!);
  const f = best(results.fetch!);
  console.log(`best: native ${n} req/s, fetch ${f} req/s, ratio ${(n / f).toFixed(2)}`);
}

async function drive(client: UpstreamClient, url: string, seconds: number, concurrency: number) {
  const body = new TextEncoder().encode(
    JSON.stringify({ model: "gpt-4o-mini", pad: "y".repeat(960) }),
  );
  const signal = new AbortController().signal;
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const res = await client.send({
        method: "POST",
        url,
        headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
        body,
        signal,
      });
      const bytes = await res.bytes();
      if (res.status !== 200 || bytes.length !== payload.length) throw new Error("bad answer");
      count++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  return count / ((performance.now() - started) / 1000);
}
