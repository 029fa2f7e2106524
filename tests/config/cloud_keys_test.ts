/**
 * The cloud kinds' provider keys: parsed with their own messages, and refused on a provider of
 * a kind that does not read them (never silently ignored).
 */
import assert from "node:assert/strict";
import { assertIssueAt, configOf, errorsOf, type IssueRow, loadFrom } from "./temp_files.ts";

const rows: IssueRow[] = [
  {
    name: "aws on an openai provider",
    yaml: "providers:\n  openai:\n    aws:\n      access_key_id: { env: A }\n" +
      "      secret_access_key: { env: B }\n",
    path: "providers.openai.aws",
    message: /read only by providers of kind bedrock; providers\.openai is kind openai/,
    hint: /set providers\.openai\.kind: bedrock/,
  },
  {
    name: "gcp on an anthropic provider",
    yaml: "providers:\n  anthropic:\n    gcp:\n      service_account_json: { env: SA }\n",
    path: "providers.anthropic.gcp",
    message: /read only by providers of kind vertex/,
  },
  {
    name: "deployments on an openai-compatible provider",
    yaml: "providers:\n  groq:\n    upstream: https://api.groq.com/openai\n" +
      "    deployments: { prod: gpt-4o }\n",
    path: "providers.groq.deployments",
    message: /read only by providers of kind azure-openai/,
  },
  {
    name: "models on a served kind",
    yaml: "providers:\n  openai:\n    models: { alias: gpt-4o }\n",
    path: "providers.openai.models",
    message: /kind gemini, vertex, azure-openai, bedrock/,
    hint: /use it on a provider of one of those kinds/,
  },
  {
    name: "an AWS region of the wrong shape",
    yaml: "providers:\n  aws:\n    kind: bedrock\n    upstream: https://x.test\n    aws:\n" +
      "      region: US_EAST\n      access_key_id: { env: A }\n      secret_access_key: { env: B }\n",
    path: "providers.aws.aws.region",
    message: /must be an AWS region such as us-east-1/,
  },
];

for (const row of rows) {
  Deno.test(`config cloud keys: ${row.name}`, async () => {
    assertIssueAt(errorsOf(await loadFrom({ "ongoingai.yaml": row.yaml })), row);
  });
}

Deno.test("config cloud keys: on their own kind, the keys are not refused", async () => {
  // Loopback: the gateway's own credentials serve only there or in team mode.
  const yaml =
    "server: { host: 127.0.0.1 }\nproviders:\n  aws:\n    kind: bedrock\n    upstream: https://x.test\n    aws:\n" +
    "      region: us-east-1\n      access_key_id: { env: A }\n      secret_access_key: { env: B }\n" +
    "    models: { my-profile: claude-sonnet-4-5 }\n";
  // The variables set: an unset one is an error of its own (cloud_credentials_test.ts).
  const env = { A: "AKIAGATEWAY000000001", B: "gateway-secret-access-key-EXAMPLE" };
  const config = configOf(await loadFrom({ "ongoingai.yaml": yaml }, { env }));
  assert.equal(config.providers.find((p) => p.id === "aws")?.kind, "bedrock");
});
