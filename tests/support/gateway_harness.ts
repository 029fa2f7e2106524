/**
 * An in-process gateway for tests: real config pipeline, real provider adapters and pricing, a
 * loopback upstream stub, and a writer that keeps traces in memory so tests read them directly.
 */
import {
  type GatewayConfig,
  type GatewayConfigInput,
  validateConfig,
} from "../../src/config/mod.ts";
import { createGateway, type Gateway, type GatewayDeps } from "../../src/server/gateway.ts";
import { type KeyStore, openSqliteStore, type TraceStore } from "../../src/store/mod.ts";
import type { CapturedBody, Trace, TraceRecord } from "../../src/traces/mod.ts";
import { startUpstreamStub, type UpstreamStub } from "./upstream_stub.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";

export const testSecret = "test-secret-0123456789abcdef0123456789";

export interface Harness {
  gateway: Gateway;
  stub: UpstreamStub;
  traces: Trace[];
  store: TraceStore & KeyStore;
  config: GatewayConfig;
  /** Sends a request to the gateway as a client at http://gw.test would. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Resolves once `n` traces were recorded. */
  tracesSettled(n: number): Promise<Trace[]>;
  close(): Promise<void>;
}

/** The in-memory writer never queues: everything accepted is written at once. */
const idleSnapshot = writerSnapshot({
  queue_capacity: 1,
  queue_depth: 0,
  queue_in_flight: 0,
  queue_depth_high_watermark: 0,
  queue_high_watermark_utilization_pct: 0,
  queue_high_watermark_pressure_state: "ok",
  rejected: 0,
  dropped_after_accept: 0,
  dropped: 0,
  dropped_by_reason: { queue_full: 0, shutdown: 0, write_failed: 0, shutdown_timeout: 0 },
  last_drop_at: null,
  last_drop_reason: null,
  batches_written: 0,
  bodies_dropped: 0,
  write_failures_total: 0,
  write_failures_by_class: {
    contention: 0,
    connection: 0,
    timeout: 0,
    storage: 0,
    constraint: 0,
    invalid_data: 0,
    unknown: 0,
  },
});

export function configFor(stubUrl: string, extra: GatewayConfigInput = {}): GatewayConfig {
  const providers: NonNullable<GatewayConfigInput["providers"]> = { ...extra.providers };
  for (const id of ["openai", "anthropic"]) providers[id] = { upstream: stubUrl, ...providers[id] };
  const input: GatewayConfigInput = { ...extra, providers };
  const result = validateConfig(input, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

export async function startHarness(
  extra: GatewayConfigInput = {},
  deps: Pick<GatewayDeps, "routing"> = {},
): Promise<Harness> {
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
    snapshot: () => ({ ...idleSnapshot, accepted: traces.length, written: traces.length }),
  };
  const gateway = createGateway(config, { store, writer, keyHashSecret: testSecret, ...deps });
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
      gateway.close();
      await gateway.shutdownTelemetry();
      await stub.close();
      await store.close();
    },
  };
}

const utf8 = new TextDecoder();
const asText = (body: CapturedBody | null) =>
  body === null || typeof body === "string" ? body : utf8.decode(body);
