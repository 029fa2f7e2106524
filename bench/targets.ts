/**
 * Where a request goes for each system under test, and the request itself. Direct, pass-through
 * and nginx take the stub's paths; the gateway takes its provider prefixes.
 */
import type { RequestSpec } from "./client_stream.ts";
import type { Api } from "./stub_bodies.ts";
import type { GcTrace } from "./gc_trace.ts";

export type TargetKind = "direct" | "passthrough" | "nginx" | "gateway";

export interface Target {
  name: string;
  kind: TargetKind;
  origin: string;
  /** Process to watch for memory; null for targets the harness does not measure. */
  pid: number | null;
  /** Its garbage collections, when it was started with V8's GC trace (`gc_trace.ts`). */
  gc?: GcTrace | null;
}

const paths: Record<Api, string> = { openai: "/v1/chat/completions", anthropic: "/v1/messages" };

export interface RequestOptions {
  api?: Api;
  stream?: boolean;
  /** Stub knobs (x-bench-*). */
  bench?: Record<string, string | number>;
}

export function requestFor(target: Target, opts: RequestOptions = {}): RequestSpec {
  const api = opts.api ?? "openai";
  const prefix = target.kind === "gateway" ? `/${api}` : "";
  const headers: Record<string, string> = { "content-type": "application/json" };
  for (const [k, v] of Object.entries(opts.bench ?? {})) headers[`x-bench-${k}`] = String(v);
  const messages = [{ role: "user", content: "Say hello in one short sentence." }];
  let body: Record<string, unknown>;
  if (api === "openai") {
    headers["authorization"] = "Bearer sk-proj-bench0000000000000000000000000000";
    body = { model: "gpt-4o-mini", messages };
    // Asked by the client, so the gateway forwards the usage chunk instead of hiding it.
    if (opts.stream) Object.assign(body, { stream: true, stream_options: { include_usage: true } });
  } else {
    headers["x-api-key"] = "sk-ant-api03-bench00000000000000000000000000";
    headers["anthropic-version"] = "2023-06-01";
    body = { model: "claude-sonnet-4-5", max_tokens: 256, messages };
    if (opts.stream) body.stream = true;
  }
  return { url: target.origin + prefix + paths[api], headers, body: JSON.stringify(body) };
}
