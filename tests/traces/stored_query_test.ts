/**
 * `storedQuery` (traces/stored_query.ts): which query parameters a trace keeps for a replay.
 * Only the allowlisted names with plain short values; everything else, a key above all, is
 * counted and never stored.
 */
import assert from "node:assert/strict";
import {
  maxQueryParameters,
  storedQuery,
  storedQueryParameters,
} from "../../src/traces/stored_query.ts";

Deno.test("storedQuery: kept parameters and dropped counts", () => {
  const long = "a".repeat(65);
  const cases: { name: string; search: string; query: string | null; dropped: number }[] = [
    { name: "no query", search: "", query: null, dropped: 0 },
    { name: "a bare ?", search: "?", query: null, dropped: 0 },
    { name: "Gemini stream", search: "?alt=sse", query: "alt=sse", dropped: 0 },
    {
      name: "kept in the client's order",
      search: "?beta=true&api-version=2024-10-21&alt=sse",
      query: "beta=true&api-version=2024-10-21&alt=sse",
      dropped: 0,
    },
    {
      name: "Google's key",
      search: "?key=AIzaSyA0000000000000000000000000000000",
      query: null,
      dropped: 1,
    },
    {
      name: "keys among kept ones",
      search: "?alt=sse&key=AIzaXYZ&api_key=sk-1&api-key=k",
      query: "alt=sse",
      dropped: 3,
    },
    { name: "unknown names", search: "?foo=bar&alt=sse&x", query: "alt=sse", dropped: 2 },
    { name: "a name without =", search: "?beta", query: null, dropped: 1 },
    { name: "an empty value", search: "?beta=", query: null, dropped: 1 },
    { name: "a space", search: "?alt=s se", query: null, dropped: 1 },
    { name: "a plus", search: "?alt=s+e", query: null, dropped: 1 },
    { name: "an escape", search: "?alt=%73se", query: null, dropped: 1 },
    { name: "an escaped name", search: "?%61lt=sse", query: null, dropped: 1 },
    { name: "a second =", search: "?alt=sse=x", query: null, dropped: 1 },
    { name: "names are case-sensitive", search: "?ALT=sse", query: null, dropped: 1 },
    {
      name: "64 characters",
      search: `?beta=${"a".repeat(64)}`,
      query: `beta=${"a".repeat(64)}`,
      dropped: 0,
    },
    { name: "over 64 characters", search: `?beta=${long}`, query: null, dropped: 1 },
    {
      name: "duplicates: the first kept",
      search: "?alt=sse&alt=json&beta=true&beta=false",
      query: "alt=sse&beta=true",
      dropped: 2,
    },
    { name: "empty pairs", search: "?alt=sse&&beta=true&", query: "alt=sse&beta=true", dropped: 0 },
    { name: "only separators", search: "?&&&", query: null, dropped: 0 },
  ];
  for (const c of cases) {
    assert.deepEqual(storedQuery(c.search), { query: c.query, dropped: c.dropped }, c.name);
  }
});

Deno.test("storedQuery: past the bound every parameter is dropped, kept names too", () => {
  const filler = Array.from({ length: maxQueryParameters }, (_, i) => `p${i}=1`);
  const got = storedQuery(`?${[...filler, "alt=sse", "beta=true"].join("&")}`);
  assert.deepEqual(got, { query: null, dropped: maxQueryParameters + 2 });
  const first = storedQuery(`?${["alt=sse", ...filler].join("&")}`);
  assert.deepEqual(first, { query: "alt=sse", dropped: maxQueryParameters });
  // Empty pairs are no parameters: they do not count toward the bound.
  const sparse = storedQuery(`?${"&".repeat(40)}alt=sse`);
  assert.deepEqual(sparse, { query: "alt=sse", dropped: 0 });
  // A very long query is counted, not stored; nothing of it is kept.
  const many = storedQuery(`?${"x=1&".repeat(10_000)}`);
  assert.deepEqual(many, { query: null, dropped: 10_000 });
});

Deno.test("storedQuery: no credential parameter is ever allowlisted", () => {
  for (const name of ["key", "api_key", "api-key", "token", "access_token", "sig"]) {
    assert.equal(storedQueryParameters.has(name), false, name);
  }
});
