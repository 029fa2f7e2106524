/**
 * The audit log's pure core: canonical JSON (sorted keys, integers only, refusals naming the
 * path), the hash (a fixed vector, so another implementation can check itself against it), and
 * the verification walk over tampered chains.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  type AuditEntry,
  auditHash,
  auditHashInput,
  auditWalkStart,
  canonicalJson,
  chainEntry,
  checkAuditTail,
  genesisPrevHash,
  keyAuditEntry,
  type NewAuditEntry,
  walkAuditPage,
} from "../../src/store/mod.ts";

Deno.test("canonicalJson: sorted keys at every depth, no whitespace, integers", () => {
  const cases: [unknown, string][] = [
    [null, "null"],
    [true, "true"],
    [0, "0"],
    [-42, "-42"],
    ['a"b\u2028', '"a\\"b\u2028"'],
    ["\ud800", '"\\ud800"'],
    [[3, { b: 1, a: [] }], '[3,{"a":[],"b":1}]'],
    [{ z: { y: 1, x: 2 }, a: null, B: "c" }, '{"B":"c","a":null,"z":{"x":2,"y":1}}'],
    [{}, "{}"],
  ];
  for (const [value, want] of cases) assert.equal(canonicalJson(value), want);
});

Deno.test("canonicalJson: refuses what has no single JSON form, naming where", () => {
  const cases: [unknown, RegExp][] = [
    [1.5, /\$: 1\.5 is not a safe integer; write fractions/],
    [{ a: [0, Number.NaN] }, /\$\.a\[1\]: NaN is not a safe integer/],
    [2 ** 53, /not a safe integer/],
    [-0, /not a safe integer/],
    [{ a: undefined }, /\$\.a: a undefined has no JSON form/],
    [{ f: () => 1 }, /\$\.f: a function/],
    [new Date(0), /only plain objects/],
    [1n, /a bigint has no JSON form/],
  ];
  for (const [value, re] of cases) assert.throws(() => canonicalJson(value), re);
  let deep: unknown = 1;
  for (let i = 0; i < 20; i++) deep = [deep];
  assert.throws(() => canonicalJson(deep), /nested deeper than 16 levels/);
});

const input = (n: number): NewAuditEntry => ({
  at: `2026-01-01T00:00:0${n % 10}.000Z`,
  actor: "key_admin",
  tenant: { org_id: "org", workspace_id: "ws" },
  action: "gateway_key.created",
  target: `key_${n}`,
  before: null,
  after: { id: `key_${n}`, role: "member" },
  details: { n },
});

function chain(length: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < length; i++) out.push(chainEntry(input(i), out[i - 1] ?? null));
  return out;
}

Deno.test("auditHash: SHA-256 of the canonical JSON of every field but hash (fixed vector)", () => {
  const [first] = chain(1);
  assert.equal(first!.seq, 1);
  assert.equal(first!.prev_hash, genesisPrevHash);
  const text = auditHashInput(first!);
  assert.equal(
    text,
    '{"action":"gateway_key.created","actor":"key_admin","after":{"id":"key_0","role":"member"},' +
      '"at":"2026-01-01T00:00:00.000Z","before":null,"details":{"n":0},"prev_hash":"' +
      genesisPrevHash + '","seq":1,"target":"key_0","tenant":{"org_id":"org","workspace_id":"ws"}}',
  );
  assert.equal(first!.hash, createHash("sha256").update(text).digest("hex"));
  assert.equal(auditHash(first!), first!.hash);
  // Key order of the input does not matter; every field does.
  const reordered = { ...first!, after: { role: "member", id: "key_0" } };
  assert.equal(auditHash(reordered), first!.hash);
  assert.notEqual(auditHash({ ...first!, tenant: null }), first!.hash);
});

Deno.test("walkAuditPage: a valid chain across pages, then the tail against the head", () => {
  const entries = chain(7);
  let state = auditWalkStart;
  for (const page of [entries.slice(0, 3), entries.slice(3)]) {
    const r = walkAuditPage(state, page);
    assert.ok("state" in r);
    state = r.state;
  }
  assert.equal(state.checked, 7);
  const last = entries[6]!;
  assert.equal(checkAuditTail(state, { seq: 7, hash: last.hash }), null);
  assert.equal(checkAuditTail(auditWalkStart, { seq: 0, hash: genesisPrevHash }), null);
  assert.equal(checkAuditTail(state, { seq: 9, hash: "x" })?.kind, "truncated");
  assert.equal(checkAuditTail(state, { seq: 9, hash: "x" })?.seq, 8);
});

Deno.test("walkAuditPage: names the first gap, changed entry, swap or broken link", () => {
  const e = chain(6);
  const rehash = (x: AuditEntry) => ({ ...x, hash: auditHash(x) });
  const cases: [string, AuditEntry[], string, number][] = [
    ["first deleted", e.slice(1), "gap", 1],
    ["middle deleted", [...e.slice(0, 2), ...e.slice(3)], "gap", 3],
    ["field edited", e.map((x) => x.seq === 4 ? { ...x, actor: "someone" } : x), "changed", 4],
    ["hash edited", e.map((x) => x.seq === 2 ? { ...x, hash: "f".repeat(64) } : x), "changed", 2],
    [
      "seqs swapped",
      [e[0]!, { ...e[2]!, seq: 2 }, { ...e[1]!, seq: 3 }, ...e.slice(3)],
      "reordered",
      2,
    ],
    [
      "rewritten with a new hash",
      e.map((x) => x.seq === 5 ? rehash({ ...x, details: { n: 99 } }) : x),
      "broken_link",
      6,
    ],
  ];
  for (const [name, page, kind, seq] of cases) {
    const r = walkAuditPage(auditWalkStart, page);
    assert.ok("problem" in r, name);
    assert.equal(r.problem.kind, kind, name);
    assert.equal(r.problem.seq, seq, `${name}: ${r.problem.message}`);
  }
});

Deno.test("keyAuditEntry: lenient and bounded, so a key change is never refused over it", () => {
  const key = { id: "k".repeat(600), org_id: "", workspace_id: "" };
  const e = keyAuditEntry(key, "revoked", "", "not a time", undefined);
  assert.equal(e.actor, "unknown");
  assert.equal(e.target.length, 512);
  assert.match(e.at, /^\d{4}-\d{2}-\d{2}T/);
  assert.deepStrictEqual(e.details, { recorded_at: "not a time" });
  const created = keyAuditEntry(
    { id: "gk_1", org_id: "o", workspace_id: "w" },
    "created",
    "cli",
    "2026-01-01T00:00:00+02:00",
    { name: "n".repeat(5000), role: "viewer", permissions: ["analytics:read"] },
  );
  assert.equal(created.at, "2025-12-31T22:00:00.000Z");
  assert.deepStrictEqual(created.details, {});
  assert.equal((created.after as { name: string }).name.length, 1000);
});
