/**
 * Turns what the proxy observed about one exchange into a trace. Pure: no clock, no I/O, so the
 * rules (unknown usage stays null, credentials never stored) are tested as a table. Every stored
 * string a client or upstream chose (model, path, header values, ids) and every captured body
 * goes through the config generation's secrets scrubber (src/secrets/stored.ts).
 */
import { cutString } from "../bytes.ts";
import {
  perTokenField,
  providerCredentialHeaders,
  type Usage,
  type UsageReport,
} from "../providers/mod.ts";
import {
  createStoredScrubber,
  credentialRedacted,
  minSecretLength,
  type StoredScrubber,
} from "../secrets/mod.ts";
import type { AttemptRecord } from "../routing/mod.ts";
import { storedAttempts } from "./attempts.ts";
import { storedQuery } from "./stored_query.ts";
import { agentIdentityFrom, safeRequestKind, safeTurnId } from "./agent_identity.ts";
import type { CostStatus, HeaderMap, TraceErrorCode, TraceRecord, TraceTokens } from "./trace.ts";
import type { CostBreakdown } from "./cost_breakdown.ts";
import type { KeyFingerprint } from "./fingerprint.ts";
import type { Tenant } from "./tenant.ts";

export interface Lineage {
  group_id: string | null;
  thread_id: string | null;
  run_id: string | null;
  parent_checkpoint_id: string | null;
  checkpoint_seq: number | null;
}

export interface TranslationFacts {
  client: string;
  upstream: string;
  notes: readonly { code: string; field: string; why: string }[];
  /** Notes beyond the bound, counted. */
  omitted: number;
}

export interface ExchangeFacts {
  id: string;
  startedAt: number;
  endedAt: number;
  /** Monotonic durations, ms with fractions. */
  latencyMs: number;
  firstByteMs: number | null;
  provider: string;
  requestModel: string | null;
  method: string;
  path: string;
  requestHeaders: Headers;
  responseHeaders: Headers | readonly (readonly [string, string])[] | null;
  status: number;
  /**
   * Captured bodies as stored: UTF-8, already cut to the cap and scrubbed of the key. The
   * request's `altered`: the stored copy is not the bytes received (PII redaction, a key).
   */
  requestBody: { bytes: Uint8Array; truncated: boolean; altered?: boolean } | null;
  responseBody: { bytes: Uint8Array; truncated: boolean } | null;
  report: UsageReport;
  /**
   * The model to record when the provider's adapter decided it (an Azure deployment's mapped
   * model); absent or null: the answer's model, else the request's.
   */
  model?: string | null;
  /** Facts the adapter keeps about the model (`azure_deployment`), stored in `metadata`. */
  modelMetadata?: Readonly<Record<string, string>>;
  cost: {
    estimated_cost_usd: number | null;
    cost_status: CostStatus;
    cost_breakdown?: CostBreakdown | null;
  };
  key: KeyFingerprint | null;
  streaming: boolean;
  errorCode: TraceErrorCode | null;
  correlationId: string;
  lineage: Lineage;
  tenant: Tenant;
  requestBytes: number;
  responseBytes: number;
  streamChunks: number;
  /**
   * Which upstream limit ended the exchange, when a timeout did (absent: none did). `headers`,
   * `idle` and `total` for any request; a routed one may also end at its route's `connect` or
   * `first_token` limit, which unrouted requests do not have (proxy/route_attempt.ts maps the
   * route's phase names onto these).
   */
  timeoutPhase?: "connect" | "headers" | "first_token" | "idle" | "total" | null;
  /** The upstream answered 200, then reported a failure inside its event stream. */
  upstreamStreamError?: boolean;
  /**
   * A translated exchange (issue 21): the client's and the upstream's protocols, and what the
   * translation could not carry (bounded by the codecs: at most 50 notes and a count).
   */
  translation?: TranslationFacts | null;
  /**
   * The config generation's secrets scrubber (`createStoredScrubber(collectSecrets(...))`), so a
   * key added by a reload is scrubbed from its first request; absent: credential shapes only.
   */
  secrets?: StoredScrubber | undefined;
  /**
   * The provider key the request carried, as sent: replaced wherever else it appears (an
   * upstream quoting it in a header, a client pasting it as the model). Bodies get it from
   * `scrubKey` already.
   */
  providerKey?: string | null | undefined;
  /**
   * The turn this trace belongs to, and its kind, when the caller knows them better than the
   * request headers (a WebSocket relay reads them from each `response.create` frame with
   * `codexFrameTurn`); absent: from the headers. Checked like the headers' values.
   */
  agentTurnId?: string | null | undefined;
  agentRequestKind?: string | null | undefined;
  /**
   * Set by the route loop for a routed request: the route's name and one record per upstream
   * attempt, in order (traces/attempts.ts bounds and scrubs them). Absent: unrouted, one attempt.
   */
  route?: string | null | undefined;
  attempts?: readonly AttemptRecord[] | null | undefined;
  /** The request's query with its `?` (`""`: none); only `storedQuery`'s part is kept. */
  search?: string | undefined;
  /** A replay of this trace (issue 22): set only by the gateway's replay, never from a header. */
  replayOf?: string | null | undefined;
}

/**
 * Header names whose values are replaced before storage (lower case): every provider credential
 * header (providers/headers.ts says why all of them), plus the credentials that are not a
 * provider's: a proxy's, cookies, and the default gateway key header (the configured one is added
 * by the gateway).
 */
export const credentialHeaders: ReadonlySet<string> = new Set([
  ...providerCredentialHeaders,
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-ongoingai-gateway-key",
]);

/** A correlation id as `newCorrelationId` makes them. */
const gatewayMadeId = /^corr-[0-9a-f]{32}$/;

/** Credential shapes only: what a caller without a config's secrets still gets. */
const shapesOnly = createStoredScrubber([]);

/**
 * Headers as stored: credential values replaced, other values through `scrub` (a
 * `StoredScrubber`'s `text` or `exact`), repeated names (set-cookie) kept as lists.
 * `forEach`, not `for...of`: Deno's header iterator costs about ten times as much.
 */
export function storedHeaders(
  headers: Headers | readonly (readonly [string, string])[] | null,
  redact: ReadonlySet<string>,
  scrub: (value: string) => string = shapesOnly.text,
): HeaderMap {
  const out: HeaderMap = {};
  if (headers === null) return out;
  const add = (value: string, name: string) => {
    const stored = redact.has(name) ? "[REDACTED]" : scrub(value);
    const list = out[name];
    if (list === undefined) out[name] = [stored];
    else list.push(stored);
  };
  if (headers instanceof Headers) headers.forEach(add);
  else for (const [name, value] of headers) add(value, name);
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Every token count as stored: null for all of them when usage is not known. */
function storedTokens(usage: Usage | null): TraceTokens {
  return perTokenField((field) => usage?.[field] ?? null);
}

/** A captured body as stored: scrubbed of secrets (a cut body of a secret's start, too). */
function storedBody(
  body: { bytes: Uint8Array; truncated: boolean } | null,
  secrets: StoredScrubber,
): Uint8Array | null {
  return body === null ? null : secrets.body(body.bytes, body.truncated);
}

/**
 * The longest model stored. Real names are far shorter (a Bedrock ARN is about 100 characters);
 * the client's own `model` is stored when the upstream names none (an error answer), and stored
 * whole it went past `tracing.body_max_size` into the trace and every analytics view.
 */
export const maxStoredModelLength = 512;
/** Scrubbed past the cut, so that a secret starting before it is recognised whole. */
const modelScanMargin = 8192;

/** The model as stored: scrubbed, then cut to `maxStoredModelLength` with `...` appended. */
function storedModel(model: string, scrub: (value: string) => string): string {
  if (model.length <= maxStoredModelLength) return scrub(model);
  const out = scrub(model.slice(0, maxStoredModelLength + modelScanMargin));
  if (out.length <= maxStoredModelLength) return out;
  return `${cutString(out, maxStoredModelLength)}...`;
}

/** `scrub`, then the exchange's provider key replaced too (keys under 8 characters are not). */
function withKey(scrub: (value: string) => string, key: string | null | undefined) {
  if (key == null || key.length < minSecretLength) return scrub;
  return (value: string) => {
    const out = scrub(value);
    return out.includes(key) ? out.replaceAll(key, credentialRedacted) : out;
  };
}

export function buildTrace(f: ExchangeFacts, redactHeaders: ReadonlySet<string>): TraceRecord {
  const secrets = f.secrets ?? shapesOnly;
  const text = withKey(secrets.text, f.providerKey);
  const exact = withKey(secrets.exact, f.providerKey);
  // The gateway's own ids (correlation.ts) hold no credential shape: exact secrets only.
  const correlationId = gatewayMadeId.test(f.correlationId)
    ? exact(f.correlationId)
    : text(f.correlationId);
  const usage = f.report.status === "exact" ? f.report.usage : null;
  const ttftUs = f.streaming && f.firstByteMs !== null ? Math.round(f.firstByteMs * 1000) : null;
  const metadata: Record<string, unknown> = {
    streaming: f.streaming,
    stream_chunks: f.streamChunks,
    lineage_checkpoint_id: f.id,
    lineage_immutable: true,
    correlation_id: correlationId,
  };
  const l = f.lineage;
  const groupId = l.group_id === null ? null : text(l.group_id);
  if (groupId !== null) metadata.lineage_group_id = groupId;
  if (l.thread_id !== null) metadata.lineage_thread_id = text(l.thread_id);
  if (l.run_id !== null) metadata.lineage_run_id = text(l.run_id);
  if (l.parent_checkpoint_id !== null) {
    metadata.lineage_parent_checkpoint_id = text(l.parent_checkpoint_id);
  }
  if (l.checkpoint_seq !== null) metadata.lineage_checkpoint_seq = l.checkpoint_seq;
  if (f.report.parseErrors > 0) metadata.usage_parse_errors = f.report.parseErrors;
  if (f.report.unknownReason) metadata.usage_unknown_reason = f.report.unknownReason;
  if (f.report.frameErrors) metadata.usage_frame_errors = f.report.frameErrors;
  if (f.report.usageAnomaly) metadata.usage_anomaly = f.report.usageAnomaly;
  if (f.report.billing) metadata.usage_tier = text(f.report.billing.tier);
  if (f.report.facts) metadata.usage_billing = f.report.facts;
  // The error code says a timeout ended the exchange; the phase says which limit to raise.
  if (f.timeoutPhase) metadata.timeout_phase = f.timeoutPhase;
  if (f.upstreamStreamError) metadata.upstream_stream_error = true;
  if (f.translation) Object.assign(metadata, translationMetadata(f.translation, text));
  if (f.key?.last4) metadata.api_key_last4 = f.key.last4;
  if (f.tenant.gateway_key_id !== null) metadata.gateway_key_id = f.tenant.gateway_key_id;
  for (const [name, value] of Object.entries(f.modelMetadata ?? {})) metadata[name] = text(value);
  const who = attribution(f, text);
  if (who.claimedUser !== null) metadata.claimed_user = who.claimedUser;
  const requestBody = storedBody(f.requestBody, secrets);
  Object.assign(metadata, replayMetadata(f, requestBody));

  return {
    id: f.id,
    trace_group_id: groupId,
    org_id: f.tenant.org_id,
    workspace_id: f.tenant.workspace_id,
    gateway_key_id: f.tenant.gateway_key_id,
    timestamp: iso(f.startedAt),
    created_at: iso(f.endedAt),
    provider: f.provider,
    model: storedModel(f.model ?? f.report.model ?? f.requestModel ?? "unknown", text),
    request_method: f.method,
    request_path: withKey(secrets.path, f.providerKey)(f.path),
    request_headers: storedHeaders(f.requestHeaders, redactHeaders, text),
    request_body: requestBody,
    request_body_truncated: f.requestBody?.truncated ?? false,
    response_status: f.status,
    response_headers: storedHeaders(f.responseHeaders, redactHeaders, exact),
    response_body: storedBody(f.responseBody, secrets),
    response_body_truncated: f.responseBody?.truncated ?? false,
    ...storedTokens(usage),
    usage_status: usage === null && f.report.status === "exact" ? "unknown" : f.report.status,
    latency_ms: Math.round(f.latencyMs),
    time_to_first_token_ms: ttftUs === null ? null : Math.ceil(ttftUs / 1000),
    time_to_first_token_us: ttftUs,
    api_key_hash: f.key?.hash ?? null,
    api_key_last4: f.key?.last4 ?? null,
    estimated_cost_usd: f.cost.estimated_cost_usd,
    cost_status: f.cost.cost_status,
    cost_breakdown: f.cost.cost_breakdown ?? null,
    streaming: f.streaming,
    error_code: f.errorCode,
    client_aborted: f.errorCode === "client_aborted",
    correlation_id: correlationId,
    request_bytes: f.requestBytes,
    response_bytes: f.responseBytes,
    ...who.columns,
    ...storedAttempts(f.route, f.attempts, text),
    metadata,
  };
}

/**
 * What a replay needs to know of the request beyond its body (issue 22): the query parameters
 * that shape the answer, whether the stored body is not the bytes received, and, for a replay,
 * its source.
 */
function replayMetadata(
  f: ExchangeFacts,
  storedRequest: Uint8Array | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (f.search !== undefined && f.search.length > 1) {
    const q = storedQuery(f.search);
    if (q.query !== null) out.request_query = q.query;
    if (q.dropped > 0) out.request_query_dropped = q.dropped;
  }
  // Whenever a body is stored, so that a trace says it either way (replay_plan.ts reads it).
  if (f.requestBody !== null) {
    out.request_body_altered = f.requestBody.altered === true ||
      storedRequest !== f.requestBody.bytes;
  }
  if (f.replayOf != null) out.replay_of = f.replayOf;
  return out;
}

type AttributionColumns = Pick<
  TraceRecord,
  | "agent"
  | "agent_version"
  | "session_id"
  | "agent_thread_id"
  | "agent_turn_id"
  | "agent_request_kind"
  | "developer"
>;

/** Field names and reasons come from client bytes: scrubbed like every other text. */
function translationMetadata(
  t: TranslationFacts,
  text: (s: string) => string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    client_protocol: t.client,
    upstream_protocol: t.upstream,
  };
  if (t.notes.length > 0) {
    out.translation_notes = t.notes.slice(0, 50).map((n) => ({
      code: n.code,
      field: text(n.field.slice(0, 200)),
      why: text(n.why.slice(0, 300)),
    }));
  }
  if (t.omitted > 0) out.translation_notes_omitted = t.omitted;
  return out;
}

/**
 * The trace's attribution columns from the request headers. In team mode the developer is the
 * verified gateway key, and a claimed `X-OngoingAI-User` only goes to metadata (`claimedUser`),
 * so a client cannot charge its traffic to somebody else.
 */
function attribution(
  f: ExchangeFacts,
  scrub: (value: string) => string,
): { columns: AttributionColumns; claimedUser: string | null } {
  const id = agentIdentityFrom(f.requestHeaders);
  const s = (v: string | null) => (v === null ? null : scrub(v));
  const turn = f.agentTurnId === undefined ? id.turn_id : safeTurnId(f.agentTurnId);
  const kind = f.agentRequestKind === undefined
    ? id.request_kind
    : safeRequestKind(f.agentRequestKind);
  const key = f.tenant.gateway_key_id;
  return {
    columns: {
      agent: id.agent,
      agent_version: s(id.agent_version),
      session_id: s(id.session_id),
      agent_thread_id: s(id.thread_id),
      agent_turn_id: s(turn),
      agent_request_kind: s(kind),
      developer: key ?? s(id.claimed_user),
    },
    claimedUser: key === null ? null : s(id.claimed_user),
  };
}
