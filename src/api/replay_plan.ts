/**
 * What a replay sends (issue 22), decided from the stored trace alone: pure, so each refusal and
 * each override is a table test. The request goes to the same gateway path (so the same provider,
 * or the same route), with the stored body byte for byte unless an override says otherwise;
 * overrides are spliced into the JSON text (providers' `setTopLevelMember`), never re-serialised,
 * so every other byte stays as stored. Credentials are never read from the trace (none is
 * stored): the caller's come with the request (replay.ts).
 */
import { GatewayError } from "../errors/mod.ts";
import {
  answerProtocolOf,
  type ModelPlacement,
  type ProviderAdapter,
  type ProviderKind,
  removeTopLevelMember,
  setTopLevelMember,
  type TranslationProtocol as Protocol,
  wireFormatOf,
} from "../providers/mod.ts";
import { storedQuery } from "../traces/mod.ts";
import type { Trace } from "../traces/mod.ts";
import type { ReplayOptions } from "./replay_options.ts";

/** A configured provider, as the planner needs it. */
export interface ReplayProvider {
  id: string;
  kind: ProviderKind;
  prefix: string;
  adapter: ProviderAdapter;
}

export interface ReplayContext {
  providers: readonly ReplayProvider[];
  /** Configured route names (`route` overrides must name one). */
  routes: ReadonlySet<string>;
}

export interface ReplayPlan {
  method: string;
  /** The gateway path with the stored query (`/gemini/v1beta/models/m:streamGenerateContent?alt=sse`). */
  url: string;
  /** Protocol headers kept from the stored request (never credentials: replay.ts adds those). */
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer> | null;
  /** What the replay changed, for the audit entry and the answer's headers (`model`, `set.temperature`). */
  changed: string[];
  /** Things the caller should know (a stored query parameter not kept, a WebSocket create sent over HTTP). */
  notes: string[];
  /** The header a provider key given to the replay goes in (the destination's own). */
  keyHeader(key: string): readonly [name: string, value: string];
  /** The protocol of the answer the caller gets, and of the source's stored answer (null: not a message). */
  answerProtocol: Protocol | null;
  sourceAnswerProtocol: Protocol | null;
}

/**
 * Stored request headers a replay sends again: the ones that select an API version or feature.
 * Not the user agent or agent/session headers: the replay is the caller's request, not the
 * agent's, and must not be attributed to the agent's session.
 */
export const replayedHeaders: readonly string[] = [
  "content-type",
  "accept",
  "anthropic-version",
  "anthropic-beta",
  "openai-beta",
  "openai-organization",
  "openai-project",
];

/** Most top-level members `set` may replace. */
export const maxSetMembers = 32;

function refuse(reason: string, message: string): never {
  throw new GatewayError("not_replayable", message, { reason });
}

/** The trace's stored body as it may be replayed, or a refusal saying why not and what to do. */
export function replayableBody(trace: Trace, allowAltered: boolean): string | null {
  const id = trace.id;
  const m = trace.metadata;
  if (trace.request_body === null) {
    if (trace.request_bytes === 0) return null;
    // The trace writer marks the drop with its cause (`"queue_memory"`), not `true`.
    const [why, todo] = m.bodies_dropped !== undefined && m.bodies_dropped !== false
      ? [
        "its body was dropped from a full trace queue",
        "Raise tracing.queue_max_body_bytes, or send fewer large requests at once",
      ]
      : m.redaction_storage_drop === true
      ? [
        `the PII policy could not redact it, so it was not stored (${
          String(m.redaction_storage_drop_reason)
        })`,
        "See pii.scan_budget in the PII policies documentation",
      ]
      : [
        "request bodies were not captured (tracing.capture_bodies: false)",
        "Turn on tracing.capture_bodies",
      ];
    refuse(
      "body_not_captured",
      `trace ${id} cannot be replayed: ${why}. ${todo} to make later requests replayable.`,
    );
  }
  if (trace.request_body_truncated) {
    refuse(
      "body_truncated",
      `trace ${id} cannot be replayed: its stored request body was cut at tracing.body_max_size ` +
        `(the request had ${trace.request_bytes} bytes). Raise tracing.body_max_size above that ` +
        `to make requests this large replayable.`,
    );
  }
  if (!allowAltered && bodyMayDiffer(trace)) {
    refuse(
      "body_altered",
      `trace ${id}'s stored request body is not the bytes the client sent (redacted under PII ` +
        `policy ${String(m.redaction_policy_id ?? "?")}, or a credential scrubbed out), so a ` +
        `replay would send a different request. Pass allow_redacted: true (CLI: ` +
        `--allow-redacted) to send the stored body anyway.`,
    );
  }
  return trace.request_body;
}

/**
 * Traces written since replay exists say it exactly (`request_body_altered`, true or false,
 * whenever a body is stored); older ones only that a PII policy replaced something somewhere
 * (`redaction_applied`), which may have been the request body. Under `redact_upstream` too: the
 * stored body is then what the provider got, not what the client sent.
 */
function bodyMayDiffer(trace: Trace): boolean {
  const m = trace.metadata;
  if (m.request_body_altered === true) return true;
  if ("request_body_altered" in m) return false;
  return m.redaction_applied === true;
}

/** The configured provider whose prefix the path starts with (longest first), or null. */
export function providerOfPath(
  providers: readonly ReplayProvider[],
  path: string,
): ReplayProvider | null {
  let best: ReplayProvider | null = null;
  for (const p of providers) {
    const under = path === p.prefix || path.startsWith(`${p.prefix}/`);
    if (under && (best === null || p.prefix.length > best.prefix.length)) best = p;
  }
  return best;
}

/** Methods a provider API is called with; a stored one outside these is not sent. */
const replayedMethods: ReadonlySet<string> = new Set(["GET", "POST", "DELETE"]);

/** A stored method and path the gateway would have proxied, else a refusal. */
function checkRequestLine(trace: Trace): void {
  const why = !replayedMethods.has(trace.request_method)
    ? `its method ${JSON.stringify(trace.request_method.slice(0, 20))} is not one a replay sends`
    : /[?#\s]/.test(trace.request_path) || !trace.request_path.startsWith("/")
    ? "its path is not a provider path"
    : trace.request_method === "GET" && trace.request_body !== null && trace.request_body !== ""
    ? "a GET with a body"
    : null;
  if (why !== null) refuse("request_invalid", `trace ${trace.id} cannot be sent again: ${why}`);
}

export function planReplay(trace: Trace, options: ReplayOptions, ctx: ReplayContext): ReplayPlan {
  const model = modelOverride(options, ctx);
  if (trace.metadata.transport !== "websocket") checkRequestLine(trace);
  const notes: string[] = [];
  let text = replayableBody(trace, options.allow_redacted === true);
  let method = trace.request_method;
  if (trace.metadata.transport === "websocket") {
    text = websocketCreateAsHttp(trace, text);
    method = "POST";
    notes.push("websocket_create_sent_over_http");
  }
  const changed: string[] = [];
  const target = destination(trace, options, ctx);
  if (options.provider !== undefined) changed.push("provider");
  let placed: ModelPlacement = {
    path: target.relative,
    body: text === null ? null : encoder.encode(text),
  };
  if (model !== null) {
    placed = placeModel(trace.id, target.adapter, placed, model);
    changed.push(options.route !== undefined ? "route" : "model");
  }
  if (options.set !== undefined) {
    placed = { ...placed, body: setMembers(trace.id, placed.body, options.set) };
    changed.push(...Object.keys(options.set).map((k) => `set.${k}`));
  }
  // Read through the same allowlist it was stored with: a row edited in the database cannot
  // add a parameter (a key) the gateway would never have kept.
  const stored = typeof trace.metadata.request_query === "string"
    ? storedQuery(`?${trace.metadata.request_query}`).query
    : null;
  const query = stored === null ? "" : `?${stored}`;
  if (typeof trace.metadata.request_query_dropped === "number") {
    notes.push("query_parameters_not_stored");
  }
  const sourceKind = ctx.providers.find((p) => p.id === trace.provider)?.kind ?? null;
  return {
    method,
    url: `${target.prefix}${placed.path}${query}`,
    headers: storedHeaders(trace, placed.body !== null, options.provider === undefined),
    body: placed.body,
    changed,
    notes,
    keyHeader: (key) => target.adapter?.keyHeader(key) ?? ["authorization", `Bearer ${key}`],
    answerProtocol: answerProtocolOf(target.kind, placed.path),
    sourceAnswerProtocol: sourceKind === null
      ? null
      : answerProtocolOf(sourceKind, trace.request_path, trace.metadata),
  };
}

interface Destination {
  /** The provider's prefix ("" for the root `/v1` entry of routes). */
  prefix: string;
  /** The path below the prefix, as stored. */
  relative: string;
  adapter: ProviderAdapter | null;
  /** The destination's kind; the root entry of routes speaks OpenAI's format. */
  kind: ProviderKind;
}

/**
 * Whether a path of one kind means the same at the other: the same kind, or OpenAI and the
 * OpenAI-compatible servers (`/v1/...`). Azure OpenAI shares OpenAI's bodies, not its paths
 * (`/openai/deployments/{d}/...?api-version=`).
 */
function samePaths(a: ProviderKind, b: ProviderKind): boolean {
  const openaiPaths = (k: ProviderKind) => k === "openai" || k === "openai-compatible";
  return a === b || (openaiPaths(a) && openaiPaths(b));
}

/** The stored path's provider, or the one `provider` names, which must speak the same format. */
function destination(trace: Trace, options: ReplayOptions, ctx: ReplayContext): Destination {
  const source = providerOfPath(ctx.providers, trace.request_path);
  const root = source === null && /^\/v1(\/|$)/.test(trace.request_path) && ctx.routes.size > 0;
  if (source === null && !root) {
    refuse(
      "provider_gone",
      `trace ${trace.id} went to ${trace.request_path}, which no configured provider serves ` +
        `now; pass provider to send it to one.`,
    );
  }
  const relative = source === null
    ? trace.request_path
    : trace.request_path.slice(source.prefix.length);
  if (options.provider === undefined) {
    return {
      prefix: source?.prefix ?? "",
      relative,
      adapter: source?.adapter ?? null,
      kind: source?.kind ?? "openai",
    };
  }
  const to = ctx.providers.find((p) => p.id === options.provider);
  if (to === undefined) {
    refuse("provider_unknown", `provider ${options.provider} is not configured on this gateway`);
  }
  const from = source?.kind ?? "openai";
  if (!samePaths(to.kind, from)) {
    refuse(
      "provider_protocol",
      `provider ${to.id} (${to.kind}) does not take the paths of trace ${trace.id}'s provider ` +
        `(${from}, the ${wireFormatOf[from]} wire format); name a route instead (route), whose ` +
        `targets may be of any kind`,
    );
  }
  return { prefix: to.prefix, relative, adapter: to.adapter, kind: to.kind };
}

const encoder = new TextEncoder();

function modelOverride(options: ReplayOptions, ctx: ReplayContext): string | null {
  if (options.route !== undefined && options.model !== undefined) {
    throw new GatewayError("bad_request", "give model or route, not both");
  }
  if (options.route !== undefined && !ctx.routes.has(options.route)) {
    throw new GatewayError(
      "bad_request",
      `route ${options.route} is not configured; GET /api/routes lists the routes`,
    );
  }
  return options.route ?? options.model ?? null;
}

function placeModel(
  id: string,
  adapter: ProviderAdapter | null,
  request: ModelPlacement,
  model: string,
): ModelPlacement {
  if (adapter?.withModel === undefined) {
    return { path: request.path, body: setMembers(id, request.body, { model }) };
  }
  const placed = adapter.withModel(request, model);
  // The adapter leaves a request it cannot aim at `model` as it was (a path without a model, a
  // name its provider refuses): sending it would be a replay that claims to be a fork.
  if (placed.path === request.path && placed.body === request.body) {
    refuse(
      "model_not_placed",
      `trace ${id}'s request has no model this provider lets the gateway change to ${
        JSON.stringify(model.slice(0, 200))
      } (its path ${request.path.slice(0, 200)} names none, or the name is not one it accepts)`,
    );
  }
  return placed;
}

function setMembers(
  id: string,
  body: Uint8Array<ArrayBuffer> | null,
  members: Readonly<Record<string, unknown>>,
): Uint8Array<ArrayBuffer> {
  let text = body === null ? null : new TextDecoder().decode(body);
  if (text === null || !isJsonObject(text)) {
    refuse(
      "body_not_json",
      `trace ${id}'s request body is not a JSON object, so its members cannot be changed`,
    );
  }
  for (const [key, value] of Object.entries(members)) {
    const next = setTopLevelMember(text, key, JSON.stringify(value));
    if (next === null) {
      refuse("body_not_json", `could not set ${key} in trace ${id}'s request body`);
    }
    text = next;
  }
  return encoder.encode(text);
}

function isJsonObject(text: string): boolean {
  try {
    const v = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/**
 * A `response.create` frame of the Responses API's WebSocket mode is the HTTP request's body
 * plus `type`; over HTTP it streams only when asked.
 */
function websocketCreateAsHttp(trace: Trace, text: string | null): string {
  let frame: unknown = null;
  try {
    frame = text === null ? null : JSON.parse(text);
  } catch { /* refused below */ }
  if (typeof frame !== "object" || frame === null || Array.isArray(frame)) {
    refuse("body_not_json", `trace ${trace.id}'s WebSocket frame is not a JSON object`);
  }
  if ((frame as Record<string, unknown>).generate === false) {
    refuse(
      "websocket_prewarm",
      `trace ${trace.id} was a WebSocket prewarm (generate: false), which asked for no answer`,
    );
  }
  // Spliced, not re-serialised: 64-bit integers and escapes stay as the client wrote them.
  let out = text!;
  for (const member of ["type", "generate"]) out = removeTopLevelMember(out, member) ?? out;
  return setTopLevelMember(out, "stream", "true") ?? out;
}

/** Name the paying account at one vendor: not sent to another provider. */
const accountHeaders: readonly string[] = ["openai-organization", "openai-project"];

function storedHeaders(trace: Trace, hasBody: boolean, sameProvider: boolean): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, values] of Object.entries(trace.request_headers)) {
    const lower = name.toLowerCase();
    if (!replayedHeaders.includes(lower)) continue;
    if (!sameProvider && accountHeaders.includes(lower)) continue;
    const value = values.join(", ");
    // A value a policy replaced is not the one sent: leave the header out.
    if (/REDACTED/.test(value)) continue;
    out.push([lower, value]);
  }
  if (hasBody && !out.some(([n]) => n === "content-type")) {
    out.push(["content-type", "application/json"]);
  }
  return out;
}
