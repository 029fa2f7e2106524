import assert from "node:assert/strict";
import { clientBaseUrls } from "../../src/cli/base_urls.ts";
import { validateConfig } from "../../src/config/mod.ts";

function config(input: unknown) {
  const result = validateConfig(input, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const cases: { name: string; input: unknown; aliases: boolean; want: Record<string, string> }[] = [
  {
    name: "defaults: OpenAI base ends in /v1, Anthropic's does not",
    input: {},
    aliases: false,
    want: {
      OPENAI_BASE_URL: "http://localhost:8080/openai/v1",
      ANTHROPIC_BASE_URL: "http://localhost:8080/anthropic",
    },
  },
  {
    name: "aliases add OPENAI_API_BASE",
    input: {},
    aliases: true,
    want: {
      OPENAI_BASE_URL: "http://localhost:8080/openai/v1",
      OPENAI_API_BASE: "http://localhost:8080/openai/v1",
      ANTHROPIC_BASE_URL: "http://localhost:8080/anthropic",
    },
  },
  {
    name: "a prefix already ending in /v1 is kept",
    input: { providers: { openai: { prefix: "/o/v1" }, anthropic: { enabled: false } } },
    aliases: false,
    want: { OPENAI_BASE_URL: "http://localhost:8080/o/v1" },
  },
  {
    name: "only the built-in providers get a variable, not others of the same kind",
    input: {
      providers: {
        openai: { enabled: false },
        mine: { kind: "openai", upstream: "https://example.com" },
        groq: { upstream: "https://api.groq.com/openai" },
      },
    },
    aliases: true,
    want: { ANTHROPIC_BASE_URL: "http://localhost:8080/anthropic" },
  },
];

for (const c of cases) {
  Deno.test(`clientBaseUrls: ${c.name}`, () => {
    assert.deepEqual(clientBaseUrls(config(c.input), { aliases: c.aliases }), c.want);
  });
}
