/**
 * Test helpers for the JSON member scanner: random documents rendered with random whitespace and
 * escapes, the members `JSON.parse` says they hold, and chunking at arbitrary offsets.
 */
import fc from "fast-check";
import type { JsonScanResult, MemberPath } from "../../src/providers/mod.ts";
import { JsonMemberScanner } from "../../src/providers/mod.ts";
import { prng as seeded } from "../testdata/prng.ts";

export const paths: MemberPath[] = [["usage"], ["model"], ["message", "usage"], [
  "message",
  "model",
]];

type Rand = () => number;

const spaces = ["", "", "", " ", "\n", "\t", "\r\n  ", "  "];
const ws = (r: Rand) => spaces[Math.floor(r() * spaces.length)]!;

/** A JSON string literal; some characters spelled as `\uXXXX` or `\/`. */
function renderString(s: string, r: Rand): string {
  const escapeSome = r() < 0.4;
  let out = '"';
  for (const ch of s) {
    if (escapeSome && r() < 0.3 && ch.length === 1) {
      out += ch === "/" ? "\\/" : `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
    } else out += JSON.stringify(ch).slice(1, -1);
  }
  return out + '"';
}

function renderNumber(n: number, r: Rand): string {
  if (!Number.isFinite(n)) return "null";
  const pick = r();
  if (pick < 0.15) return n.toExponential();
  if (pick < 0.25) return n.toExponential().toUpperCase();
  return JSON.stringify(n);
}

/** Renders as an object with these members in order, repeated keys included. */
export class Members {
  constructor(readonly list: [string, unknown][]) {}
}

export function render(v: unknown, r: Rand): string {
  if (typeof v === "string") return renderString(v, r);
  if (typeof v === "number") return renderNumber(v, r);
  if (v === null || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${ws(r)}${v.map((x) => render(x, r) + ws(r)).join(`,${ws(r)}`)}]`;
  const members = v instanceof Members ? v.list : Object.entries(v as object);
  const body = members.map(([k, x]) => `${renderString(k, r)}${ws(r)}:${ws(r)}${render(x, r)}`)
    .join(`${ws(r)},${ws(r)}`);
  return `{${ws(r)}${body}${ws(r)}}`;
}

const usageValue = fc.oneof(
  fc.record({
    prompt_tokens: fc.nat(),
    completion_tokens: fc.nat(),
    total_tokens: fc.nat(),
    prompt_tokens_details: fc.record({ cached_tokens: fc.nat() }),
  }, { requiredKeys: ["prompt_tokens"] }),
  fc.jsonValue({ maxDepth: 2 }),
);
const small = fc.jsonValue({ maxDepth: 3, stringUnit: "binary" });
// Large values come from a size and a seed, so that shrinking a failure takes a few steps.
const bigArray = fc.record({ n: fc.nat(1500), seed: fc.integer() }).map(({ n, seed }) => {
  const r = seeded(seed);
  return Array.from({ length: n }, () => (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20));
});
/** ASCII, characters JSON must escape, two- and three-byte UTF-8, astral and lone surrogates. */
const alphabet = [...'aZ "\\/\n\u0001é€', "😀", "\ud800", "\udfff"];
const bigString = fc.record({ n: fc.nat(4000), seed: fc.integer() }).map(({ n, seed }) => {
  const r = seeded(seed);
  return Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join("");
});
const key = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom("usage", "model", "message", "data", "id", "__proto__"),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
);
/** Objects whose own members may again be usage, model or message: decoys and real ones. */
function members(leaf: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(fc.tuple(key, tie("v")), { maxLength: 5 }).map((list) => new Members(list)),
      fc.array(tie("v"), { maxLength: 4 }),
    ),
  })).v;
}

export interface GeneratedDoc {
  text: string;
  bom: boolean;
}

/**
 * A top-level object (sometimes another value), rendered with a random style. Large values sit
 * among the top-level members only, so documents stay below a few hundred kilobytes and a
 * failure shrinks quickly.
 */
function documentsOf(big: fc.Arbitrary<unknown>[]): fc.Arbitrary<GeneratedDoc> {
  const member = fc.oneof(
    { weight: 3, arbitrary: members(fc.oneof(small, usageValue)) },
    ...big.map((arbitrary) => ({ weight: 1, arbitrary })),
  );
  return fc.record({
    root: fc.oneof(
      {
        weight: 6,
        arbitrary: fc.array(fc.tuple(key, member), { minLength: 1 }).map((l) => new Members(l)),
      },
      { weight: 1, arbitrary: small },
    ),
    seed: fc.integer(),
    bom: fc.boolean(),
    outer: fc.tuple(fc.constantFrom(...spaces), fc.constantFrom(...spaces)),
  }).map(({ root, seed, bom, outer }) => ({
    text: outer[0] + render(root, seeded(seed)) + outer[1],
    bom,
  }));
}

/** Documents with large arrays and strings among their members. */
export const documents = documentsOf([bigArray, bigString]);
/** Small documents: every byte is near structure, which is where damage tells the most. */
export const smallDocuments = documentsOf([]);

const enc = new TextEncoder();

export function encodeDoc(d: GeneratedDoc): Uint8Array {
  return enc.encode((d.bom ? "\uFEFF" : "") + d.text);
}

/** What the scanner must report: the old parser's view of the same bytes. */
export function reference(bytes: Uint8Array): JsonScanResult {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return { valid: false };
  }
  return { valid: true, members: isObject(doc) ? pick(doc) : null };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function pick(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Object.hasOwn(doc, "usage")) out.usage = doc.usage;
  if (Object.hasOwn(doc, "model")) out.model = doc.model;
  const message = doc.message;
  if (isObject(message)) {
    const m: Record<string, unknown> = {};
    if (Object.hasOwn(message, "usage")) m.usage = message.usage;
    if (Object.hasOwn(message, "model")) m.model = message.model;
    out.message = m;
  }
  return out;
}

export function scan(pieces: Iterable<Uint8Array>, wanted = paths): JsonScanResult {
  const scanner = new JsonMemberScanner(wanted);
  for (const p of pieces) scanner.push(p);
  return scanner.finish();
}

/**
 * Shrinking these documents can take minutes: a cut that matters moves whenever the document
 * shrinks. After the first failure, `budget` more candidates are tried, then every candidate
 * passes, which ends shrinking at the smallest failure found so far.
 */
export function withShrinkBudget<A extends unknown[]>(
  budget: number,
  predicate: (...args: A) => void,
): (...args: A) => boolean {
  let sinceFailure = -1;
  return (...args) => {
    if (sinceFailure >= 0 && ++sinceFailure > budget) return true;
    try {
      predicate(...args);
      return true;
    } catch (e) {
      if (sinceFailure < 0) sinceFailure = 0;
      throw e;
    }
  };
}
