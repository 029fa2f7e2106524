/**
 * A routed attempt whose target speaks another protocol than the client (issue 21): the client's
 * request is decoded once into the internal representation, and each such attempt encodes it
 * for its target (path, body, the target's model), prepared by the target's own adapter as if a
 * client of that protocol had sent it, so usage, the commit point and prices are the target's.
 * The answer is translated back by translate_relay.ts. Only headers that mean the same to every
 * provider cross: a client's protocol headers (`anthropic-beta`, `openai-organization`) and
 * credentials never reach a provider of another protocol.
 */
import { GatewayError } from "../errors/mod.ts";
import {
  clientCodecOf,
  type ClientProtocol,
  clientProtocolOf,
  type ClientRequest,
  decodeClientRequest,
  encodeCountRequest,
  encodeUpstreamRequest,
  estimateInputTokens,
  type IrResponse,
  type PreparedRequest,
  type SealContext,
  sealTenant,
  type StateKey,
  storedTurnPrefix,
  TranslationError,
  TranslationNotes,
  unsealRequest,
  upstreamProtocolOf,
  type UpstreamTarget,
  type WireFormat,
  wireFormatOf,
} from "../providers/mod.ts";
import type { ProxyRoute } from "./exchange_context.ts";
import type { TenantScope, TranslationFacts } from "../traces/mod.ts";
import { remember, type ResponseMemory, withHistory } from "./response_memory.ts";
import { type GatewayMade, gatewayMade, type SealDeps } from "./translate_seal.ts";

/** What the answer's translation needs to know of its attempt. */
export interface AnswerTranslation {
  client: ClientProtocol;
  target: UpstreamTarget;
  /** Chat: the client asked for the usage chunk. */
  includeUsage: boolean;
  /** What this attempt could not carry, request and answer (bounded; the trace keeps them). */
  notes: InstanceType<typeof TranslationNotes>;
  /** The answer's id where the upstream's protocol has none. */
  id: string;
  /** Unix seconds. */
  createdAt: number;
  /** Keeps the answered turn (a Responses client: the gateway's response store); null: none. */
  remember: ((answer: IrResponse) => Promise<void>) | null;
  /** The thinking state seal of the answer (translate_seal.ts); null: none. */
  seal: SealContext | null;
  /** Headers the client's answer carries besides its own (an estimate's label). */
  answerHeaders: Record<string, string>;
  /** The answer the gateway made itself (a `count_tokens` estimate), already in the client's
   *  format; null: the upstream's, to translate. */
  local: Record<string, unknown> | null;
}

export interface TranslatedAttempt {
  prepared: PreparedRequest;
  /** Upstream relative, without its query. */
  path: string;
  /** Its query (`?alt=sse`), or "". */
  search: string;
  answer: AnswerTranslation;
}

/** A translated attempt's outcome when it cannot be made: the client's request is the cause. */
export type Untranslatable =
  | { kind: "refused"; error: GatewayError }
  /** This target's protocol cannot carry the client's operation (another target may). */
  | { kind: "no_cell"; problem: string };

/** Headers that mean the same to every provider; every other client header stays here. */
const crossingHeaders = new Set([
  "user-agent",
  "traceparent",
  "tracestate",
  "x-ongoingai-correlation-id",
]);

/** Headers a protocol needs whoever the client is. */
const protocolHeaders: Readonly<Record<string, Record<string, string>>> = {
  "anthropic.messages": { "anthropic-version": "2023-06-01" },
};

/** The request headers of a translated attempt, from those an untranslated one would send. */
export function translatedHeaders(
  headers: Record<string, string>,
  target: UpstreamTarget,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (crossingHeaders.has(name)) out[name] = value;
  }
  out["content-type"] = "application/json";
  out["accept"] = target.stream ? "text/event-stream" : "application/json";
  if (target.protocol === "bedrock.converse" && target.stream) {
    out["accept"] = "application/vnd.amazon.eventstream";
  }
  return { ...out, ...protocolHeaders[target.protocol] };
}

/** What a client request's translation needs besides its bytes. */
export interface TranslationContext {
  now: () => number;
  /** The client's tenant: the response store and the seal are scoped to it. */
  scope: TenantScope;
  /** The route's name: a sealed state is bound to it. */
  route: string;
  memory: ResponseMemory | null;
  seal: SealDeps | null;
  /** The entry adapter added a usage request to the body the client did not make. */
  usageAdded: boolean;
}

/** One client request's translation: decoded once, encoded per target. */
export class RequestTranslation {
  #decoded: ClientRequest | GatewayError | undefined;
  /** The request as the client sent it, before a stored conversation was put before it. */
  #own: ClientRequest | null = null;
  #loaded: Promise<GatewayError | null> | null = null;
  #key: StateKey | null = null;
  /** What decoding the client's request noted; every attempt's notes start with these. */
  readonly #notes = new TranslationNotes();
  /** What the client gives back of the gateway's making (translate_seal.ts `gatewayMade`). */
  readonly made: GatewayMade;

  constructor(
    readonly client: ClientProtocol,
    readonly body: Uint8Array | null,
    readonly ctx: TranslationContext,
  ) {
    this.made = gatewayMade(client, body);
  }

  /** The client protocol of a request, or null when translation cannot serve it. */
  static of(
    format: string,
    method: string,
    path: string,
    body: Uint8Array | null,
    ctx: TranslationContext,
  ): RequestTranslation | null {
    const client = clientProtocolOf(format, method, path);
    return client === null ? null : new RequestTranslation(client, body, ctx);
  }

  /**
   * Decodes the request, opens the state it gives back sealed, and puts the stored conversation
   * `previous_response_id` names before it (response_memory.ts); once per client request,
   * before its first translated attempt.
   */
  load(): Promise<GatewayError | null> {
    this.#loaded ??= this.#load();
    return this.#loaded;
  }

  async #load(): Promise<GatewayError | null> {
    const decoded = this.#decode();
    if (decoded instanceof GatewayError) return decoded;
    let own = decoded;
    if (this.ctx.seal !== null) {
      this.#key = await this.ctx.seal.seals.key(this.ctx.seal.secret);
      try {
        const ctx = this.#sealContext(this.#notes, null)!;
        own = { ...own, request: await unsealRequest(own.request, ctx) };
      } catch (err) {
        return this.#decoded = untranslatable(this.client, null, err);
      }
    }
    this.#own = own;
    this.#decoded = own;
    if (this.client !== "openai.responses") return null;
    const full = await withHistory(this.ctx.memory, this.ctx.scope, own);
    this.#decoded = full;
    return full instanceof GatewayError ? full : null;
  }

  /** The seal's context for an attempt (its notes, its target's model); null: no seal. */
  #sealContext(
    notes: InstanceType<typeof TranslationNotes>,
    model: string | null,
  ): SealContext | null {
    if (this.#key === null || this.ctx.seal === null) return null;
    return {
      key: this.#key,
      client: clientCodecOf(this.client),
      scope: { tenant: sealTenant(this.ctx.scope), route: this.ctx.route },
      notes,
      stateMap: this.ctx.seal.seals.map,
      model,
    };
  }

  /** The answered turn kept for a later `previous_response_id` (Responses clients only). */
  #rememberer(notes: InstanceType<typeof TranslationNotes>) {
    const own = this.#own;
    if (this.client !== "openai.responses" || own === null) return null;
    const { memory, scope } = this.ctx;
    return async (answer: IrResponse) => {
      try {
        await remember(memory, scope, own, own.request.messages, answer, this.ctx.now());
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        notes.add(
          "dropped",
          "store",
          `the answer was not kept for previous_response_id: ${why.slice(0, 200)}`,
        );
      }
    };
  }

  /** The request for `target` (aimed at `model`), or why it cannot be made. */
  forTarget(
    target: ProxyRoute,
    model: string,
    streaming: boolean,
  ): TranslatedAttempt | Untranslatable {
    // A target of the client's own protocol is here only to open sealed state: same protocol.
    const protocol = needsTranslation(clientFormat[this.client], target)
      ? upstreamProtocolOf(target.provider.kind, target.provider.translation_api)
      : clientCodecOf(this.client);
    if (protocol === null) {
      return {
        kind: "no_cell",
        problem: `a ${this.client} request cannot be translated for kind ${target.provider.kind}`,
      };
    }
    const decoded = this.#decode();
    if (decoded instanceof GatewayError) return { kind: "refused", error: decoded };
    const notes = new TranslationNotes();
    for (const n of this.#notes.list) notes.add(n.code, n.field, n.why);
    const upstream: UpstreamTarget = {
      kind: target.provider.kind,
      protocol,
      model,
      stream: streaming,
      streamUsage: target.provider.stream_usage,
    };
    let encoded;
    try {
      encoded = this.client === "anthropic.count_tokens"
        ? encodeCountRequest(upstream, decoded.request, notes)
        : encodeUpstreamRequest(upstream, decoded.request, notes);
    } catch (err) {
      return { kind: "refused", error: untranslatable(this.client, protocol, err) };
    }
    if (encoded === null) return this.#estimate(upstream, decoded, notes);
    const body = new TextEncoder().encode(JSON.stringify(encoded.body));
    const [path, query] = splitQuery(encoded.path);
    const prepared = target.adapter.prepareRequest({
      method: "POST",
      path,
      query,
      contentType: "application/json",
      body,
      streamUsage: target.provider.stream_usage,
    });
    return {
      prepared: { ...prepared, model },
      path,
      search: query,
      answer: {
        ...this.#answerOf(upstream, notes),
        // The entry adapter may have added `include_usage` to the body itself (`hideUsageEvent`):
        // then the client did not ask for the usage chunk.
        includeUsage: decoded.includeUsage && !this.ctx.usageAdded,
        remember: this.#rememberer(notes),
        seal: this.#sealContext(notes, model),
      },
    };
  }

  /**
   * `count_tokens` for a target with no counter: the gateway's labelled estimate, answered
   * without sending anything (count_tokens.ts says how it counts).
   */
  #estimate(
    target: UpstreamTarget,
    decoded: ClientRequest,
    notes: InstanceType<typeof TranslationNotes>,
  ): TranslatedAttempt {
    const answer = estimateInputTokens(decoded.request, notes);
    const prepared: PreparedRequest = {
      body: null,
      model: target.model,
      streaming: false,
      hideUsageEvent: false,
    };
    return {
      prepared,
      path: "/v1/messages/count_tokens",
      search: "",
      answer: {
        ...this.#answerOf(target, notes),
        answerHeaders: answer.headers,
        local: answer.body,
      },
    };
  }

  /** The answer's translation as every attempt starts it: nothing kept, sealed or added. */
  #answerOf(
    target: UpstreamTarget,
    notes: InstanceType<typeof TranslationNotes>,
  ): AnswerTranslation {
    return {
      client: this.client,
      target,
      includeUsage: false,
      notes,
      id: answerId(this.client),
      createdAt: Math.floor(this.ctx.now() / 1000),
      remember: null,
      seal: null,
      answerHeaders: {},
      local: null,
    };
  }

  #decode(): ClientRequest | GatewayError {
    if (this.#decoded !== undefined) return this.#decoded;
    try {
      const text = new TextDecoder("utf-8", { fatal: true }).decode(this.body ?? new Uint8Array());
      this.#decoded = decodeClientRequest(this.client, JSON.parse(text), this.#notes);
    } catch (err) {
      this.#decoded = untranslatable(this.client, null, err);
    }
    return this.#decoded;
  }
}

/**
 * The gateway's id for a translated answer. A Responses client gets one always (`resp_og_…`):
 * it names the turn in the gateway's store, so it must be unique whatever the upstream's ids are.
 */
function answerId(client: ClientProtocol): string {
  const random = crypto.randomUUID().replaceAll("-", "");
  return client === "openai.responses" ? `${storedTurnPrefix}${random}` : `og_${random}`;
}

function splitQuery(path: string): [string, string] {
  const at = path.indexOf("?");
  return at < 0 ? [path, ""] : [path.slice(0, at), path.slice(at)];
}

/** The client's 400: the field the translation could not carry, and why. */
function untranslatable(client: ClientProtocol, to: string | null, err: unknown): GatewayError {
  const toWhom = to === null ? "" : ` for a ${to} target`;
  if (err instanceof TranslationError) {
    return new GatewayError(
      "translation_unsupported",
      `${err.field}: ${err.reason} (translating a ${client} request${toWhom})`,
    );
  }
  if (err instanceof SyntaxError || err instanceof TypeError) {
    return new GatewayError(
      "invalid_json",
      `the request body is not valid JSON (${
        err.message.slice(0, 200)
      }); a routed ${client} request is read to be translated`,
    );
  }
  throw err;
}

/** The wire format each client protocol is an entry of. */
const clientFormat: Record<ClientProtocol, WireFormat> = {
  "openai.chat": "openai",
  "openai.responses": "openai",
  "anthropic.messages": "anthropic",
  "anthropic.count_tokens": "anthropic",
};

/** Whether an attempt on `target` needs translation for a client of wire format `format`. */
export function needsTranslation(format: string, target: ProxyRoute): boolean {
  return wireFormatOf[target.provider.kind] !== format;
}

/** What the trace keeps of an attempt's translation (traces/build.ts `TranslationFacts`). */
export function translationFacts(t: AnswerTranslation | null): TranslationFacts | null {
  if (t === null) return null;
  return {
    client: t.client,
    upstream: t.target.protocol,
    notes: t.notes.list,
    omitted: t.notes.omitted,
  };
}
