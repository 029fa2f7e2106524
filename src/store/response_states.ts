/**
 * The Responses store contract (issue 21, research/issue21_plan.md section 7): what a stateful
 * OpenAI Responses client needs from the gateway when the upstream keeps nothing, so that
 * `previous_response_id` works. Each answered response is kept under (tenant scope, response id)
 * with the id it continued from; a later request loads the chain of states back to the first.
 * The state itself (IR messages, instructions, tools, the IR response) is opaque here: JSON text
 * stored as the caller serialised it, never reparsed into another key order (a prompt cache
 * upstream keys on the bytes sent).
 *
 * This file is the driver-neutral half: the types, limits and checks, and the chain walk over
 * the (id, previous id, size) rows both drivers select with one recursive query
 * (sqlite_response_states.ts, pg_response_states.ts), so both answer alike by construction.
 */
import type { TenantScope } from "./types.ts";
import { checkScope } from "./key_types.ts";
import { normalizeTimestamp } from "./timestamps.ts";

/** Largest state kept, serialised as UTF-8 JSON: past it the put is refused (`state_too_large`). */
export const maxResponseStateBytes = 4 * 1024 * 1024;

/** Longest response id or model name accepted; ids are `resp_...` of a few dozen characters. */
export const maxResponseStateIdLength = 512;

/** The plan's hop bound; the byte bound comes from the caller (`proxy.max_request_body_bytes`). */
export const defaultResponseChainHops = 100;

/** Ceiling on `maxHops` whatever the caller asks: the ids of a chain are read in one query. */
export const maxResponseChainHops = 1000;

/** How many expired rows each put deletes as it goes (more than it adds, so they never pile up). */
export const responseStatePurgePerPut = 2;

/** Largest batch `purgeExpiredResponseStates` deletes in one call. */
export const maxResponseStatePurgeRows = 10_000;

export interface NewResponseState {
  /** The tenant's org and workspace, as traces are scoped: a lookup from another never finds it. */
  scope: TenantScope;
  /** The response id the client was given. Unique: a second put of one id is refused. */
  id: string;
  /** The `previous_response_id` this response continued from; null for a first turn. */
  previousId: string | null;
  model: string;
  /** RFC 3339; stored in the fixed-width UTC form. */
  createdAt: string;
  /** RFC 3339, after `createdAt` (the caller adds the retention); past it the state is gone. */
  expiresAt: string;
  /** JSON-serialisable object, opaque to the store. */
  state: Record<string, unknown>;
}

export interface StoredResponseState {
  id: string;
  previousId: string | null;
  model: string;
  createdAt: string;
  expiresAt: string;
  state: Record<string, unknown>;
}

export interface ResponseChainLimits {
  /** Most states in the chain, counting `id` itself (the plan: 100). */
  maxHops: number;
  /** Most serialised bytes of all the chain's states together. */
  maxBytes: number;
}

export interface ResponseStateStore {
  /**
   * Keeps a response's state. Refused with `ResponseStateError`: `state_too_large` past
   * `maxResponseStateBytes`, `duplicate_id` when the scope holds a live state under the id
   * (response ids are unique: a state is never replaced, and of concurrent puts of one id exactly
   * one succeeds). An expired one not yet purged is gone for every reader, so it is replaced.
   * Also deletes up to `responseStatePurgePerPut` expired rows of any tenant.
   */
  putResponseState(input: NewResponseState): Promise<void>;
  /** Null when missing, expired, or another tenant's: the caller cannot tell which. */
  getResponseState(scope: TenantScope, id: string): Promise<StoredResponseState | null>;
  /**
   * The states from the first turn to `id`, oldest first, following `previousId`. Null when `id`
   * itself is not found (as `getResponseState`). Throws `ResponseStateError`: `chain_hops`,
   * `chain_bytes` (over `limits`), `chain_cycle`, or `chain_broken` (an earlier turn expired or
   * was deleted: the conversation cannot be rebuilt).
   */
  responseChain(
    scope: TenantScope,
    id: string,
    limits: ResponseChainLimits,
  ): Promise<StoredResponseState[] | null>;
  /** True when a live state was deleted; false when missing, expired or another tenant's. */
  deleteResponseState(scope: TenantScope, id: string): Promise<boolean>;
  /**
   * Deletes up to `maxRows` (default and ceiling `maxResponseStatePurgeRows`) states of every
   * tenant that expired at or before `now` (RFC 3339); returns how many. For a retention job;
   * puts already purge as they go.
   */
  purgeExpiredResponseStates(now: string, maxRows?: number): Promise<number>;
}

export type ResponseStateErrorCode =
  | "state_too_large"
  | "duplicate_id"
  | "chain_hops"
  | "chain_bytes"
  | "chain_cycle"
  | "chain_broken";

/**
 * A refusal the caller turns into its client's error (`code` says which). Checked by `code` or
 * name: the store worker rebuilds it on the gateway thread with both.
 */
export class ResponseStateError extends Error {
  constructor(readonly code: ResponseStateErrorCode, message: string) {
    super(message);
    this.name = "ResponseStateError";
  }
}

export const responseStateErrorCodes: readonly ResponseStateErrorCode[] = [
  "state_too_large",
  "duplicate_id",
  "chain_hops",
  "chain_bytes",
  "chain_cycle",
  "chain_broken",
];

export const responseStateStoreMethods = [
  "putResponseState",
  "getResponseState",
  "responseChain",
  "deleteResponseState",
  "purgeExpiredResponseStates",
] as const satisfies readonly (keyof ResponseStateStore)[];

// A method missing from the list above would not cross the store worker.
const _everyMethodListed: Exclude<
  keyof ResponseStateStore,
  (typeof responseStateStoreMethods)[number]
> extends never ? true
  : never = true;
void _everyMethodListed;

export function isResponseStateStore(store: object): store is ResponseStateStore {
  return responseStateStoreMethods.every((m) =>
    typeof (store as Record<string, unknown>)[m] === "function"
  );
}

/** A put as its row: the checked fields, the JSON text and its UTF-8 size. */
export interface ResponseStateRow {
  org_id: string;
  workspace_id: string;
  id: string;
  previous_id: string | null;
  model: string;
  created_at: string;
  expires_at: string;
  state_bytes: number;
  state: string;
}

/** UTF-8 size of a string without encoding it (lone surrogates count as U+FFFD's three bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export function checkResponseId(id: unknown, field = "response id"): asserts id is string {
  if (typeof id !== "string" || id.length === 0 || id.length > maxResponseStateIdLength) {
    throw new TypeError(
      `${field} must be a non-empty string of at most ${maxResponseStateIdLength} characters`,
    );
  }
}

export function checkStateScope(scope: TenantScope): void {
  if (scope === undefined || scope === null) throw new TypeError("a response state needs a scope");
  checkScope(scope);
}

/** Checks a put and serialises its state; throws before any SQL runs. */
export function encodeResponseState(input: NewResponseState): ResponseStateRow {
  checkStateScope(input.scope);
  checkResponseId(input.id);
  if (input.previousId !== null) checkResponseId(input.previousId, "previousId");
  if (input.previousId === input.id) {
    throw new TypeError(`response ${input.id} cannot continue from itself (previousId = id)`);
  }
  checkResponseId(input.model, "model");
  const created = normalizeTimestamp(input.createdAt, "createdAt");
  const expires = normalizeTimestamp(input.expiresAt, "expiresAt");
  if (expires <= created) {
    throw new RangeError(`expiresAt (${expires}) must be after createdAt (${created})`);
  }
  const s = input.state;
  if (typeof s !== "object" || s === null || Array.isArray(s)) {
    throw new TypeError("a response state must be a JSON object");
  }
  let text: string;
  try {
    text = JSON.stringify(s);
  } catch (err) {
    throw new TypeError(`a response state must be JSON-serialisable: ${(err as Error).message}`);
  }
  // UTF-8 takes at least a byte per UTF-16 unit: a longer string is over without counting.
  const bytes = text.length > maxResponseStateBytes ? text.length : utf8Length(text);
  if (bytes > maxResponseStateBytes) {
    throw new ResponseStateError(
      "state_too_large",
      `response ${input.id}: its state is ${bytes} bytes serialised, over the ` +
        `${maxResponseStateBytes}-byte cap of the Responses store; it is not kept`,
    );
  }
  return {
    org_id: input.scope.org_id,
    workspace_id: input.scope.workspace_id,
    id: input.id,
    previous_id: input.previousId,
    model: input.model,
    created_at: created,
    expires_at: expires,
    state_bytes: bytes,
    state: text,
  };
}

export const duplicateIdError = (id: string) =>
  new ResponseStateError(
    "duplicate_id",
    `response ${id} is already stored; response ids are unique and a state is never replaced`,
  );

export function checkChainLimits(limits: ResponseChainLimits): void {
  const { maxHops, maxBytes } = limits ?? {};
  if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > maxResponseChainHops) {
    throw new RangeError(`maxHops must be an integer between 1 and ${maxResponseChainHops}`);
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError("maxBytes must be a positive integer");
  }
}

export function checkPurgeRows(maxRows: number): void {
  if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > maxResponseStatePurgeRows) {
    throw new RangeError(`maxRows must be an integer between 1 and ${maxResponseStatePurgeRows}`);
  }
}

/** A link of a chain as the recursive query returns it, newest first. */
export interface ChainLink {
  id: string;
  previous_id: string | null;
  state_bytes: number;
}

/**
 * The ids of the chain, oldest first, from the links the recursive query found walking back
 * from `id` (at most `maxHops + 1` of them, live ones in the scope only); null when there are
 * none. Throws the `ResponseStateError` of the first limit the walk crosses.
 */
export function walkChain(
  id: string,
  links: readonly ChainLink[],
  limits: ResponseChainLimits,
): string[] | null {
  if (links.length === 0) return null;
  const seen = new Set<string>();
  let bytes = 0;
  for (const link of links) {
    if (seen.has(link.id)) {
      throw new ResponseStateError(
        "chain_cycle",
        `the chain of response ${id} loops back to response ${link.id}; it cannot be rebuilt`,
      );
    }
    seen.add(link.id);
    if (seen.size > limits.maxHops) {
      throw new ResponseStateError(
        "chain_hops",
        `the chain of response ${id} is longer than ${limits.maxHops} responses (the hop limit); ` +
          "start a new conversation without previous_response_id",
      );
    }
    bytes += link.state_bytes;
    if (bytes > limits.maxBytes) {
      throw new ResponseStateError(
        "chain_bytes",
        `the chain of response ${id} holds more than ${limits.maxBytes} bytes (the byte limit); ` +
          "start a new conversation without previous_response_id",
      );
    }
  }
  const last = links[links.length - 1]!;
  if (last.previous_id !== null) throw brokenChain(id, last.previous_id);
  return [...seen].reverse();
}

export const brokenChain = (id: string, missing: string) =>
  new ResponseStateError(
    "chain_broken",
    `the chain of response ${id} needs response ${missing}, which expired or was deleted; ` +
      "start a new conversation without previous_response_id",
  );

/** States fetched by id, in the walk's order; a state gone since the walk breaks the chain. */
export function orderChain(
  id: string,
  ids: readonly string[],
  states: ReadonlyMap<string, StoredResponseState>,
): StoredResponseState[] {
  return ids.map((link) => {
    const state = states.get(link);
    if (state === undefined) throw brokenChain(id, link);
    return state;
  });
}

/** A stored row (times already in the stored form) as what the API returns. */
export function storedResponseState(
  row: Record<string, unknown>,
  time: (v: unknown) => string,
): StoredResponseState {
  return {
    id: String(row.id),
    previousId: row.previous_id === null ? null : String(row.previous_id),
    model: String(row.model),
    createdAt: time(row.created_at),
    expiresAt: time(row.expires_at),
    state: JSON.parse(String(row.state)) as Record<string, unknown>,
  };
}
