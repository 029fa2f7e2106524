/**
 * The driver-neutral core of the Responses store (src/store/response_states.ts): the chain walk
 * over the recursive query's links, the UTF-8 size, and the checks of a put. Table tests, and a
 * property for the size.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type ChainLink,
  encodeResponseState,
  isResponseStateStore,
  maxResponseStateBytes,
  ResponseStateError,
  type ResponseStateErrorCode,
  utf8Length,
  walkChain,
} from "../../src/store/response_states.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import { newState } from "./response_state_conformance.ts";

/** Links newest first, as the query returns them: `c<-b<-a` is "c:b:10 b:a:10 a::10". */
const links = (spec: string): ChainLink[] =>
  spec.split(" ").filter(Boolean).map((s) => {
    const [id, previous, bytes] = s.split(":");
    return { id: id!, previous_id: previous || null, state_bytes: Number(bytes) };
  });

const walkCases: {
  name: string;
  links: string;
  maxHops?: number;
  maxBytes?: number;
  want: string[] | null | ResponseStateErrorCode;
}[] = [
  { name: "nothing found", links: "", want: null },
  { name: "a first turn", links: "a::10", want: ["a"] },
  { name: "three turns, oldest first", links: "c:b:10 b:a:10 a::10", want: ["a", "b", "c"] },
  { name: "exactly the hop limit", links: "c:b:1 b:a:1 a::1", maxHops: 3, want: ["a", "b", "c"] },
  { name: "one past the hop limit", links: "d:c:1 c:b:1 b:a:1", maxHops: 2, want: "chain_hops" },
  { name: "exactly the byte limit", links: "b:a:6 a::4", maxBytes: 10, want: ["a", "b"] },
  { name: "one byte over", links: "b:a:6 a::5", maxBytes: 10, want: "chain_bytes" },
  { name: "the head alone over bytes", links: "a::11", maxBytes: 10, want: "chain_bytes" },
  { name: "a cycle", links: "a:b:1 b:a:1 a:b:1", want: "chain_cycle" },
  { name: "a missing earlier turn", links: "c:b:1 b:a:1", want: "chain_broken" },
  {
    name: "the first limit crossed walking back is named",
    links: "c:b:9 b:a:9 a::9",
    maxHops: 2,
    maxBytes: 10,
    want: "chain_bytes",
  },
];

for (const c of walkCases) {
  Deno.test(`response chain walk: ${c.name}`, () => {
    const limits = { maxHops: c.maxHops ?? 100, maxBytes: c.maxBytes ?? 1000 };
    const run = () => walkChain("head", links(c.links), limits);
    if (typeof c.want === "string") {
      assert.throws(run, (e) => e instanceof ResponseStateError && e.code === c.want);
    } else {
      assert.deepStrictEqual(run(), c.want);
    }
  });
}

Deno.test("response chain walk: a broken chain names the missing turn", () => {
  assert.throws(
    () => walkChain("c", links("c:b:1 b:a:1"), { maxHops: 100, maxBytes: 100 }),
    /the chain of response c needs response a, which expired or was deleted/,
  );
});

Deno.test("utf8Length: as TextEncoder counts, lone surrogates as U+FFFD", () => {
  const table = [
    "",
    "a",
    "é",
    "€",
    "\u{1F600}",
    "\ud800",
    "\udc00x",
    "\ud800\ud800\udc00",
    "a\u0000b",
  ];
  for (const s of table) assert.equal(utf8Length(s), new TextEncoder().encode(s).length, s);
  const unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
  fc.assert(
    fc.property(
      fc.string({ unit, maxLength: 64 }),
      (s) => utf8Length(s) === new TextEncoder().encode(s).length,
    ),
  );
});

Deno.test("encodeResponseState: the row, times in the stored form, the JSON as written", () => {
  const row = encodeResponseState(
    newState("r2", {
      previousId: "r1",
      createdAt: "2026-05-01T12:00:00.5+02:00",
      state: { b: 1, a: "é" },
    }),
  );
  assert.deepStrictEqual(row, {
    org_id: "org-a",
    workspace_id: "ws-1",
    id: "r2",
    previous_id: "r1",
    model: "gpt-5.1",
    created_at: "2026-05-01T10:00:00.500Z",
    expires_at: "2999-01-01T00:00:00.000Z",
    state_bytes: 16, // 15 characters, "é" two bytes
    state: '{"b":1,"a":"é"}',
  });
});

Deno.test("encodeResponseState: a state far over the cap is refused without counting", () => {
  assert.throws(
    () =>
      encodeResponseState(newState("big", { state: { t: "x".repeat(2 * maxResponseStateBytes) } })),
    (e) => e instanceof ResponseStateError && e.code === "state_too_large",
  );
});

Deno.test("isResponseStateStore: the SQLite store is one, a bare object is not", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  try {
    assert.ok(isResponseStateStore(store));
    assert.ok(!isResponseStateStore({ getResponseState() {} }));
  } finally {
    await store.close();
  }
});
