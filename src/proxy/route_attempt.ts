/**
 * One attempt of a routed request: the request as the target gets it (its provider's base URL,
 * its model in the body, the credentials it may have), sent under the attempt's own phase limits,
 * and what it came to as an `AttemptOutcome` for the policy. Timers are per attempt: the route's
 * limits replace the proxy-wide watchdog for routed exchanges.
 */
import { concatBytes } from "../bytes.ts";
import {
  type ModelPlacement,
  type PreparedRequest,
  type ProviderAdapter,
  setTopLevelMember,
  type UpstreamTarget,
} from "../providers/mod.ts";
import type { ErrorCode, GatewayError } from "../errors/mod.ts";
import type {
  AttemptOutcome,
  AttemptRecord,
  AttemptTicket,
  PhaseTimeouts,
} from "../routing/mod.ts";
import { ConnectTimeout, type UpstreamResponse } from "../upstream/mod.ts";
import type { Exchange } from "./exchange.ts";
import type { ProxyRoute } from "./exchange_context.ts";
import { headersOf, headerValue, upstreamRequestHeaders } from "./headers.ts";
import { upstreamUrl } from "./path.ts";
import { attemptCredentials } from "./route_context.ts";
import { translatedHeaders } from "./translate_attempt.ts";
import { describeUpstreamError } from "./upstream_errors.ts";
import { applyUpstreamAuth, holdsCredentials, upstreamAnswered } from "./upstream_auth.ts";
import type { TimeoutPhase } from "./watchdog.ts";

export type RoutePhase = Extract<AttemptOutcome, { kind: "timeout" }>["phase"];

/**
 * A routed timeout's name in the trace (`metadata.timeout_phase`), in the words unrouted traces
 * use for the same limit (watchdog.ts): the response headers' limit is `headers` and the idle
 * and total limits keep their names. The two limits only a route has keep theirs: `connect`
 * (unrouted, connecting counts against the headers limit) and `first_token`.
 */
export type TracedPhase = TimeoutPhase | "connect" | "first_token";

export function tracedPhase(phase: RoutePhase): TracedPhase {
  return phase === "first_byte" ? "headers" : phase;
}

/**
 * What a routed exchange's trace says of the attempt limit that fired last (`phase`), when a
 * timeout is how the request ended (`failure`): that limit as `metadata.timeout_phase`, and on
 * a committed stream cut by it afterwards (its record was written at the commit point) as the
 * committed record's `timeout_phase`. Otherwise the records as they are and no phase.
 */
export function routedTimeout(
  failure: ErrorCode | null,
  phase: RoutePhase | null,
  records: AttemptRecord[] | null,
): { timeoutPhase: TracedPhase | null; attempts: AttemptRecord[] | null } {
  const timedOut = failure === "upstream_timeout" || failure === "upstream_idle_timeout";
  if (!timedOut || phase === null) return { timeoutPhase: null, attempts: records };
  const last = records?.[records.length - 1];
  const cut = last !== undefined && last.committed && last.timeout_phase === null;
  return {
    timeoutPhase: tracedPhase(phase),
    attempts: cut ? [...records!.slice(0, -1), { ...last, timeout_phase: phase }] : records,
  };
}

/**
 * The limits before the commit point. There an idle gap is a failover limit like the first
 * token's: on an attempt no failover can follow, lifted with it (routing/plan.ts
 * `attemptTimeouts`), else a slow first token would still be cut at the idle limit. After the
 * commit point the idle limit applies again: it ends a stalled stream.
 */
export function beforeCommit(ticket: AttemptTicket): PhaseTimeouts {
  const t = ticket.timeouts;
  return ticket.last && t.totalMs !== null ? { ...t, idleMs: null } : t;
}

/** The abort reason of an attempt's own limit (the exchange's signal carries the others). */
export class AttemptTimeout extends Error {
  constructor(readonly phase: RoutePhase) {
    super(`upstream ${phase} timeout`);
    this.name = "AttemptTimeout";
  }
}

/**
 * The attempt's abort signal: aborted by the exchange (client gone, shutdown) or by one of its
 * phase limits. `arm` replaces the running phase limit; the total limit runs until `close`.
 */
export class AttemptSignal {
  readonly #ctl = new AbortController();
  readonly #parent: AbortSignal;
  readonly #onParent = () => this.#ctl.abort(this.#parent.reason);
  readonly #onTimeout: (phase: RoutePhase) => void;
  #phase: ReturnType<typeof setTimeout> | undefined;
  #total: ReturnType<typeof setTimeout> | undefined;

  /** `onTimeout`: told once when one of the attempt's own limits ends it (the trace says which). */
  constructor(
    parent: AbortSignal,
    totalMs: number | null,
    onTimeout: (phase: RoutePhase) => void = () => {},
  ) {
    this.#parent = parent;
    this.#onTimeout = onTimeout;
    if (parent.aborted) this.#ctl.abort(parent.reason);
    else parent.addEventListener("abort", this.#onParent, { once: true });
    if (totalMs !== null) this.#total = setTimeout(() => this.#expire("total"), totalMs);
  }

  get signal(): AbortSignal {
    return this.#ctl.signal;
  }

  /** Limits the current phase to `ms` (null: unlimited). */
  arm(phase: RoutePhase, ms: number | null): void {
    clearTimeout(this.#phase);
    this.#phase = ms === null ? undefined : setTimeout(() => this.#expire(phase), ms);
  }

  disarm(): void {
    clearTimeout(this.#phase);
    this.#phase = undefined;
  }

  /** The phase limit that fired, if one did. */
  get timedOut(): RoutePhase | null {
    const r: unknown = this.#ctl.signal.reason;
    return r instanceof AttemptTimeout ? r.phase : null;
  }

  close(): void {
    clearTimeout(this.#phase);
    clearTimeout(this.#total);
    this.#parent.removeEventListener("abort", this.#onParent);
  }

  /**
   * The `phase` limit ended the attempt: the timers here, or a bound enforced elsewhere (the
   * upstream client's connect limit). Nothing when the attempt was already stopped.
   */
  expire(phase: RoutePhase): void {
    if (this.#ctl.signal.aborted) return;
    this.#ctl.abort(new AttemptTimeout(phase));
    this.#onTimeout(phase);
  }

  #expire(phase: RoutePhase): void {
    this.expire(phase);
  }
}

/**
 * The request body with `model` set to the target's, spliced into the text (json_splice.ts): every
 * other byte stays as the client sent it (64-bit integers, escapes, key order, spacing), and the
 * body is not parsed again (the adapter's `prepareRequest` did, and read `model` from it). One
 * splice per target model.
 */
export class ModelRewriter {
  readonly original: Uint8Array<ArrayBuffer> | null;
  readonly #model: string | null;
  readonly #cache = new Map<string, Uint8Array<ArrayBuffer>>();
  #text: string | null = null;

  constructor(prepared: PreparedRequest) {
    this.original = prepared.body;
    this.#model = prepared.model;
  }

  /**
   * The request aimed at `model` as the target's kind places it (`path`: the client's, upstream
   * relative): the adapter's `withModel` where it has one, else the body splice on the same path.
   */
  place(adapter: ProviderAdapter, path: string, model: string): ModelPlacement {
    if (adapter.withModel === undefined) return { path, body: this.body(model) };
    return adapter.withModel({ path, body: this.original }, model);
  }

  body(model: string): Uint8Array<ArrayBuffer> | null {
    // No `model` read: not a JSON object with one (a route is never resolved for such a body).
    if (this.original === null || this.#model === null || this.#model === model) {
      return this.original;
    }
    let bytes = this.#cache.get(model);
    if (bytes === undefined) {
      this.#text ??= bodyText.decode(this.original);
      const bom = this.#text.startsWith("\uFEFF") ? "\uFEFF" : "";
      const spliced = setTopLevelMember(
        this.#text.slice(bom.length),
        "model",
        JSON.stringify(model),
      );
      if (spliced === null) return this.original;
      bytes = new TextEncoder().encode(bom + spliced);
      this.#cache.set(model, bytes);
    }
    return bytes;
  }
}

/** The body was read as strict UTF-8 by `prepareRequest` already; a BOM is kept as it came. */
const bodyText = new TextDecoder("utf-8", { ignoreBOM: true });

export interface SentAttempt {
  upstream: UpstreamResponse;
  signal: AttemptSignal;
}

export interface AttemptRequest {
  ex: Exchange;
  route: ProxyRoute;
  prepared: PreparedRequest;
  /** Upstream-relative path of this attempt (the target's model may be in it). */
  path: string;
  /** The query it sends (`attemptSearch`; a translated attempt's is in `path`). */
  search: string;
  /** The target of a translated attempt (its headers are the translation's); null: none. */
  translated: UpstreamTarget | null;
  ticket: AttemptTicket;
  poolSecret: string | null;
  entry: string;
  gatewayKeyHeader: string;
  client: { send: import("../upstream/mod.ts").UpstreamClient["send"] };
}

/**
 * The gateway could not apply its own credentials to the attempt (upstream_auth.ts), so nothing
 * was sent: the error it answers unrouted. `clientFault` tells what the route loop makes of it.
 */
export interface DeniedAttempt {
  kind: "denied";
  error: GatewayError;
}

/**
 * Whether the client's request is why it cannot be signed (a malformed percent-escape in its
 * query, `bad_request`): then every target signing the same request refuses it alike, and the
 * client gets the 400 it gets unrouted. Otherwise the gateway's credentials failed (its token
 * endpoint is down, its key unreadable): no fault of the upstream's, and another target may
 * hold other credentials.
 */
export function clientFault(denied: DeniedAttempt): boolean {
  return denied.error.code === "bad_request";
}

/** Sends the attempt; resolves with the answer's head, or the outcome of a failure before it. */
export async function sendAttempt(
  a: AttemptRequest,
): Promise<SentAttempt | AttemptOutcome | DeniedAttempt> {
  const { ex, route, ticket } = a;
  const t: PhaseTimeouts = ticket.timeouts;
  const signal = new AttemptSignal(ex.signal, t.totalMs, (phase) => ex.attemptTimedOut(phase));
  // Connecting counts against the header limit too; the connect limit is the upstream client's
  // (it alone knows when a new connection is open), and a pooled connection needs none.
  signal.arm("first_byte", t.firstByteMs);
  const sent = upstreamRequestHeaders(ex.req.headers, {
    gatewayKeyHeader: a.gatewayKeyHeader,
    correlationId: ex.correlationId,
    traceparent: ex.sendingUpstream(),
    continuesClientTrace: ex.span?.parentSpanId != null,
  });
  const headers = a.translated === null ? sent : translatedHeaders(sent, a.translated);
  attemptCredentials(headers, route, a.entry, a.poolSecret);
  // Identity bodies only: an error body is read for its facts, a stream for its commit point.
  delete headers["accept-encoding"];
  const draft = {
    method: ex.req.method,
    url: upstreamUrl(route.base, "", { path: a.path, search: a.search }),
    headers,
    body: a.prepared.body,
  };
  // Last, on this attempt's request as sent (its path and body carry the target's model).
  const denied = holdsCredentials(route.provider)
    ? await applyUpstreamAuth(route.provider, draft, { signal: signal.signal })
    : null;
  if (denied !== null) {
    signal.close();
    return { kind: "denied", error: denied };
  }
  try {
    const upstream = await a.client.send({
      ...draft,
      signal: signal.signal,
      ...(t.connectMs === null ? {} : { connectTimeoutMs: t.connectMs }),
    });
    signal.disarm();
    upstreamAnswered(route.provider, upstream.status, draft.headers);
    return { upstream, signal };
  } catch (err) {
    // Nothing was sent: a connect timeout is the attempt's, like its other limits.
    if (err instanceof ConnectTimeout) signal.expire("connect");
    signal.close();
    const phase = signal.timedOut;
    if (phase !== null) return { kind: "timeout", phase };
    const detail = describeUpstreamError(err).slice(0, 200);
    return refusedConnection(err)
      ? { kind: "connect_failed", detail }
      : { kind: "reset_before_headers", detail };
  }
}

function refusedConnection(err: unknown): boolean {
  const text = describeUpstreamError(err).toLowerCase();
  return err instanceof Deno.errors.ConnectionRefused ||
    /refused|dns|lookup|certificate|tls|resolve|connecting to/.test(text);
}

/** Bytes of an error answer read to classify it (and passed through when it is the last). */
export const maxErrorBodyBytes = 64 * 1024;

/** A non-2xx answer read whole (bounded): its facts for the policy, its bytes to replay. */
export async function readErrorAnswer(
  sent: SentAttempt,
  route: ProxyRoute,
): Promise<{ outcome: AttemptOutcome; bytes: Uint8Array }> {
  const { upstream } = sent;
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(upstream, maxErrorBodyBytes);
  } catch {
    bytes = new Uint8Array(0);
  }
  const text = new TextDecoder().decode(bytes);
  const headers = headersOf(upstream.headers);
  const error = route.adapter.errorFacts?.(upstream.status, text, headers) ?? null;
  return { outcome: { kind: "status", status: upstream.status, headers, error }, bytes };
}

/** The answer's body, read up to about `max` bytes (the rest cancelled). */
export async function readBounded(upstream: UpstreamResponse, max: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const chunk = await upstream.read();
    if (chunk === null) break;
    parts.push(chunk);
    size += chunk.byteLength;
    if (size >= max) {
      upstream.cancel();
      break;
    }
  }
  return concatBytes(parts);
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

export { headerValue };
