/**
 * Review of issue 16, item 8: the stored model is whatever the client sent when the upstream
 * names none (an error answer), and it was stored whole: a 4 MiB `model` added 16 MiB to the
 * SQLite file and came back from every analytics view, past `tracing.body_max_size`, and was
 * scrubbed whole on the event loop. Stored models are cut to `maxStoredModelLength`, scrubbed
 * before the cut (a secret starting before it is recognised whole, never left as a prefix).
 */
import assert from "node:assert/strict";
import { buildTrace, credentialHeaders, maxStoredModelLength } from "../../src/traces/mod.ts";
import { createStoredScrubber, credentialRedacted as R } from "../../src/secrets/mod.ts";
import { facts } from "./facts_fixture.ts";

const key = "team-alpha-shared-password-42";
const secrets = createStoredScrubber([key]);
const model = (requestModel: string) =>
  buildTrace(
    facts({ requestModel, report: { ...facts().report, model: null }, secrets }),
    credentialHeaders,
  ).model;

Deno.test("stored model: a huge model is cut to the bound", () => {
  const stored = model("m".repeat(4 << 20));
  assert.ok(stored.length <= maxStoredModelLength + 3, `${stored.length} characters`);
  assert.ok(stored.startsWith("mmmm") && stored.endsWith("..."), stored.slice(-20));
});

Deno.test("stored model: a secret across the cut is replaced whole, not left as a prefix", () => {
  for (const at of [maxStoredModelLength - 20, maxStoredModelLength - 1, 3]) {
    const stored = model(`${"m".repeat(at)}${key}${"m".repeat(100_000)}`);
    assert.ok(!stored.includes(key.slice(0, 8)), stored.slice(at - 5, at + 30));
    assert.ok(stored.includes(R.slice(0, Math.min(R.length, maxStoredModelLength - at))), `${at}`);
  }
});

Deno.test("stored model: real model names are kept as they are", () => {
  for (
    const name of [
      "gpt-4o-mini",
      "ft:gpt-4o-mini-2024-07-18:acme::9abcDEF1",
      "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefgh1234",
    ]
  ) {
    assert.equal(model(name), name);
  }
});
