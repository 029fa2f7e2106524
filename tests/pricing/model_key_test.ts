/** Price-table keys of every id form the cloud providers use, and the config mappings. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  createPriceMatcher,
  createPricer,
  mappedPriceKey,
  type PriceKey,
  priceKeyFor,
  priceKeyOfId,
} from "../../src/pricing/mod.ts";

const table: [string, PriceKey][] = [
  // Bedrock: profile prefix, vendor, version.
  ["us.anthropic.claude-sonnet-4-5-20250929-v1:0", {
    model: "claude-sonnet-4-5-20250929",
    scope: "geo",
  }],
  ["eu.anthropic.claude-haiku-4-5-20251001-v1:0", {
    model: "claude-haiku-4-5-20251001",
    scope: "geo",
  }],
  ["apac.anthropic.claude-sonnet-4-5-20250929-v1:0", {
    model: "claude-sonnet-4-5-20250929",
    scope: "geo",
  }],
  ["jp.anthropic.claude-sonnet-4-5-20250929-v1:0", {
    model: "claude-sonnet-4-5-20250929",
    scope: "geo",
  }],
  ["au.anthropic.claude-opus-4-8", { model: "claude-opus-4-8", scope: "geo" }],
  ["ca.anthropic.claude-opus-4-8", { model: "claude-opus-4-8", scope: "geo" }],
  ["us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0", {
    model: "claude-sonnet-4-5-20250929",
    scope: "geo",
  }],
  ["global.anthropic.claude-opus-4-8", { model: "claude-opus-4-8", scope: "global" }],
  ["us.anthropic.claude-opus-4-6-v1", { model: "claude-opus-4-6", scope: "geo" }],
  ["anthropic.claude-3-5-sonnet-20241022-v2:0", {
    model: "claude-3-5-sonnet-20241022",
    scope: "in_region",
  }],
  ["amazon.nova-pro-v1:0", { model: "nova-pro", scope: "in_region" }],
  ["us.amazon.nova-lite-v1:0", { model: "nova-lite", scope: "geo" }],
  ["meta.llama3-3-70b-instruct-v1:0", { model: "llama3-3-70b-instruct", scope: "in_region" }],
  ["us.meta.llama4-maverick-17b-instruct-v1:0", {
    model: "llama4-maverick-17b-instruct",
    scope: "geo",
  }],
  ["anthropic.claude-3-haiku-20240307-v1:0:200k", {
    model: "claude-3-haiku-20240307",
    scope: "in_region",
  }],
  // Percent-encoded as the SDKs send the path label.
  ["us.anthropic.claude-sonnet-4-5-20250929-v1%3A0", {
    model: "claude-sonnet-4-5-20250929",
    scope: "geo",
  }],
  // ARNs that carry a model id; the rest name no model.
  [
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
    { model: "claude-sonnet-4-5-20250929", scope: "in_region" },
  ],
  [
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-8",
    { model: "claude-opus-4-8", scope: "geo" },
  ],
  [
    "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fglobal.anthropic.claude-opus-4-8",
    { model: "claude-opus-4-8", scope: "global" },
  ],
  [
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc",
    {
      model: "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc",
      scope: null,
    },
  ],
  // Gemini and Vertex resource names; `@version` is left to familyOf.
  ["models/gemini-2.5-pro", { model: "gemini-2.5-pro", scope: null }],
  [
    "projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash",
    { model: "gemini-2.5-flash", scope: null },
  ],
  ["publishers/anthropic/models/claude-sonnet-4-5@20250929", {
    model: "claude-sonnet-4-5@20250929",
    scope: null,
  }],
  ["claude-sonnet-4-5@20250929", { model: "claude-sonnet-4-5@20250929", scope: null }],
  ["tunedModels/my-model", { model: "tunedModels/my-model", scope: null }],
  // Everything else is its own key.
  ["gpt-4o-mini-2024-07-18", { model: "gpt-4o-mini-2024-07-18", scope: null }],
  ["us.some-vendor-model", { model: "us.some-vendor-model", scope: null }],
  ["anthropic/claude-sonnet-5-5", { model: "anthropic/claude-sonnet-5-5", scope: null }],
  ["anthropic.", { model: "anthropic.", scope: null }],
];

for (const [id, key] of table) {
  Deno.test(`priceKeyOfId: ${id}`, () => deepStrictEqual(priceKeyOfId(id), key));
}

Deno.test("priceKeyOfId: an id past 512 characters is left as it is", () => {
  const long = "us.anthropic." + "x".repeat(600);
  deepStrictEqual(priceKeyOfId(long), { model: long, scope: null });
});

Deno.test("mappedPriceKey: short and long forms, exact names only", () => {
  const deployments = {
    "prod-4o": "gpt-4o",
    eu: { model: "gpt-4.1", scope: "data_zone" as const },
  };
  deepStrictEqual(mappedPriceKey("prod-4o", deployments, "global"), {
    model: "gpt-4o",
    scope: "global",
  });
  deepStrictEqual(mappedPriceKey("eu", deployments, "global"), {
    model: "gpt-4.1",
    scope: "data_zone",
  });
  strictEqual(mappedPriceKey("prod", deployments, "global"), null);
  strictEqual(mappedPriceKey("toString", deployments, "global"), null);
  strictEqual(mappedPriceKey("x", undefined), null);
});

Deno.test("priceKeyFor: config mappings, then the adapter, then the id's shape", () => {
  const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc";
  const p = { models: { [arn]: "claude-opus-4-8" }, deployments: { d: "gpt-4o" } };
  deepStrictEqual(priceKeyFor(p, arn), { model: "claude-opus-4-8", scope: null });
  deepStrictEqual(priceKeyFor(p, "d"), { model: "gpt-4o", scope: "global" });
  deepStrictEqual(priceKeyFor(p, "x", (m) => ({ model: `k-${m}`, scope: "regional" })), {
    model: "k-x",
    scope: "regional",
  });
  deepStrictEqual(priceKeyFor(p, "models/gemini-2.5-pro"), {
    model: "gemini-2.5-pro",
    scope: null,
  });
});

Deno.test("resolution: the id itself first in each layer, then its key", () => {
  const pricer = createPricer({
    kind: "bedrock",
    prices: { "us.anthropic.claude-sonnet-4-5-20250929-v1:0": { input: 9, output: 9 } },
  } as never);
  strictEqual(pricer("us.anthropic.claude-sonnet-4-5-20250929-v1:0")?.input, 9);
  // Other prefixes reach the built-in row through the key.
  strictEqual(pricer("eu.anthropic.claude-sonnet-4-5-20250929-v1:0")?.input, 3);
  // Existing kinds are unchanged by keys: the OpenAI ids are their own keys.
  const openai = createPricer({ kind: "openai", prices: {} });
  strictEqual(openai("gpt-4o-mini-2024-07-18")?.input, 0.15);
  strictEqual(openai("models/gpt-4o")?.input, 2.5);
});

Deno.test("priceKeyOfId: case does not hide a profile or vendor", () => {
  deepStrictEqual(priceKeyOfId("US.Anthropic.claude-opus-4-8-V1:0"), {
    model: "claude-opus-4-8",
    scope: "geo",
  });
  deepStrictEqual(priceKeyOfId("GLOBAL.anthropic.claude-opus-4-8"), {
    model: "claude-opus-4-8",
    scope: "global",
  });
});

Deno.test("priceKeyOfId: a model named like a version keeps its name (claude-v2)", () => {
  deepStrictEqual(priceKeyOfId("anthropic.claude-v2:1"), {
    model: "claude-v2",
    scope: "in_region",
  });
  deepStrictEqual(priceKeyOfId("anthropic.claude-instant-v1"), {
    model: "claude-instant",
    scope: "in_region",
  });
});

Deno.test("the Bedrock adapter's key and the id's shape price every id alike", async () => {
  const { bedrockPriceKey } = await import("../../src/providers/bedrock_model_id.ts");
  // The Bedrock forms of the table (the adapter reads only those; it gets ids decoded).
  const bedrockForm = (id: string) => priceKeyOfId(id).scope !== null || id.startsWith("arn:");
  const ids = table.map(([id]) => id).filter((id) => !id.includes("%") && bedrockForm(id)).concat([
    "us.anthropic.claude-opus-4-6-v1",
    "global.anthropic.claude-sonnet-5-5",
    "anthropic.claude-v2:1",
  ]);
  const bedrock = { kind: "bedrock", prices: {} } as never;
  const byShape = createPriceMatcher(bedrock);
  const byAdapter = createPriceMatcher(bedrock, undefined, bedrockPriceKey);
  for (const id of ids) deepStrictEqual(byShape(id), byAdapter(id), id);
  strictEqual(byAdapter("us.anthropic.claude-sonnet-4-5-20250929-v1:0")?.scope, "geo");
});
