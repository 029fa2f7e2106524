/** `ongoingai check` on `pricing.sources`: says what serve would do with each price file. */
import assert from "node:assert/strict";
import { check } from "../../src/cli/check.ts";
import { runCaptured } from "../support/cli_io.ts";
import { withFiles } from "../config/temp_files.ts";
import { startPriceFileServer } from "../pricing/price_file_server.ts";

const sample = await Deno.readTextFile(
  new URL("../testdata/pricing/litellm_sample.json", import.meta.url),
);
const config = (...sources: string[]) =>
  `pricing:\n  sources:\n${sources.map((s) => `    - ${JSON.stringify(s)}\n`).join("")}`;

Deno.test("check: a price file is read and summed up, every skipped entry and unapplied price counted", async () => {
  await withFiles(
    { "ongoingai.yaml": config("prices.json"), "prices.json": sample },
    async (dir) => {
      const r = await runCaptured(check, [], dir, {});
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^config is valid: ongoingai\.yaml$/m);
      assert.match(
        r.stdout,
        /^pricing\.sources\[0\]: price file loaded: 9 models priced \(1 without some of their tier prices.*8 entries skipped \(sample_spec 1, not_an_object 1, no_provider 1, mode_not_priced_by_token 2, missing_price 1, bad_number 1, duplicate 1\); prices not applied \(key: entries\): input_cost_per_token_cache_hit: 1, input_cost_per_token_priority: 1$/m,
      );
    },
  );
});

Deno.test("check: a price file that cannot be used fails, as serve would", async () => {
  await withFiles({ "ongoingai.yaml": config("missing.json") }, async (dir) => {
    const r = await runCaptured(check, [], dir, {});
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^config is invalid: ongoingai\.yaml$/m);
    assert.match(r.stderr, /^pricing\.sources\[0\]: cannot use price file .*missing\.json: /m);
  });
});

Deno.test("check: a URL is left alone unless --fetch-prices", async () => {
  const server = await startPriceFileServer(new TextEncoder().encode(sample));
  try {
    await withFiles({ "ongoingai.yaml": config(server.url("/500?token=secret")) }, async (dir) => {
      const quiet = await runCaptured(check, [], dir, {});
      assert.equal(quiet.code, 0);
      assert.match(
        quiet.stdout,
        /pricing\.sources\[0\]: http:\/\/127\.0\.0\.1:\d+\/500 is fetched at start, not by check/,
      );
      assert.equal(server.hits.size, 0);

      const fetched = await runCaptured(check, ["--fetch-prices"], dir, {});
      assert.equal(fetched.code, 0, "serve would start: a warning, not an error");
      assert.match(
        fetched.stderr,
        /^warning: pricing\.sources\[0\]: price file not fetched \(HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/500\) and no usable cached copy \(none yet/m,
      );
      assert.doesNotMatch(fetched.stdout + fetched.stderr, /secret/);
      // Check writes nothing: no data directory appeared.
      await assert.rejects(Deno.stat(`${dir}/data`));
    });
  } finally {
    await server.close();
  }
});

Deno.test("check: a source that is neither a path nor an http(s) URL is a config error", async () => {
  for (
    const [source, error] of [
      ["ftp://example.com/prices.json", /must be a file path or an http\(s\) URL/],
      ["https://user:pw@example.com/prices.json", /must not contain credentials/],
    ] as const
  ) {
    await withFiles({ "ongoingai.yaml": config(source) }, async (dir) => {
      const r = await runCaptured(check, [], dir, {});
      assert.equal(r.code, 1);
      assert.match(r.stderr, error);
    });
  }
});

Deno.test("check: price tiers out of order and a multiplier slip are refused, each value once", async () => {
  const yaml = [
    "providers:",
    "  acme:",
    "    upstream: https://api.acme.test",
    "    prices:",
    "      m:",
    "        input: 1",
    "        output: 2",
    "        tiers:",
    "          - { above_input_tokens: 272000, input: 2, output: 4 }",
    "          - { above_input_tokens: 200000, input: 2, output: 4 }",
    "        scope_multipliers: { geo: 110 }",
    "",
  ].join("\n");
  await withFiles({ "ongoingai.yaml": yaml }, async (dir) => {
    const r = await runCaptured(check, [], dir, {});
    assert.notEqual(r.code, 0);
    const out = r.stdout + r.stderr;
    assert.match(
      out,
      /providers\.acme\.prices\.m\.tiers: must be in ascending order of above_input_tokens, each threshold once \(tier 2 has 200000 after 272000\)/,
    );
    assert.match(
      out,
      /providers\.acme\.prices\.m\.scope_multipliers\.geo: must be at most 10 \(got 110\): it multiplies every price of the row \(1\.1 for a 10% uplift, not 10 or 110\)$/m,
    );
  });
});
