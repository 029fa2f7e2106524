/**
 * A real gateway for `ongoingai top`'s tests: a `serve` subprocess in team mode over a local
 * upstream stub, with two keys (one that may read diagnostics, one viewer) and a way to send it
 * chat completions as a client would.
 */
import assert from "node:assert/strict";
import { freePort, type ServerProcess, startServer } from "./process.ts";
import { startUpstreamStub, type UpstreamStub } from "./upstream_stub.ts";

export const opsKey = "ogk_top_ops_e2e_secret_0000000000000";
export const viewerKey = "ogk_top_viewer_e2e_secret_11111111111";

const config = (port: number, upstream: string) =>
  `import { defineConfig, env } from "ongoingai";
export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { driver: "sqlite", path: "./traces.db" },
  providers: { openai: { upstream: "${upstream}" }, anthropic: { upstream: "${upstream}" } },
  auth: {
    enabled: true,
    keys: [
      { id: "ops", token: env("OPS_KEY"), workspace_id: "a", role: "developer", permissions: ["diagnostics:read"] },
      { id: "viewer", token: env("VIEWER_KEY"), workspace_id: "a", role: "viewer" },
    ],
  },
});
`;

export interface TopGateway {
  origin: string;
  stub: UpstreamStub;
  /** One chat completion for `model` as the ops key; `fail` makes the upstream answer 500. */
  chat(model: string, fail?: boolean): Promise<number>;
}

export async function withGateway(
  run: (g: TopGateway) => Promise<void>,
  port = freePort(),
): Promise<void> {
  const stub = await startUpstreamStub();
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-top-" });
  let server: ServerProcess | null = null;
  try {
    await Deno.writeTextFile(`${cwd}/gateway.config.ts`, config(port, stub.url));
    server = await startServer([], { cwd, port, env: { OPS_KEY: opsKey, VIEWER_KEY: viewerKey } });
    const origin = server.origin;
    await run({
      origin,
      stub,
      async chat(model, fail = false) {
        const res = await fetch(`${origin}/openai/v1/chat/completions`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: "Bearer sk-proj-top-e2e-provider-key-0000000000",
            "x-ongoingai-gateway-key": opsKey,
            ...(fail ? { "x-stub-status": "500" } : {}),
          },
          body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
        });
        await res.arrayBuffer();
        return res.status;
      },
    });
  } finally {
    const stopped = await server?.stop();
    await stub.close();
    await Deno.remove(cwd, { recursive: true });
    if (stopped) assert.equal(stopped.code, 0, stopped.logs);
  }
}
