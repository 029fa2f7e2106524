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
import type { ModelRewriter } from "./route_attempt.ts";
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
}

/** The loop's memory at its start; the client's request decoded only once a target needs it. */
export function loopMemory(
  deps: RoutingDeps,
  ex: Exchange,
  body: Uint8Array | null,
  route: string,
  now: () => number,
): LoopMemory {
  const format = entryFormat(ex);
  const translation = RequestTranslation.of(format, ex.req.method, ex.upstreamPath, body, {
    now,
    scope: ex.tenant,
    route,
    memory: deps.responses ?? null,
    seal: deps.seal ?? null,
  });
  return { refusals: [], denied: null, translation, format };
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
    const placed = rewriter.place(target.adapter, ex.upstreamPath, model);
    // The path (and query) as this attempt would send it: a target with no form of it is skipped
    // before the exchange points at it, so an earlier answer replayed names its own target.
    const search = attemptSearch(ex.target.search, target.provider.id === entry);
    const refused = refusedPath(target, placed.path + search, memory.refusals);
    if (refused !== null) return refused;
    const request = { ...prepared, body: placed.body, model };
    return { request, path: placed.path, search, translation: null };
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
    };
  }
  if (made.kind === "refused") return made;
  return untranslatablePath(target, made.problem, memory.refusals);
}

/**
 * An attempt on `target` is translated: its protocol is not the client's, or the client gave back
 * sealed state that only a decode can open.
 */
export function translates(memory: LoopMemory, target: ProxyRoute): boolean {
  const t = memory.translation;
  return t !== null && (needsTranslation(memory.format, target) || t.carriesSeals);
}
