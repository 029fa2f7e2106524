/**
 * The route loop: a request whose `model` names a route is sent as attempts, each to the target
 * and key `RouteRun.next()` gives, until one answers or the policy gives up. A failed attempt's
 * answer never reaches the client unless it is the last word (a 400 passed through, the last
 * target's error); a stream is held until its commit point, so failing over before it is
 * invisible. One trace per client request: the answering target's provider, model and cost, with
 * one `AttemptRecord` per attempt.
 */
import { GatewayError } from "../errors/mod.ts";
import type { PreparedRequest } from "../providers/mod.ts";
import type {
  AttemptOutcome,
  AttemptRecord,
  AttemptTicket,
  Decision,
  RoutedRoute,
  RouteRun,
} from "../routing/mod.ts";
import type { UpstreamClient, UpstreamResponse } from "../upstream/mod.ts";
import type { TraceRecord } from "../traces/mod.ts";
import type { Attempt } from "./attempt.ts";
import type { Exchange } from "./exchange.ts";
import type { ProxyRoute } from "./exchange_context.ts";
import { chooseTargets, type RoutingDeps, sessionKey } from "./route_context.ts";
import {
  beforeCommit,
  clientFault,
  headerValue,
  isSuccess,
  ModelRewriter,
  readErrorAnswer,
  sendAttempt,
  type SentAttempt,
} from "./route_attempt.ts";
import { headersOf } from "./headers.ts";
import { commitScanner, committedStream, holdUntilCommit } from "./route_stream.ts";
import { replayOf, type Tried, wholeAnswer } from "./route_answer.ts";
import { noTargetReadsPath, refusedEverywhere } from "./route_path_refusal.ts";
import { ClientGone } from "./abort_reasons.ts";
import { shuttingDown } from "./upstream_errors.ts";
import { localAnswer } from "./translate_relay.ts";
import { attemptRecord, countAttempt } from "./route_records.ts";
import {
  entryFormat,
  type LoopMemory,
  loopMemory,
  placement,
  refusedTranslation,
  translates,
  translationRefusal,
} from "./route_placement.ts";

export interface LoopOptions {
  deps: RoutingDeps;
  client: UpstreamClient;
  gatewayKeyHeader: string;
  now(): number;
}

/** Bound on attempts per request, whatever the policy says (it bounds them too). */
const maxAttempts = 32;

/** An answer the gateway made itself for the attempt (a `count_tokens` estimate). */
interface Local {
  kind: "local";
  upstream: UpstreamResponse;
}

/** Runs the loop; resolves with the answer to relay, or the client's response when it ended. */
export async function routeLoop(
  o: LoopOptions,
  ex: Exchange,
  prepared: PreparedRequest,
  resolved: RoutedRoute,
): Promise<UpstreamResponse | Response> {
  // At the root `/v1`, the client's own key is taken as meant for the route's first provider.
  const entry = ex.route.provider.prefix === ""
    ? resolved.targets[0]?.provider ?? ""
    : ex.route.provider.id;
  const format = entryFormat(ex);
  const choice = chooseTargets(o.deps, resolved, entry, ex.req.headers, ex.target.search, format);
  const records: AttemptRecord[] = [];
  ex.routedAs(resolved.name, records, (trace) => tokensUsed(o, records, trace));
  if (choice.route.targets.length === 0) return ex.refuse(noTarget(resolved, choice.skipped));
  // The route's own limits apply; a client that leaves is noticed from the start.
  ex.slowHeaders();
  const rewriter = new ModelRewriter(prepared);
  const run = o.deps.router.start(choice.route, {
    now: o.now(),
    random: o.deps.random ?? Math.random,
    session: sessionKey(ex.req.headers, prepared.promptCacheKey, ex.tenant),
    usePools: choice.usePools,
    pooled: choice.pooled,
  });
  let last: Tried | null = null;
  const memory = loopMemory(o.deps, ex, prepared, resolved.name, o.now);
  let waited = 0;
  let why = "no_target_left";
  for (let i = 0; i < maxAttempts; i++) {
    const next = await run.next(o.now());
    if (next.kind === "give_up") {
      why = next.reason;
      break;
    }
    if (next.kind === "wait") {
      if (!(await pause(ex, next.waitMs))) return ended(ex);
      waited += next.waitMs;
      continue;
    }
    const before = ex.attempt;
    const tried = await attemptOnce(o, ex, prepared, rewriter, next, choice.route, entry, memory);
    if (ex.signal.aborted || tried.kind === "refused") {
      if (tried.kind === "answer") tried.upstream.cancel();
      // Told as a spent budget: no verdict on the target, and a half-open probe it held is
      // released at once instead of waiting for its lease.
      run.report({ kind: "timeout", phase: "total" }, o.now());
      // The client's request cannot be sent to any target as it is: its 400, as unrouted.
      return tried.kind === "refused" && !ex.signal.aborted ? ex.refuse(tried.error) : ended(ex);
    }
    if (tried.kind === "local") {
      const told = run.report({ kind: "timeout", phase: "total" }, o.now());
      const answered: Tried = { kind: "answer", upstream: tried.upstream };
      records.push(attemptRecord(ex, ex.attempt, next, answered, told, waited));
      return tried.upstream;
    }
    // A target refused before anything was prepared for it has no attempt of its own.
    const fresh = ex.attempt === before ? null : ex.attempt;
    const decision = report(run, tried, o.now(), fresh);
    records.push(attemptRecord(ex, fresh, next, tried, decision, waited));
    countAttempt(o.deps.metrics, resolved.name, records, tried);
    waited = 0;
    if (tried.kind === "answer") return tried.upstream;
    // A target that refused the path tells nothing of the upstreams: the last word is another's.
    if (tried.outcome.kind !== "path_refused") last = tried;
    if (decision.kind === "answer" || decision.kind === "give_up") break;
    if (decision.kind === "retry" && decision.waitMs > 0) {
      if (!(await pause(ex, decision.waitMs))) return ended(ex);
      waited = decision.waitMs;
    }
  }
  // Every target refused the path (not merely the ones tried before the others became
  // unavailable): the client's request is the problem.
  if (last === null && refusedEverywhere(choice.route, memory.refusals)) {
    return refusedByAll(ex, resolved, memory);
  }
  return lastWord(ex, resolved, last, records, why, memory.denied);
}

/**
 * Every target refused the request: the translation's own error (a field no target's protocol
 * carries, the response store's 404) when that alone was why, else which targets refused and why.
 */
function refusedByAll(ex: Exchange, route: RoutedRoute, memory: LoopMemory): Response {
  // Translation alone refused it (each target for the same reason): the client's own error.
  const first = memory.refusal;
  if (first !== null && memory.refusedByTranslation === memory.refusals.length) {
    return ex.refuse(first);
  }
  return ex.refuse(noTargetReadsPath(route, ex.req.method, ex.path, memory.refusals));
}

function report(run: RouteRun, tried: Tried, now: number, a: Attempt | null): Decision {
  if (tried.kind === "answer") {
    // Time to first byte of this attempt alone (least_latency learns from it).
    const latencyMs = a?.headersAt == null ? undefined : a.headersAt - a.startedAt;
    return run.report({ kind: "success" }, now, latencyMs === undefined ? {} : { latencyMs });
  }
  return run.report(tried.outcome, now);
}

/**
 * One attempt, from the request the target gets to an answer or a failure; `refused`: the
 * client's request is why it cannot be sent (the loop ends with that error).
 */
async function attemptOnce(
  o: LoopOptions,
  ex: Exchange,
  prepared: PreparedRequest,
  rewriter: ModelRewriter,
  ticket: AttemptTicket,
  route: RoutedRoute,
  entry: string,
  memory: LoopMemory,
): Promise<Tried | { kind: "refused"; error: GatewayError } | Local> {
  const target = o.deps.routes.get(ticket.target.provider)!;
  const model = ticket.target.model;
  if (translates(memory, target) && memory.translation !== null) {
    const failed = await memory.translation.load();
    // What translation cannot carry is this target's refusal: one of the client's own protocol
    // may take the request as it is.
    if (failed !== null && translationRefusal(failed)) {
      return refusedTranslation(target, failed, memory);
    }
    if (failed !== null) return { kind: "refused", error: failed };
  }
  const placed = placement(ex, prepared, rewriter, target, model, entry, memory);
  if (!("request" in placed)) return placed;
  const { request, path } = placed;
  ex.reroute(target, model);
  const attempt = ex.attempting(request, path);
  attempt.translation = placed.translation;
  // A `count_tokens` estimate: answered here, nothing sent (the loop gives no verdict on it).
  if (placed.translation?.local != null) {
    return { kind: "local", upstream: localAnswer(placed.translation) };
  }
  const poolSecret = ticket.keyId === null
    ? null
    : o.deps.secrets.get(ticket.target.provider)?.get(ticket.keyId) ?? null;
  const sent = await sendAttempt({
    ex,
    route: target,
    prepared: request,
    path,
    search: placed.search,
    translated: placed.clientHeaders ? null : placed.translation?.target ?? null,
    ticket,
    poolSecret,
    entry,
    gatewayKeyHeader: o.gatewayKeyHeader,
    client: o.client,
  });
  if (!("upstream" in sent)) {
    if (sent.kind !== "denied") return { kind: "failed", outcome: sent, replay: null };
    if (clientFault(sent)) return { kind: "refused", error: sent.error };
    memory.denied = sent.error;
    const detail = sent.error.message.slice(0, 200);
    return { kind: "failed", outcome: { kind: "credentials_failed", detail }, replay: null };
  }
  attempt.headersArrived();
  const { upstream } = sent;
  if (!isSuccess(upstream.status)) {
    sent.signal.arm("idle", ticket.timeouts.idleMs);
    const { outcome, bytes } = await readErrorAnswer(sent, target);
    sent.signal.close();
    return { kind: "failed", outcome, replay: () => replayOf(upstream, bytes) };
  }
  return await heldAnswer(ex, target, route, sent, request, ticket);
}

/** A 2xx answer: a stream is held until its commit point; anything else answers as it is. */
async function heldAnswer(
  ex: Exchange,
  target: ProxyRoute,
  route: RoutedRoute,
  sent: SentAttempt,
  request: PreparedRequest,
  ticket: AttemptTicket,
): Promise<Tried> {
  const held = commitScanner(ex, target, route, sent.upstream, request.model, request.streaming);
  if (held === null) {
    return await wholeAnswer(sent, ticket.timeouts.idleMs, streams(ex, target, sent, request));
  }
  const failed = await holdUntilCommit(held, sent, beforeCommit(ticket));
  if (failed === null) {
    return { kind: "answer", upstream: committedStream(ex, held, sent, ticket.timeouts.idleMs) };
  }
  sent.signal.close();
  sent.upstream.cancel();
  // Only the provider's own error event may be the last word: the SDKs raise on it. A cut, a
  // stall, a missing end or a slow first token replayed as held would reach the client as a
  // clean, truncated (or empty) success; the loop answers those with a gateway error instead.
  const bytes = providerError(failed) ? held.scanner.passThrough() : null;
  return {
    kind: "failed",
    outcome: failed,
    replay: bytes === null ? null : () => replayOf(sent.upstream, bytes),
  };
}

function providerError(failed: AttemptOutcome): boolean {
  return failed.kind === "failed_before_commit" && failed.reason === "in_band_error";
}

/** The adapter reads the answer's head as a stream (of any framing): never read whole first. */
function streams(
  ex: Exchange,
  target: ProxyRoute,
  sent: SentAttempt,
  request: PreparedRequest,
): boolean {
  const { upstream } = sent;
  return target.adapter.streamKind({
    method: ex.req.method,
    path: ex.attempt?.path ?? ex.upstreamPath,
    status: upstream.status,
    contentType: headerValue(upstream.headers, "content-type"),
    requestedStreaming: request.streaming,
    requestModel: request.model,
    headers: headersOf(upstream.headers),
  }) !== null;
}

/**
 * No answer came: the last failure's answer as it was, or an error naming the route (the
 * gateway's credentials error when they are what failed last: `denied`).
 */
function lastWord(
  ex: Exchange,
  route: RoutedRoute,
  last: Tried | null,
  records: AttemptRecord[],
  why: string,
  denied: GatewayError | null,
): UpstreamResponse | Response {
  if (last?.kind === "failed" && last.replay !== null) return last.replay();
  const tried = records.map((r) => `${r.provider}/${r.model}: ${r.reason ?? r.outcome}`);
  // No attempt at all: every target's breaker is open, or no pool key is usable.
  const summary = (tried.length === 0 ? [why] : tried).join("; ").slice(0, 400);
  const message = `route ${route.name}: no target answered after ${records.length} ` +
    `attempt(s)` + (summary === "" ? "" : ` (${summary})`);
  // The gateway's own credentials failed last: what to fix is theirs, and the code says so.
  const credentials = last?.kind === "failed" && last.outcome.kind === "credentials_failed";
  if (credentials && denied !== null) {
    return ex.refuse(new GatewayError(denied.code, `${message}: ${denied.message}`));
  }
  return ex.refuse(new GatewayError(giveUpCode(last), message));
}

/** The gateway's error when no answer is passed through: what the last attempt came to. */
function giveUpCode(
  last: Tried | null,
): "upstream_timeout" | "upstream_truncated" | "upstream_unreachable" {
  if (last?.kind !== "failed") return "upstream_unreachable";
  if (last.outcome.kind === "timeout") return "upstream_timeout";
  return last.outcome.kind === "failed_before_commit"
    ? "upstream_truncated"
    : "upstream_unreachable";
}

function noTarget(route: RoutedRoute, skipped: string[]): GatewayError {
  return new GatewayError(
    "route_no_target",
    `route ${route.name} has no target this request may use: ${skipped.join("; ").slice(0, 600)}`,
  );
}

/** The answering attempt's tokens count against its pool key's tpm. */
function tokensUsed(o: LoopOptions, records: readonly AttemptRecord[], trace: TraceRecord): void {
  const answered = records.find((r) => r.committed);
  const tokens = trace.total_tokens;
  if (answered?.key_id == null || tokens === null || tokens <= 0) return;
  o.deps.router.recordTokens(answered.provider, answered.key_id, tokens, o.now());
}

/** Waits `ms`; false when the exchange was aborted meanwhile. */
function pause(ex: Exchange, ms: number): Promise<boolean> {
  const signal = ex.signal;
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve(!signal.aborted);
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener("abort", done, { once: true });
  });
}

/** The exchange was aborted between or during attempts: the client left, or shutdown. */
function ended(ex: Exchange): Response {
  if (ex.finished) return new Response(null, { status: 499 });
  if (ex.signal.reason instanceof ClientGone) return ex.clientLeft();
  return ex.refuse(shuttingDown());
}
