/**
 * Codex's run time for one `codex exec "say hi"` turn: direct to the Responses WebSocket stub vs
 * through the real `serve` (WebSocket relayed; relaying off, so one 426 then HTTPS; HTTP only).
 * A measuring script, not a test: `deno run -A bench/codex_ws_startup.ts [runs]`. Needs the Codex
 * binary (tests/support/agents.ts). Prints the median and range of wall time per setup.
 */
import { join } from "node:path";
import { agentBinary } from "../tests/support/agents.ts";
import { freePort, startServer } from "../tests/support/process.ts";
import { startResponsesWsStub } from "../tests/support/responses_ws_stub.ts";
import { connectWs } from "../tests/support/ws_gateway.ts";

const runs = Number(Deno.args[0] ?? 7);
const codex = await agentBinary("codex");
if (codex === null) {
  console.error("no Codex binary (tests/support/agents.ts)");
  Deno.exit(1);
}

async function serve(stubUrl: string, openai: string) {
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-ws-bench-" });
  const port = freePort();
  await Deno.writeTextFile(
    join(cwd, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port} }\nstorage: { path: ./data/gw.db }\n` +
      `providers:\n  openai: { upstream: "${stubUrl}"${openai} }\n` +
      `  anthropic: { upstream: "${stubUrl}" }\n`,
  );
  return await startServer([], { cwd, port });
}

async function codexRun(baseUrl: string, websockets: boolean): Promise<number> {
  const home = await Deno.makeTempDir({ prefix: "codex-home-" });
  const cwd = await Deno.makeTempDir({ prefix: "codex-cwd-" });
  const provider = `model_providers.gw={name="gw", base_url="${baseUrl}", ` +
    `env_key="OPENAI_API_KEY", wire_api="responses", supports_websockets=${websockets}}`;
  const t0 = performance.now();
  const out = await new Deno.Command(codex!, {
    args: [
      "exec",
      "--skip-git-repo-check",
      "-m",
      "gpt-5.5",
      "-c",
      "model_provider=gw",
      "-c",
      provider,
      "say hi",
    ],
    env: {
      CODEX_HOME: home,
      HOME: home,
      PATH: Deno.env.get("PATH")!,
      OPENAI_API_KEY: "sk-bench-0000000000000000",
    },
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t0;
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr).slice(-800));
  return ms;
}

function summary(name: string, ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)]!;
  return `${name.padEnd(46)} median ${median.toFixed(0).padStart(5)} ms  ` +
    `(min ${s[0]!.toFixed(0)}, max ${s.at(-1)!.toFixed(0)}, n=${s.length})`;
}

const stub = await startResponsesWsStub();
const relayed = await serve(stub.url, "");
const off = await serve(stub.url, ", websockets: false");
const setups: [string, string, boolean][] = [
  ["direct to stub, WebSocket", `${stub.url}/v1`, true],
  ["direct to stub, HTTPS only", `${stub.url}/v1`, false],
  ["gateway, WebSocket relayed", `${relayed.origin}/openai/v1`, true],
  ["gateway, relaying off (426, HTTPS fallback)", `${off.origin}/openai/v1`, true],
  ["gateway, HTTPS only (supports_websockets=false)", `${relayed.origin}/openai/v1`, false],
];
try {
  await codexRun(`${stub.url}/v1`, true); // warm the page cache
  const times = setups.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [j, [, url, ws]] of setups.entries()) times[j]!.push(await codexRun(url, ws));
  }
  for (const [j, [name]] of setups.entries()) console.log(summary(name, times[j]!));
  // The relay's own cost, without Codex's start-up: open a socket, one response, close.
  const wsTimes: [string, number[]][] = [
    ["Deno client: open + 1 response, direct", []],
    ["Deno client: open + 1 response, relayed", []],
  ];
  const create = JSON.stringify({ type: "response.create", model: "gpt-5.5", input: [] });
  for (let i = 0; i < runs * 5; i++) {
    for (const [j, base] of [stub.url, `${relayed.origin}/openai`].entries()) {
      const t0 = performance.now();
      const c = await connectWs(`${base.replace("http:", "ws:")}/v1/responses`, {
        authorization: "Bearer sk-bench-0000000000000000",
      });
      c.socket.send(create);
      await c.untilTerminal(1);
      wsTimes[j]![1].push(performance.now() - t0);
      c.socket.close();
      await c.closed;
    }
  }
  for (const [name, ms] of wsTimes) console.log(summary(name, ms));
} finally {
  await relayed.stop();
  await off.stop();
  await stub.close();
}
