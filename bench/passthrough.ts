/**
 * Baseline (b): the least a Deno proxy can do. Forward method, path, headers and body with
 * `fetch`, return the upstream's status, headers and body stream. No tracing, no parsing.
 *
 * Usage: deno run -A bench/passthrough.ts --port PORT --upstream http://127.0.0.1:UPSTREAM
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: { port: { type: "string" }, upstream: { type: "string" } },
});
const upstream = values.upstream ?? "http://127.0.0.1:8081";

Deno.serve(
  { hostname: "127.0.0.1", port: Number(values.port ?? 0), onListen() {} },
  async (req) => {
    const url = new URL(req.url);
    const res = await fetch(upstream + url.pathname + url.search, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      redirect: "manual",
      signal: req.signal,
    });
    return new Response(res.body, { status: res.status, headers: res.headers });
  },
);
