/**
 * An in-process gateway for tests: real config pipeline, real provider adapters and pricing, a
 * loopback upstream stub, and a writer that keeps traces in memory so tests read them directly.
 */
import {
  type GatewayConfig,
  type GatewayConfigInput,
  validateConfig,
} from "../../src/config/mod.ts";
import { createGateway, type Gateway } from "../../src/server/gateway.ts";
import { openSqliteStore, type TraceStore } from "../../src/store/mod.ts";
import type { CapturedBody, Trace, TraceRecord } from "../../src/traces/mod.ts";
import { startUpstreamStub, type UpstreamStub } from "./upstream_stub.ts";

export const testSecret = "test-secret-0123456789abcdef0123456789";

export interface Harness {
  gateway: Gateway;
  stub: UpstreamStub;
  traces: Trace[];
  store: TraceStore;
  config: GatewayConfig;
  /** Sends a request to the gateway as a client at http://gw.test would. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Resolves once `n` traces were recorded. */
  tracesSettled(n: number): Promise<Trace[]>;
  close(): Promise<void>;
}

export function configFor(stubUrl: string, extra: GatewayConfigInput = {}): GatewayConfig {
  const providers: NonNullable<GatewayConfigInput["providers"]> = { ...extra.providers };
  for (const id of ["openai", "anthropic"]) providers[id] = { upstream: stubUrl, ...providers[id] };
  const input: GatewayConfigInput = { ...extra, providers };
  const result = validateConfig(input, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

export async function startHarness(extra: GatewayConfigInput = {}): Promise<Harness> {
  const stub = await startUpstreamStub();
  const config = configFor(stub.url, extra);
  const store = await openSqliteStore({ path: ":memory:" });
  const traces: Trace[] = [];
  const waiters: (() => void)[] = [];
  const writer = {
    enqueue(t: TraceRecord) {
      // As the store will give it back: bodies decoded from UTF-8.
      traces.push({
        ...t,
        request_body: asText(t.request_body),
        response_body: asText(t.response_body),
      });
      for (const w of waiters.splice(0)) w();
      return true;
    },
    snapshot: () => ({
      accepted: traces.length,
      written: 0,
      dropped: 0,
      queue_depth: 0,
      queue_capacity: 1,
    }),
  };
  const gateway = createGateway(config, { store, writer, keyHashSecret: testSecret });
  return {
    gateway,
    stub,
    traces,
    store,
    config,
    request: (path, init) => gateway.fetch(new Request(`http://gw.test${path}`, init)),
    async tracesSettled(n) {
      while (traces.length < n) await new Promise<void>((r) => waiters.push(r));
      return traces;
    },
    async close() {
      await stub.close();
      await store.close();
    },
  };
}

const utf8 = new TextDecoder();
const asText = (body: CapturedBody | null) =>
  body === null || typeof body === "string" ? body : utf8.decode(body);
