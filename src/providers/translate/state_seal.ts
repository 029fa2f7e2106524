/**
 * The opaque thinking state seal (research/issue21_plan.md section 3). State a provider made
 * (Anthropic `signature`, Gemini `thoughtSignature`, Responses `encrypted_content`, Bedrock
 * `signature`, redacted data) travels through a client of another protocol sealed:
 * `og1.` + base64url(key id || iv || AES-256-GCM ciphertext and tag) of `{o, m, v, i}` (origin,
 * model, value, Responses item id), with the tenant scope and the route id as additional data, so
 * a client can neither forge state nor replay it for another tenant or route. The 3-byte key id
 * (plan section 3 has none) tells a value sealed before a restart under a per-process key from a
 * forged one: the first is dropped with a note, only the second is a 400.
 *
 * Web Crypto only (`crypto.subtle`), pure over an injected `StateKey`; the randomness is
 * injectable so tests use fixed IVs. The passes over the IR are in state_seal_request.ts,
 * state_seal_response.ts and state_seal_stream.ts.
 */
import { type OpaqueState, type Protocol, protocols } from "./ir.ts";
import type { Notes } from "./notes.ts";
import type { StateMap } from "./state_seal_map.ts";

/** Prefix of a sealed value in a client's native state slot. */
export const sealPrefix = "og1.";
/** Prefix of a Chat tool call id the gateway minted for a call that carries state. */
export const chatCallPrefix = "call_og1_";
/**
 * Longest sealed value issued or opened. Responses `encrypted_content` grows with the reasoning
 * (tens of KiB for a long one), so 64 KiB would drop real state; 256 KiB still bounds the work a
 * hostile request can cause (with `maxSealedStates`, and the request body cap before that).
 */
export const maxSealedChars = 256 * 1024;
/** Most sealed states opened per request and sealed per answer; the oldest beyond it drop. */
export const maxSealedStates = 1000;
/** OpenAI refuses a Chat `tool_calls[].id` longer than 40 characters (`string_above_max_length`;
 *  plan section 11, T5): a sealed state never fits, so Chat ids point into a `StateMap`. */
export const chatIdLimit = 40;

const keyIdBytes = 3;
const ivBytes = 12;
const nonceBytes = 8;
const macBytes = 10;

/** Both keys come from one secret (HKDF-SHA-256, one `info` label each). `id` names the key
 *  in every sealed value, so a value sealed under another key (a restart without
 *  `translation.state_key`, or a changed key) is told from a forged one: dropped, not refused. */
export interface StateKey {
  readonly aead: CryptoKey;
  readonly mac: CryptoKey;
  readonly id: Uint8Array<ArrayBuffer>;
}

/** What opening a sealed value gave. */
export type OpenOutcome =
  | { kind: "opened"; text: string }
  /** Well-formed, but sealed under another key. */
  | { kind: "other_key" }
  /** Malformed, forged, or sealed for another tenant or route. */
  | { kind: "refused" };

/** Who may open a seal: the tenant scope and the route id it was issued for. */
export interface SealScope {
  /** `sealTenant(scope)` of the request's tenant scope. */
  tenant: string;
  route: string;
}

/** The tenant of a `SealScope` from the traces' tenant scope (org and workspace), each part
 *  percent-encoded so no two scopes give one string. */
export function sealTenant(scope: { org_id: string; workspace_id: string }): string {
  return `${encodeURIComponent(scope.org_id)}/${encodeURIComponent(scope.workspace_id)}`;
}

export interface SealContext {
  key: StateKey;
  /** The protocol the client speaks: its slot carries the seal. */
  client: Protocol;
  scope: SealScope;
  notes: Notes;
  /** Where Chat tool call ids point (their 40-character limit leaves no room for a seal). */
  stateMap: StateMap;
  /** The model the route's target names, as the upstream encoders compare it; null: the
   *  answer's own model. A seal records it so a fallback to another model drops the state. */
  model?: string | null;
  /** Random bytes (IVs, Chat id nonces); tests inject fixed ones. */
  random?: (n: number) => Uint8Array<ArrayBuffer>;
}

/** What a sealed value stood for in the IR: a thinking block's state, a redacted block, or the
 *  state of the tool call right after it (a slot only thinking has, plan section 3's table). */
export type SealedKind = "thinking" | "redacted" | "call";

export interface Opened {
  state: OpaqueState;
  kind: SealedKind;
}

/** The message a client gets for a seal that does not open (plan section 3). The parenthesis is
 *  Anthropic's own wording: Claude Code 2.1.332 classifies a 400 whose message contains
 *  "signature in thinking block" as `thinking_signature` (read in its binary), the error it
 *  knows from a model switch, instead of an unknown 400. */
export const notIssued = "this thinking state was not issued by this gateway for this route " +
  "(invalid signature in thinking block)";

const encoder = new TextEncoder();

export async function deriveStateKey(secret: string | Uint8Array): Promise<StateKey> {
  const raw = typeof secret === "string" ? encoder.encode(secret) : secret;
  const base = await crypto.subtle.importKey(
    "raw",
    raw as Uint8Array<ArrayBuffer>,
    "HKDF",
    false,
    ["deriveKey"],
  );
  const hkdf = (info: string): HkdfParams => ({
    name: "HKDF",
    hash: "SHA-256",
    salt: encoder.encode("ongoingai-thinking-state"),
    info: encoder.encode(info),
  });
  const aead = await crypto.subtle.deriveKey(
    hkdf("ongoingai-thinking/v1 seal"),
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
  const mac = await crypto.subtle.deriveKey(
    hkdf("ongoingai-thinking/v1 chat call id"),
    base,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
  const named = await crypto.subtle.sign("HMAC", mac, encoder.encode("ongoingai-thinking/v1 id"));
  return { aead, mac, id: new Uint8Array(named).slice(0, keyIdBytes) };
}

/** No `translation.state_key`: a key per process (state does not survive a restart). */
export function randomStateKey(): Promise<StateKey> {
  return deriveStateKey(crypto.getRandomValues(new Uint8Array(32)));
}

export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** Tenant and route are percent-encoded so a `|` in either cannot move the boundary. */
export function additionalData(scope: SealScope): string {
  return `ongoingai-thinking/v1|${encodeURIComponent(scope.tenant)}|` +
    encodeURIComponent(scope.route);
}

export function base64url(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Null for anything that is not canonical unpadded base64url. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  // Canonical only: unused low bits of the last character would give a second spelling.
  return base64url(out) === text ? out : null;
}

export async function sealText(
  key: StateKey,
  scope: SealScope,
  plaintext: string,
  random: (n: number) => Uint8Array<ArrayBuffer> = randomBytes,
): Promise<string> {
  const iv = random(ivBytes);
  const sealed = await crypto.subtle.encrypt(
    {
      name: "AES-GCM",
      iv,
      additionalData: encoder.encode(additionalData(scope)),
    },
    key.aead,
    encoder.encode(plaintext),
  );
  const out = new Uint8Array(keyIdBytes + ivBytes + sealed.byteLength);
  out.set(key.id);
  out.set(iv, keyIdBytes);
  out.set(new Uint8Array(sealed), keyIdBytes + ivBytes);
  return sealPrefix + base64url(out);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** `kid || iv || ciphertext and tag`, each part checked before any decryption. */
export async function openText(
  key: StateKey,
  scope: SealScope,
  sealed: string,
): Promise<OpenOutcome> {
  const refused = { kind: "refused" } as const;
  if (!sealed.startsWith(sealPrefix) || sealed.length > maxSealedChars) return refused;
  const bytes = fromBase64url(sealed.slice(sealPrefix.length));
  if (bytes === null || bytes.length < keyIdBytes + ivBytes + 16) return refused;
  if (!sameBytes(bytes.subarray(0, keyIdBytes), key.id)) return { kind: "other_key" };
  try {
    const plain = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: bytes.subarray(keyIdBytes, keyIdBytes + ivBytes),
        additionalData: encoder.encode(additionalData(scope)),
      },
      key.aead,
      bytes.subarray(keyIdBytes + ivBytes),
    );
    return { kind: "opened", text: new TextDecoder("utf-8", { fatal: true }).decode(plain) };
  } catch {
    return refused;
  }
}

type StateJson = { o: Protocol; m: string | null; v: string; i: string | null };

export function stateJson(s: OpaqueState): StateJson {
  return { o: s.origin, m: s.model, v: s.value, i: s.itemId };
}

/** The state inside a plaintext, or null when its shape is not one the gateway writes. */
export function stateOfJson(v: unknown): OpaqueState | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const nullableString = (x: unknown) => x === null || typeof x === "string";
  if (!(protocols as readonly unknown[]).includes(o["o"]) || typeof o["v"] !== "string") {
    return null;
  }
  if (!nullableString(o["m"]) || !nullableString(o["i"])) return null;
  return {
    origin: o["o"] as Protocol,
    model: o["m"] as string | null,
    value: o["v"] as string,
    itemId: o["i"] as string | null,
  };
}

const kindCodes: Record<SealedKind, string | undefined> = {
  thinking: undefined,
  redacted: "r",
  call: "c",
};

export function sealState(
  ctx: SealContext,
  state: OpaqueState,
  kind: SealedKind,
): Promise<string> {
  const body: Record<string, unknown> = stateJson(state);
  if (kindCodes[kind] !== undefined) body["k"] = kindCodes[kind];
  return sealText(ctx.key, ctx.scope, JSON.stringify(body), ctx.random);
}

/** The state a value stands for, "other_key" (dropped by the caller) or null (refused). */
export async function openState(
  ctx: SealContext,
  sealed: string,
): Promise<Opened | "other_key" | null> {
  const outcome = await openText(ctx.key, ctx.scope, sealed);
  if (outcome.kind !== "opened") return outcome.kind === "other_key" ? "other_key" : null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(outcome.text);
  } catch {
    return null;
  }
  const state = stateOfJson(parsed);
  if (state === null) return null;
  const k = (parsed as Record<string, unknown>)["k"];
  const kind: SealedKind | null = k === undefined
    ? "thinking"
    : k === "r"
    ? "redacted"
    : k === "c"
    ? "call"
    : null;
  return kind === null ? null : { state, kind };
}

async function callMac(key: StateKey, scope: SealScope, head: string): Promise<Uint8Array> {
  const data = encoder.encode(`${additionalData(scope)}|call|${head}`);
  const mac = await crypto.subtle.sign("HMAC", key.mac, data);
  return new Uint8Array(mac).subarray(0, macBytes);
}

/** A Chat tool call id for a call whose state the map holds: `call_og1_` + base64url(kid ||
 *  nonce || HMAC truncated to 80 bits), 37 characters, Anthropic's and OpenAI's pattern. */
export async function mintCallId(ctx: SealContext): Promise<string> {
  const head = new Uint8Array(keyIdBytes + nonceBytes);
  head.set(ctx.key.id);
  head.set((ctx.random ?? randomBytes)(nonceBytes), keyIdBytes);
  const mac = await callMac(ctx.key, ctx.scope, base64url(head));
  const out = new Uint8Array(head.length + macBytes);
  out.set(head);
  out.set(mac, head.length);
  return chatCallPrefix + base64url(out);
}

/** Whether this gateway minted `id` for this tenant and route ("issued"), under another key
 *  ("other_key"), or not at all ("forged"). */
export async function callIdIssued(
  ctx: SealContext,
  id: string,
): Promise<"issued" | "other_key" | "forged"> {
  if (!id.startsWith(chatCallPrefix)) return "forged";
  const bytes = fromBase64url(id.slice(chatCallPrefix.length));
  const headBytes = keyIdBytes + nonceBytes;
  if (bytes === null || bytes.length !== headBytes + macBytes) return "forged";
  if (!sameBytes(bytes.subarray(0, keyIdBytes), ctx.key.id)) return "other_key";
  const mac = await callMac(ctx.key, ctx.scope, base64url(bytes.subarray(0, headBytes)));
  return sameBytes(mac, bytes.subarray(headBytes)) ? "issued" : "forged";
}

export function isSealed(state: OpaqueState | null, client: Protocol): state is OpaqueState {
  return state !== null && state.origin === client && state.value.startsWith(sealPrefix);
}
