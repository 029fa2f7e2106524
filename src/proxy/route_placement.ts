/**
 * Where and what a routed attempt sends (route_loop.ts decides which target): the client's
 * request aimed at the target's model, or, for a target of another protocol, the request
 * translated for it (translate_attempt.ts). A target that cannot read it is skipped with a path
 * refusal; a request no translation can carry is the client's 400.
 */
import type { GatewayError } from "../errors/mod.ts";
import { type PreparedRequest, type WireFormat, wireFormatOf } from "../providers/mod.ts";
import type { Exchange } from "./exchange.ts";
import type { ProxyRoute } from "./exchange_context.ts";
import { ModelRewriter } from "./route_attempt.ts";
import type { Tried } from "./route_answer.ts";
import { attemptSearch } from "./route_context.ts";
import { type PathRefusal, refusedPath, untranslatablePath } from "./route_path_refusal.ts";
import {
  type AnswerTranslation,
  needsTranslation,
  RequestTranslation,
} from "./translate_attempt.ts";
import type { RoutingDeps } from "./route_context.ts";

/** What the loop keeps of its attempts besides their records, for its last word. */
export interface LoopMemory {
  /** Targets that refused the path. */
  refusals: PathRefusal[];
  /** The latest attempt the gateway's own credentials failed (its error unrouted). */
  denied: GatewayError | null;
  /** The client's wire format, and its request decoded for targets of another (issue 21). */
  format: WireFormat;
  translation: RequestTranslation | null;
  /**
   * The first translation refusal (a field a target's protocol cannot carry, a turn the response
   * store does not hold): each translated target refuses, and when every target did for that
   * reason the client gets this error (else a target of its own protocol may answer).
   */
  refusal: GatewayError | null;
  /** Targets that refused for that reason. */
  refusedByTranslation: number;
  /** The request for targets of the client's protocol when it gives back sealed values. */
  unsealed?: ModelRewriter;
}

/** The loop's memory at its start; the client's request decoded only once a target needs it. */
export function loopMemory(
  deps: RoutingDeps,
  ex: Exchange,
  prepared: PreparedRequest,
  route: string,
  now: () => number,
): LoopMemory {
  const format = entryFormat(ex);
  const { method } = ex.req;
  const translation = RequestTranslation.of(format, method, ex.upstreamPath, prepared.body, {
    usageAdded: prepared.hideUsageEvent,
    now,
    scope: ex.tenant,
    route,
    memory: deps.responses ?? null,
    seal: deps.seal ?? null,
  });
  return {
    refusals: [],
    denied: null,
    translation,
    format,
    refusal: null,
    refusedByTranslation: 0,
  };
}

/** The wire format the client speaks: its entry provider's (the root `/v1` is OpenAI's). */
export function entryFormat(ex: Exchange): WireFormat {
  return ex.route.provider.prefix === "" ? "openai" : wireFormatOf[ex.route.provider.kind];
}

/** The request as one attempt sends it, and the translation of its answer when there is one. */
export interface Placement {
  request: PreparedRequest;
  path: string;
  search: string;
  translation: AnswerTranslation | null;
  /** The attempt sends the client's headers (its own protocol); else a translation's only. */
  clientHeaders: boolean;
}

/**
 * Where and what the attempt sends: the client's request aimed at the target's model, or, for a
 * target of another protocol, the request translated for it. A target that cannot read it is
 * skipped (`path_refused`); a request no translation can carry is the client's 400.
 */
export function placement(
  ex: Exchange,
  prepared: PreparedRequest,
  rewriter: ModelRewriter,
  target: ProxyRoute,
  model: string,
  entry: string,
  memory: LoopMemory,
): Placement | Tried | { kind: "refused"; error: GatewayError } {
  if (!translates(memory, target)) {
    const source = memory.translation?.made.unsealed == null ? rewriter : unsealedRewriter(
      memory,
      prepared,
    );
    const placed = source.place(target.adapter, ex.upstreamPath, model);
    // The path (and query) as this attempt would send it: a target with no form of it is skipped
    // before the exchange points at it, so an earlier answer replayed names its own target.
    const search = attemptSearch(ex.target.search, target.provider.id === entry);
    const refused = refusedPath(target, placed.path + search, memory.refusals);
    if (refused !== null) return refused;
    const request = { ...prepared, body: placed.body, model };
    return { request, path: placed.path, search, translation: null, clientHeaders: true };
  }
  const made = memory.translation?.forTarget(target, model, prepared.streaming) ?? {
    kind: "no_cell" as const,
    problem:
      `${ex.req.method} ${ex.upstreamPath} of the ${memory.format} wire format cannot be translated`,
  };
  if ("prepared" in made) {
    return {
      request: made.prepared,
      path: made.path,
      search: made.search,
      translation: made.answer,
      // A stored turn continued on a target of the client's own protocol: the client's headers.
      clientHeaders: !needsTranslation(memory.format, target),
    };
  }
  // A field this target's protocol cannot carry: another target (of the client's own protocol,
  // or another one) may; the client's 400 comes when every target refused.
  if (made.kind === "refused") {
    return translationRefusal(made.error) ? refusedTranslation(target, made.error, memory) : made;
  }
  return untranslatablePath(target, made.problem, memory.refusals);
}

/** A translation error that is one target's refusal, not the request's for every target. */
export function translationRefusal(error: GatewayError): boolean {
  return error.code === "translation_unsupported" || error.code === "previous_response_not_found";
}

/** `target` refuses what its translation cannot carry; the first such error is kept. */
export function refusedTranslation(
  target: ProxyRoute,
  error: GatewayError,
  memory: LoopMemory,
): Tried {
  memory.refusal ??= error;
  memory.refusedByTranslation++;
  return untranslatablePath(target, error.message, memory.refusals);
}

/**
 * An attempt on `target` is translated: its protocol is not the client's (never sent the client's
 * bytes: without a translation for the request's operation, such as embeddings, it refuses the
 * path), or the request continues a turn of the gateway's response store, which a target of the
 * client's own protocol cannot read either.
 */
export function translates(memory: LoopMemory, target: ProxyRoute): boolean {
  if (needsTranslation(memory.format, target)) return true;
  return memory.translation?.made.storedTurn ?? false;
}

/** The client's request less the sealed values its own protocol's targets cannot read, once. */
function unsealedRewriter(memory: LoopMemory, prepared: PreparedRequest): ModelRewriter {
  memory.unsealed ??= new ModelRewriter({
    ...prepared,
    body: new TextEncoder().encode(JSON.stringify(memory.translation!.made.unsealed)),
  });
  return memory.unsealed;
}
