/**
 * A provider of kind `azure-openai`: `check` wants its resource endpoint as `upstream` (there is
 * no default), its prefix defaults to `/<id>`, and its `deployments` reach the resolved provider
 * (pricing and the trace's model read them there).
 */
import assert from "node:assert/strict";
import { assertIssueAt, configOf, errorsOf, loadFrom } from "./temp_files.ts";

Deno.test("config: an azure-openai provider without upstream is refused with the endpoint form", async () => {
  const yaml = "providers:\n  azure:\n    kind: azure-openai\n";
  const errors = errorsOf(await loadFrom({ "ongoingai.yaml": yaml }));
  assertIssueAt(errors, {
    name: "azure without upstream",
    yaml,
    path: "providers.azure.upstream",
    message: /is required for an azure-openai provider: the endpoint of your Azure OpenAI resource/,
    hint: /upstream: https:\/\/my-resource\.openai\.azure\.com.*http:\/\/<gateway>\/azure/,
  });
});

Deno.test("config: an azure-openai provider resolves with prefix /<id> and its deployments", async () => {
  const yaml = "providers:\n  az:\n    kind: azure-openai\n" +
    "    upstream: https://res.openai.azure.com\n" +
    "    deployments:\n      prod-4o: gpt-4o\n      eu: { model: gpt-4o-mini, scope: data_zone }\n";
  const config = configOf(await loadFrom({ "ongoingai.yaml": yaml }));
  const az = config.providers.find((p) => p.id === "az");
  assert.ok(az !== undefined);
  assert.equal(az.kind, "azure-openai");
  assert.equal(az.prefix, "/az");
  assert.equal(az.upstream, "https://res.openai.azure.com");
  assert.deepEqual(az.deployments, {
    "prod-4o": "gpt-4o",
    eu: { model: "gpt-4o-mini", scope: "data_zone" },
  });
  assert.equal("deployments" in config.providers.find((p) => p.id === "openai")!, false);
});

Deno.test("config: a route may mix azure-openai targets with another OpenAI-format kind", async () => {
  // Each attempt asks its target's kind whether it can read the path (route_path_refusal.ts):
  // a target that cannot is skipped, so the mix is no longer refused.
  const yaml = "providers:\n  az:\n    kind: azure-openai\n" +
    "    upstream: https://res.openai.azure.com\n" +
    "routes:\n  main:\n    targets:\n" +
    "      - { provider: az, model: prod-4o }\n      - { provider: openai, model: gpt-4o }\n";
  const config = configOf(await loadFrom({ "ongoingai.yaml": yaml }));
  const route = config.routes["main"];
  assert.ok(route !== undefined && typeof route !== "function");
  const targets = route.targets;
  assert.ok(Array.isArray(targets));
  assert.deepEqual(targets.map((t) => t.provider), ["az", "openai"]);
});
