/**
 * The Responses store of a translated route (issue 21, plan section 7): a stateful OpenAI
 * Responses client sends `previous_response_id`, which a stateless upstream (Anthropic, Gemini,
 * Bedrock, Chat) cannot read. The gateway keeps each answered turn (its new input and the
 * answer, in the internal representation) in the trace store, tenant-scoped, for the retention
 * the config says; a later turn naming it gets the whole conversation sent upstream. Another
 * tenant's id, an expired one, or a turn stored with `store: false` is not found.
 */
import { GatewayError } from "../errors/mod.ts";
import type { ClientRequest, IrRequest, IrResponse } from "../providers/mod.ts";
import type { TenantScope } from "../traces/mod.ts";

/** The store's side (store/response_states.ts), as the proxy uses it. */
export interface ResponseStates {
  putResponseState(input: {
    scope: TenantScope;
    id: string;
    previousId: string | null;
    model: string;
    createdAt: string;
    expiresAt: string;
    state: Record<string, unknown>;
  }): Promise<void>;
  responseChain(
    scope: TenantScope,
    id: string,
    limits: { maxHops: number; maxBytes: number },
  ): Promise<{ id: string; state: Record<string, unknown> }[] | null>;
}

export interface ResponseMemory {
  store: ResponseStates;
  /** How long a turn is kept (`translation.response_store.retention`). */
  retentionMs: number;
}

/** OpenAI keeps a stored response 30 days; so does the gateway unless told otherwise. */
export const defaultResponseRetentionMs = 30 * 24 * 3600_000;

/** Bounds on a conversation loaded from the store (plan section 7). */
const chainLimits = { maxHops: 100, maxBytes: 32 * 1024 * 1024 };

/** One stored turn: what the client added and what the model answered. */
interface Turn {
  v: 1;
  input: IrRequest["messages"];
  output: IrResponse["content"];
}

/**
 * The request with the conversation `previous_response_id` names put before its own input.
 * Instructions are the request's own: OpenAI does not carry a previous turn's over either.
 */
export async function withHistory(
  memory: ResponseMemory | null,
  scope: TenantScope,
  decoded: ClientRequest,
): Promise<ClientRequest | GatewayError> {
  const previous = decoded.request.previousResponseId;
  if (previous === null) return decoded;
  if (memory === null) return notFound(previous);
  let chain;
  try {
    chain = await memory.store.responseChain(scope, previous, chainLimits);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return new GatewayError(
      "translation_unsupported",
      `previous_response_id: the stored conversation of ${
        previous.slice(0, 100)
      } cannot be loaded (${why.slice(0, 200)}); start a new conversation`,
    );
  }
  if (chain === null) return notFound(previous);
  const history: IrRequest["messages"] = [];
  for (const stored of chain) {
    const turn = stored.state as unknown as Turn;
    history.push(...turn.input);
    if (turn.output.length > 0) history.push({ role: "assistant", content: turn.output });
  }
  // The whole conversation goes upstream: no target is asked to look the turn up itself.
  const messages = [...history, ...decoded.request.messages];
  const request = { ...decoded.request, messages, previousResponseId: null };
  return { ...decoded, request };
}

function notFound(id: string): GatewayError {
  return new GatewayError(
    "previous_response_not_found",
    `previous_response_id: no response ${
      id.slice(0, 100)
    } is stored for this tenant (it expired, was stored with store: false, or was answered by another gateway); send the whole conversation instead`,
  );
}

/**
 * Keeps an answered turn under the id the client saw, unless the client said `store: false`.
 * `input`: the client's own messages of this turn (the history it named is stored already).
 */
export async function remember(
  memory: ResponseMemory | null,
  scope: TenantScope,
  decoded: ClientRequest,
  input: IrRequest["messages"],
  answer: IrResponse,
  now: number,
): Promise<void> {
  if (memory === null || decoded.store === false) return;
  const turn: Turn = { v: 1, input, output: answer.content };
  await memory.store.putResponseState({
    scope,
    id: answer.id,
    previousId: decoded.request.previousResponseId,
    model: answer.model,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + memory.retentionMs).toISOString(),
    state: turn as unknown as Record<string, unknown>,
  });
}
