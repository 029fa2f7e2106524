/**
 * What `buildTrace` keeps for a replay (traces/build.ts `replayMetadata`): the stored query,
 * `request_body_altered` whenever a body is stored: true exactly when it is not the bytes received
 * (the proxy's `altered`, or the secrets scrubber changing them here), and `replay_of` only from the
 * facts the gateway's replay sets, never from a header.
 */
import assert from "node:assert/strict";
import { buildTrace, type ExchangeFacts } from "../../src/traces/mod.ts";
import { createStoredScrubber } from "../../src/secrets/mod.ts";
import { facts } from "./facts_fixture.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const secret = "sk-proj-CONFIGURED0000000000000000abcd";
const gatewayKey = `ogk_${"A".repeat(24)}`;

function meta(over: Partial<ExchangeFacts>): Record<string, unknown> {
  return buildTrace(facts(over), new Set(["authorization"])).metadata;
}

Deno.test("buildTrace: request_body_altered says whether the stored body differs", () => {
  const cases: {
    name: string;
    over: Partial<ExchangeFacts>;
    altered: boolean;
  }[] = [
    { name: "no body captured", over: { requestBody: null }, altered: false },
    {
      name: "body kept as received",
      over: { requestBody: { bytes: enc('{"model":"m"}'), truncated: false } },
      altered: false,
    },
    {
      name: "the proxy says it was altered (PII redaction)",
      over: { requestBody: { bytes: enc('{"model":"m"}'), truncated: false, altered: true } },
      altered: true,
    },
    {
      name: "the proxy says it was not",
      over: { requestBody: { bytes: enc('{"model":"m"}'), truncated: false, altered: false } },
      altered: false,
    },
    {
      name: "a configured secret scrubbed here",
      over: {
        requestBody: { bytes: enc(`{"note":"${secret}"}`), truncated: false },
        secrets: createStoredScrubber([secret]),
      },
      altered: true,
    },
    {
      name: "a gateway key scrubbed by shape (no configured secrets)",
      over: { requestBody: { bytes: enc(`{"note":"${gatewayKey}"}`), truncated: false } },
      altered: true,
    },
    {
      name: "a configured scrubber that finds nothing",
      over: {
        requestBody: { bytes: enc('{"model":"m"}'), truncated: false },
        secrets: createStoredScrubber([secret]),
      },
      altered: false,
    },
    {
      name: "a cut body with nothing to scrub (truncated says it already)",
      over: { requestBody: { bytes: enc('{"model":"m"'), truncated: true } },
      altered: false,
    },
    {
      name: "a cut body ending in a secret's start",
      over: {
        requestBody: { bytes: enc(`{"note":"${secret.slice(0, 12)}`), truncated: true },
        secrets: createStoredScrubber([secret]),
      },
      altered: true,
    },
  ];
  for (const c of cases) {
    const m = meta(c.over);
    // Said either way whenever a body is stored; absent only without one.
    const expected = c.over.requestBody === null ? undefined : c.altered;
    assert.equal(m.request_body_altered, expected, c.name);
  }
});

Deno.test("buildTrace: replay_of only from the facts' replayOf", () => {
  const cases: { name: string; over: Partial<ExchangeFacts>; replayOf: string | undefined }[] = [
    { name: "absent", over: {}, replayOf: undefined },
    { name: "null", over: { replayOf: null }, replayOf: undefined },
    { name: "set by the replay", over: { replayOf: "a".repeat(32) }, replayOf: "a".repeat(32) },
    {
      name: "a client header claiming it",
      over: {
        requestHeaders: new Headers({
          "x-ongoingai-replay-of": "b".repeat(32),
          "x-ongoingai-trace-replay-of": "b".repeat(32),
        }),
      },
      replayOf: undefined,
    },
  ];
  for (const c of cases) {
    const m = meta(c.over);
    assert.equal(m.replay_of, c.replayOf, c.name);
    assert.equal("replay_of" in m, c.replayOf !== undefined, c.name);
  }
});

Deno.test("buildTrace: the query a replay needs, and how many parameters were not kept", () => {
  const cases: { search: string | undefined; query?: string; dropped?: number }[] = [
    { search: undefined },
    { search: "" },
    { search: "?" },
    { search: "?alt=sse", query: "alt=sse" },
    { search: "?alt=sse&key=AIzaSy0000", query: "alt=sse", dropped: 1 },
    { search: "?key=AIzaSy0000", dropped: 1 },
  ];
  for (const c of cases) {
    const m = meta({ ...(c.search === undefined ? {} : { search: c.search }) });
    assert.equal(m.request_query, c.query, String(c.search));
    assert.equal(m.request_query_dropped, c.dropped, String(c.search));
    assert.ok(!JSON.stringify(m).includes("AIzaSy0000"), "a key in the query is never stored");
  }
});
