/**
 * The setting of the agents' end-to-end test (agents_test.ts): one `serve` in front of the agent
 * stub, a sandbox for the agents, and the bookkeeping that lets each step see exactly the
 * requests and traces it caused.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type AgentSandbox, agentSandbox, type BoundedResult } from "../support/agents.ts";
import {
  type AgentScript,
  type AgentUpstream,
  startAgentUpstream,
} from "../support/agent_upstream.ts";
import type { RecordedRequest } from "../support/upstream_stub.ts";
import { freePort, poll, startServer } from "../support/process.ts";

// deno-lint-ignore no-explicit-any
export type Json = Record<string, any>;

export interface Ctx {
  sandbox: AgentSandbox;
  config: string;
  origin: string;
  stub: AgentUpstream;
  /** Stub requests and trace ids already accounted for by earlier steps. */
  seenRequests: number;
  seenTraces: Set<string>;
}

export async function getJson(origin: string, path: string): Promise<Json> {
  const res = await fetch(`${origin}${path}`);
  assert.equal(res.status, 200, path);
  return await res.json();
}

const isUpgrade = (q: RecordedRequest) => q.headers.upgrade?.toLowerCase() === "websocket";

/**
 * What one step added: the HTTP requests the stub received and the traces the gateway wrote,
 * which must be as many (one trace per forwarded request, nothing invented, nothing lost); and
 * the WebSocket handshakes the gateway dialed to the stub, which speaks HTTP only and refuses
 * them (the agent then falls back to HTTPS): those must leave no trace at all.
 */
export async function added(
  ctx: Ctx,
): Promise<{ requests: RecordedRequest[]; upgrades: RecordedRequest[]; traces: Json[] }> {
  const fresh = ctx.stub.requests.slice(ctx.seenRequests);
  ctx.seenRequests = ctx.stub.requests.length;
  const http = ctx.stub.requests.filter((q) => !isUpgrade(q)).length;
  const all = await poll(`${http} traces`, async () => {
    const page = await getJson(ctx.origin, "/api/traces?limit=200");
    return page.items.length >= http ? page.items as Json[] : undefined;
  });
  assert.equal(all.length, http, "one trace per HTTP request the upstream received");
  const traces = all.filter((t) => !ctx.seenTraces.has(t.id)).reverse();
  for (const t of traces) ctx.seenTraces.add(t.id);
  const upgrades = fresh.filter(isUpgrade);
  for (const u of upgrades) assert.equal(`${u.method} ${u.path}`, "GET /v1/responses");
  for (const q of fresh) {
    // wrap's developer label (the login name by default) is for the gateway, never the provider.
    assert.equal(q.headers["x-ongoingai-user"], undefined, `${q.method} ${q.path}`);
  }
  return { requests: fresh.filter((q) => !isUpgrade(q)), upgrades, traces };
}

export function tokens(t: Json): Json {
  const names = ["input", "cached_input", "cache_write", "output", "reasoning", "total"];
  return Object.fromEntries(names.map((n) => [n, t[`${n}_tokens`]]));
}

export function ran(r: BoundedResult, code = 0): void {
  assert.ok(!r.timedOut, `the run hit its time bound\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.code, code, `exit code\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
}

export function jsonLines(text: string): Json[] {
  return text.split("\n").filter((l) => l.trim().startsWith("{")).map((l) => JSON.parse(l));
}

/** `wrap --print`: `export NAME='value'` lines, then the command; the variables by name. */
export function printedParts(stdout: string): { vars: Record<string, string>; command: string } {
  const lines = stdout.trimEnd().split("\n");
  const command = lines.pop() ?? "";
  const vars: Record<string, string> = {};
  for (const line of lines) {
    const m = /^export ([A-Z_][A-Z0-9_]*)='([^']*)'$/.exec(line);
    assert.ok(m, `an export line: ${line}`);
    vars[m[1]!] = m[2]!;
  }
  return { vars, command };
}

/** The gateway (a real `serve` with SQLite) in front of a stub following `script`. */
export async function startAgentGateway(
  script: AgentScript,
): Promise<Ctx & { close(): Promise<void> }> {
  const stub = await startAgentUpstream(script);
  const sandbox = await agentSandbox();
  const port = freePort();
  const config = join(sandbox.files, "ongoingai.yaml");
  await Deno.writeTextFile(
    config,
    `server: { host: 127.0.0.1, port: ${port} }
storage: { path: ./data/gateway.db }
providers:
  openai: { upstream: "${stub.url}" }
  anthropic: { upstream: "${stub.url}" }
tracing: { flush_interval_ms: 10 }
`,
  );
  const server = await startServer([], { cwd: sandbox.files, port }).catch(async (err) => {
    await stub.close();
    await sandbox.remove();
    throw err;
  });
  return {
    sandbox,
    config,
    origin: server.origin,
    stub,
    seenRequests: 0,
    seenTraces: new Set(),
    async close() {
      await server.kill();
      await stub.close();
      await sandbox.remove();
    },
  };
}
