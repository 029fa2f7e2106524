import assert from "node:assert/strict";
import { parseKeyList, ReportError } from "../../src/reconcile/mod.ts";

Deno.test("parseKeyList: provider key ids by the last four characters the gateway keeps", () => {
  const anthropic = parseKeyList([
    {
      data: [
        { id: "apikey_01", partial_key_hint: "sk-ant-api03-R2D...igAA" },
        { id: "apikey_02", partial_key_hint: "sk-ant-api03-Q9x...zz11" },
      ],
      has_more: true,
      last_id: "apikey_02",
    },
    {
      data: [
        // Shares its ending with apikey_02: neither can be named from the gateway's last four.
        { id: "apikey_03", partial_key_hint: "sk-ant-api03-777...zz11" },
        { id: "apikey_04", partial_key_hint: "x" },
        { id: "bad id!", partial_key_hint: "sk-ant-...abcd" },
        null,
      ],
      has_more: false,
    },
  ], "anthropic");
  assert.deepStrictEqual([...anthropic.byLast4], [["igAA", "apikey_01"]]);
  assert.deepStrictEqual(anthropic.ambiguous, ["zz11"]);
  const openai = parseKeyList(
    {
      data: [{
        id: "key_abc",
        redacted_value: "sk-abc...defg",
        object: "organization.project.api_key",
      }],
    },
    "openai",
  );
  assert.deepStrictEqual([...openai.byLast4], [["defg", "key_abc"]]);
  assert.throws(() => parseKeyList({ keys: [] }, "openai"), ReportError);
  assert.throws(() => parseKeyList({ data: "x" }, "anthropic"), /partial_key_hint/);
});
