/**
 * What an exchange is given: the route the gateway matched, the client's request, and the parts
 * of the config (clock, fingerprints, body capture, PII, spans) that decide what its trace holds.
 */
import type { ProviderAdapter, UsageReport } from "../providers/mod.ts";
import type { PiiPolicies } from "../pii/mod.ts";
import type { ResolvedProvider } from "../config/mod.ts";
import type { CostStatus, Fingerprinter, Tenant, TraceRecord } from "../traces/mod.ts";
import type { SpanRecorder } from "../telemetry/mod.ts";
import type { StoredScrubber } from "../secrets/mod.ts";
import type { RequestTarget, UpstreamBase } from "./path.ts";
import type { DecodeLimits } from "./side_decoder.ts";

export interface ProxyRoute {
  provider: ResolvedProvider;
  adapter: ProviderAdapter;
  base: UpstreamBase;
  /**
   * `at`: when the request started (ms since the epoch); prices change, the past keeps its.
   * `path`: the upstream-relative path the priced request was sent to, when known (an adapter's
   * `priceKeyOf` may read the endpoint scope there: Vertex's location).
   */
  cost(model: string | null, report: UsageReport, at: number, path?: string): {
    estimated_cost_usd: number | null;
    cost_status: CostStatus;
  };
}

export interface ExchangeContext {
  now(): number;
  monotonic(): number;
  fingerprint: Fingerprinter;
  redactHeaders: ReadonlySet<string>;
  captureBodies: boolean;
  bodyMaxSize: number;
  /** Bounds of the decoded copy of a compressed answer (default: `defaultDecodeLimits`). */
  decodeLimits?: DecodeLimits;
  /** PII policies; absent in tests that do not care (everything is then "off"). */
  pii?: PiiPolicies;
  record(trace: TraceRecord): void;
  /** OpenTelemetry spans; absent or null when span export is off. */
  spans?: SpanRecorder | null;
  /** The config's secrets, scrubbed from every stored field; absent: credential shapes only. */
  storedSecrets?: StoredScrubber;
}

/** The client's request as the gateway routed it. */
export interface ExchangeInput {
  req: Request;
  route: ProxyRoute;
  target: RequestTarget;
  correlationId: string;
  tenant: Tenant;
}

/** What limits reserved for a request; settled with its trace. */
export interface Admitted {
  /** Called once with the finished trace: real usage replaces the reservation. */
  settle(trace: TraceRecord): void;
}
