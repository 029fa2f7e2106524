/**
 * The base URLs `wrap` and `shell-init` set for the kinds with no built-in provider: the
 * variable each official client reads (providers/clients.ts), for the provider named after the
 * kind, else the first of that kind.
 */
import assert from "node:assert/strict";
import { clientBaseUrls, kindProvider } from "../../src/cli/base_urls.ts";
import { validateConfig } from "../../src/config/mod.ts";
import type { ProviderKind } from "../../src/providers/mod.ts";

function config(input: unknown, env: Record<string, string> = {}) {
  const result = validateConfig(input, { env });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const builtIns = {
  OPENAI_BASE_URL: "http://localhost:8080/openai/v1",
  ANTHROPIC_BASE_URL: "http://localhost:8080/anthropic",
};

Deno.test("clientBaseUrls: the Gemini and Azure OpenAI clients reach their kind's provider", () => {
  const cases: { name: string; input: unknown; want: Record<string, string> }[] = [
    {
      name: "gemini: GOOGLE_GEMINI_BASE_URL, the SDK appends /v1beta itself",
      input: { providers: { gemini: { kind: "gemini" } } },
      want: { ...builtIns, GOOGLE_GEMINI_BASE_URL: "http://localhost:8080/gemini" },
    },
    {
      name: "azure-openai: AZURE_OPENAI_ENDPOINT, the SDK appends /openai itself",
      input: {
        providers: { az: { kind: "azure-openai", upstream: "https://r.openai.azure.com" } },
      },
      want: { ...builtIns, AZURE_OPENAI_ENDPOINT: "http://localhost:8080/az" },
    },
    {
      name: "the provider named after the kind wins over an earlier one",
      input: {
        providers: {
          g2: { kind: "gemini", prefix: "/g2" },
          gemini: { kind: "gemini", prefix: "/google" },
        },
      },
      want: { ...builtIns, GOOGLE_GEMINI_BASE_URL: "http://localhost:8080/google" },
    },
    {
      name: "a disabled one gets none",
      input: { providers: { gemini: { kind: "gemini", enabled: false } } },
      want: builtIns,
    },
  ];
  for (const c of cases) assert.deepEqual(clientBaseUrls(config(c.input)), c.want, c.name);
});

Deno.test("clientBaseUrls: the AWS SDKs are pointed only at a Bedrock provider that can re-sign", () => {
  // The SDKs sign for the host they send to: without the gateway's own credentials every call
  // would come back as AWS's 403, so the variable is left out.
  const env = { AKID: "AKIAIOSFODNN7EXAMPLE", SECRET: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
  const server = { host: "127.0.0.1", port: 8080 };
  const plain = { server, providers: { bedrock: { kind: "bedrock" } } };
  const aws = { access_key_id: { env: "AKID" }, secret_access_key: { env: "SECRET" } };
  const signing = { server, providers: { bedrock: { kind: "bedrock", aws } } };
  const origin = "http://127.0.0.1:8080";
  assert.equal(clientBaseUrls(config(plain)).AWS_ENDPOINT_URL_BEDROCK_RUNTIME, undefined);
  assert.equal(
    clientBaseUrls(config(signing, env)).AWS_ENDPOINT_URL_BEDROCK_RUNTIME,
    `${origin}/bedrock`,
  );
});

Deno.test("kindProvider: named after the kind first, else the first of the kind", () => {
  const p = (id: string, kind: ProviderKind) => ({ id, kind });
  const list = [p("openai", "openai"), p("aws2", "bedrock"), p("bedrock", "bedrock")];
  assert.equal(kindProvider(list, "bedrock")?.id, "bedrock");
  assert.equal(kindProvider([p("aws2", "bedrock"), p("v", "vertex")], "bedrock")?.id, "aws2");
  assert.equal(kindProvider(list, "vertex"), null);
});
