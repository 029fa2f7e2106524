/**
 * The audit log's pure core (issue 22): the entry, its canonical serialization, its hash, and the
 * walk that verifies a chain. No I/O: both stores (sqlite_audit.ts, pg_audit.ts) and
 * `ongoingai audit verify` use these functions, so an entry hashes alike wherever it was written.
 *
 * Canonical serialization (what `hash` covers), defined so any implementation can recompute it:
 * - the entry as one JSON object holding every field but `hash`: `action`, `actor`, `after`,
 *   `at`, `before`, `details`, `prev_hash`, `seq`, `target`, `tenant`;
 * - object keys sorted by UTF-16 code units (JavaScript's default sort), at every depth;
 * - no whitespace; strings as `JSON.stringify` writes them (lone surrogates escaped as `\udXXX`);
 * - numbers only as safe integers (no floats, no exponent, no -0): a value that needs a fraction
 *   is written as a string by the caller, so no two serializers can disagree on its digits;
 * - `null`, booleans, arrays as JSON; keys whose value is `undefined` are refused, not dropped.
 * The hash is the lowercase hex SHA-256 of that text's UTF-8 bytes. The genesis entry (seq 1)
 * has `prev_hash` = `genesisPrevHash`; every later one the `hash` of the entry before it.
 */
import { Buffer } from "node:buffer";
import { createHash, timingSafeEqual } from "node:crypto";

/** `prev_hash` of the first entry: 64 zeros (no entry hashes to it). */
export const genesisPrevHash = "0".repeat(64);

/** Largest serialized `before` + `after` + `details` of one entry (bytes of canonical JSON). */
export const maxAuditPayloadBytes = 64 * 1024;
/** Deepest nesting accepted in `before`, `after` and `details`. */
export const maxAuditDepth = 16;
/** Longest `actor`, `action` or `target`. */
export const maxAuditFieldLength = 512;

export type AuditJson =
  | null
  | boolean
  | number
  | string
  | AuditJson[]
  | { [key: string]: AuditJson };

export interface AuditTenant {
  org_id: string;
  workspace_id: string;
}

/** What a caller appends: the store adds `seq`, `prev_hash` and `hash`. */
export interface NewAuditEntry {
  /** RFC 3339, stored in the fixed-width UTC form. */
  at: string;
  /** Who did it: a gateway key id, `cli`, `gateway` (the gateway on its own), ... */
  actor: string;
  /** The tenant the event belongs to; null for gateway-wide events (config reload, pool keys). */
  tenant: AuditTenant | null;
  /** Dotted name: `gateway_key.created`, `config.reloaded`, `request.denied`, ... */
  action: string;
  /** What it acted on (a key id, a provider key fingerprint, the config path); "" when none. */
  target: string;
  before: AuditJson;
  after: AuditJson;
  details: AuditJson;
}

export interface AuditEntry extends NewAuditEntry {
  seq: number;
  prev_hash: string;
  hash: string;
}

const hexHash = /^[0-9a-f]{64}$/;

/**
 * Chain hashes are public, but the house rule (tests/auth/timing_safe_test.ts) compares every
 * hash in constant time; it costs nothing here.
 */
function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The canonical JSON of a value (see the file comment); throws TypeError naming the path. */
export function canonicalJson(value: unknown, path = "$", depth = 0): string {
  if (depth > maxAuditDepth) {
    throw new TypeError(`${path}: nested deeper than ${maxAuditDepth} levels`);
  }
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
        throw new TypeError(
          `${path}: ${value} is not a safe integer; write fractions and large numbers as strings`,
        );
      }
      return String(value);
    case "object":
      break;
    default:
      throw new TypeError(`${path}: a ${typeof value} has no JSON form`);
  }
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`, depth + 1)).join(",")}]`;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`${path}: only plain objects, arrays and scalars are JSON`);
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  const parts = keys.map((k) =>
    `${JSON.stringify(k)}:${canonicalJson(obj[k], `${path}.${k}`, depth + 1)}`
  );
  return `{${parts.join(",")}}`;
}

/** The text an entry's hash covers: every field but `hash`, canonical. */
export function auditHashInput(entry: Omit<AuditEntry, "hash">): string {
  const { seq, at, actor, tenant, action, target, before, after, details, prev_hash } = entry;
  const t = tenant === null ? null : { org_id: tenant.org_id, workspace_id: tenant.workspace_id };
  return canonicalJson({
    seq,
    at,
    actor,
    tenant: t,
    action,
    target,
    before,
    after,
    details,
    prev_hash,
  });
}

export function auditHash(entry: Omit<AuditEntry, "hash">): string {
  return createHash("sha256").update(auditHashInput(entry), "utf8").digest("hex");
}

/** Links a checked new entry onto the chain after `prev` (null: the genesis entry). */
export function chainEntry(
  input: NewAuditEntry,
  prev: { seq: number; hash: string } | null,
): AuditEntry {
  const seq = prev === null ? 1 : prev.seq + 1;
  const prev_hash = prev === null ? genesisPrevHash : prev.hash;
  const unhashed = { ...input, seq, prev_hash };
  return { ...unhashed, hash: auditHash(unhashed) };
}

function checkText(value: unknown, field: string, allowEmpty = false): void {
  if (
    typeof value !== "string" || (!allowEmpty && value.length === 0) ||
    value.length > maxAuditFieldLength
  ) {
    throw new TypeError(
      `audit ${field} must be a ${
        allowEmpty ? "" : "non-empty "
      }string of at most ${maxAuditFieldLength} characters`,
    );
  }
}

/**
 * Checks an entry before it is appended (throws TypeError or RangeError saying what is wrong) and
 * returns the canonical JSON of `before`, `after` and `details`, the form the stores keep.
 */
export function checkNewAuditEntry(
  input: NewAuditEntry,
  normalizeAt: (at: string) => string,
): { at: string; before: string; after: string; details: string } {
  if (typeof input !== "object" || input === null) throw new TypeError("an audit entry is needed");
  checkText(input.actor, "actor");
  checkText(input.action, "action");
  checkText(input.target, "target", true);
  const t = input.tenant;
  if (t !== null) {
    if (typeof t !== "object") throw new TypeError("audit tenant must be an object or null");
    // Empty ids are a tenant the key store accepts: recorded as they are.
    checkText(t.org_id, "tenant.org_id", true);
    checkText(t.workspace_id, "tenant.workspace_id", true);
  }
  const before = canonicalJson(input.before, "before");
  const after = canonicalJson(input.after, "after");
  const details = canonicalJson(input.details, "details");
  const bytes = new TextEncoder().encode(before + after + details).length;
  if (bytes > maxAuditPayloadBytes) {
    throw new RangeError(
      `audit entry ${input.action}: before, after and details take ${bytes} bytes, over the ` +
        `${maxAuditPayloadBytes}-byte cap; keep only what the event changed`,
    );
  }
  return { at: normalizeAt(input.at), before, after, details };
}

export type AuditProblemKind = "gap" | "changed" | "reordered" | "broken_link" | "truncated";

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The first entry (by seq) found wrong, or the first missing seq. */
  seq: number;
  message: string;
}

/** Where a walk stands between pages: the next seq expected and the hash it must point at. */
export interface AuditWalkState {
  nextSeq: number;
  prevHash: string;
  checked: number;
}

export const auditWalkStart: AuditWalkState = { nextSeq: 1, prevHash: genesisPrevHash, checked: 0 };

const swapFixes = (a: AuditEntry, b: AuditEntry) =>
  sameHash(auditHash({ ...a, seq: b.seq }), a.hash) &&
  sameHash(auditHash({ ...b, seq: a.seq }), b.hash);

/**
 * Walks a page of entries (ascending seq, as the store reads them) from `state` (`lookahead`:
 * entries after the page, searched only for the partner of a swap). Returns the
 * state after the page, or the first problem: a missing seq (`gap`), an entry whose hash does not
 * match its fields (`changed`), two entries whose seqs were swapped (`reordered`), or an entry
 * whose hash is right but whose `prev_hash` is not the previous entry's hash (`broken_link`: an
 * entry rewritten with a recomputed hash, or one before it).
 */
export function walkAuditPage(
  state: AuditWalkState,
  page: readonly AuditEntry[],
  lookahead: readonly AuditEntry[] = [],
): { state: AuditWalkState } | { problem: AuditProblem } {
  let { nextSeq, prevHash, checked } = state;
  for (let i = 0; i < page.length; i++) {
    const e = page[i]!;
    if (e.seq !== nextSeq) {
      const missing = e.seq > nextSeq ? `${nextSeq}` : `${nextSeq} (found ${e.seq} again)`;
      return {
        problem: {
          kind: "gap",
          seq: nextSeq,
          message: `audit entry ${missing} is missing: the chain jumps from ${
            nextSeq - 1
          } to ${e.seq}`,
        },
      };
    }
    if (!hexHash.test(e.hash) || !sameHash(auditHash(e), e.hash)) {
      const other = [...page.slice(i + 1), ...lookahead].find((o) => swapFixes(e, o));
      if (other !== undefined) {
        return {
          problem: {
            kind: "reordered",
            seq: e.seq,
            message: `audit entries ${e.seq} and ${other.seq} were swapped (each hashes right ` +
              "under the other's seq)",
          },
        };
      }
      return {
        problem: {
          kind: "changed",
          seq: e.seq,
          message: `audit entry ${e.seq} was changed: its fields no longer hash to its stored hash`,
        },
      };
    }
    if (!sameHash(e.prev_hash, prevHash)) {
      return {
        problem: {
          kind: "broken_link",
          seq: e.seq,
          message: `audit entry ${e.seq} does not point at the hash of entry ${
            e.seq - 1
          }: one of them was rewritten`,
        },
      };
    }
    nextSeq = e.seq + 1;
    prevHash = e.hash;
    checked++;
  }
  return { state: { nextSeq, prevHash, checked } };
}

/**
 * After the last page: the chain must end where the store's head says (a deleted tail leaves no
 * gap between entries, only a head further on). `head` null: the store holds no head (empty log).
 */
export function checkAuditTail(
  state: AuditWalkState,
  head: { seq: number; hash: string } | null,
): AuditProblem | null {
  const lastSeq = state.nextSeq - 1;
  if (head === null) {
    if (lastSeq === 0) return null;
    return {
      kind: "truncated",
      seq: 1,
      message: `the audit head is missing while ${lastSeq} entries exist`,
    };
  }
  if (head.seq > lastSeq) {
    return {
      kind: "truncated",
      seq: lastSeq + 1,
      message: `audit entries ${
        lastSeq + 1
      } to ${head.seq} are missing: the head records ${head.seq}`,
    };
  }
  if (head.seq < lastSeq || !sameHash(head.hash, state.prevHash)) {
    return {
      kind: "changed",
      seq: head.seq,
      message: `the audit head (seq ${head.seq}) does not match entry ${lastSeq}'s hash`,
    };
  }
  return null;
}
