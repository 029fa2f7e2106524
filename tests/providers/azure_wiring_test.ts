/**
 * The hooks that make `azure-openai` a served kind: `pathProblem` (the proxy refuses a path in
 * none of Azure's forms), `traceModel` (the trace's model and price id from the deployment and
 * the config's mapping), and `prepareRequest` reading the `api-version` from `query`.
 */
import assert from "node:assert/strict";
import { providerAdapters } from "../../src/providers/mod.ts";
import { azureOpenAiAdapter } from "../../src/providers/azure_openai.ts";

Deno.test("azure wiring: the registry serves the Azure adapter", () => {
  assert.equal(providerAdapters["azure-openai"], azureOpenAiAdapter);
});

Deno.test("azure wiring: pathProblem refuses what Azure has no form of, with what to send", () => {
  const problem = azureOpenAiAdapter.pathProblem!;
  const cases: [string, RegExp | null][] = [
    ["/openai/deployments/prod/chat/completions?api-version=2024-10-21", null],
    ["/openai/responses?api-version=2025-04-01-preview", null],
    ["/openai/v1/chat/completions", null],
    ["/v1/chat/completions", /does not start with \/openai; expected/],
    ["/openai/deployments/", /names no deployment/],
    ["/openai/deployments/prod/chat/completions?api-version=soon", /2024-10-21/],
    [
      "/openai/deployments/prod/chat/completions?api-version=2024-10-21&api-version=v1",
      /exactly one/,
    ],
  ];
  for (const [path, want] of cases) {
    const got = problem(path);
    if (want === null) assert.equal(got, null, path);
    else assert.match(got ?? "", want, path);
  }
});

Deno.test("azure wiring: traceModel maps the deployment, else the answer's model, else the deployment", () => {
  const decide = azureOpenAiAdapter.traceModel!;
  const deployments = { "prod-4o": "gpt-4o", eu: { model: "gpt-4o-mini" } };
  const rows: [string | null, string | null, string | null, string | null, string | null][] = [
    // request (deployment), answer model -> model, price id, azure_deployment
    ["prod-4o", "gpt-4o-2024-11-20", "gpt-4o", "prod-4o", "prod-4o"],
    ["eu", null, "gpt-4o-mini", "eu", "eu"],
    ["other", "gpt-4o-2024-11-20", "gpt-4o-2024-11-20", "gpt-4o-2024-11-20", "other"],
    ["other", "", "other", "other", "other"],
    [null, "gpt-4o", "gpt-4o", "gpt-4o", null],
    [null, null, null, null, null],
  ];
  for (const [requestModel, answerModel, model, priceId, deployment] of rows) {
    const got = decide({ requestModel, answerModel, deployments });
    const where = `${requestModel}/${answerModel}`;
    assert.equal(got.model, model, where);
    assert.equal(got.priceId, priceId, where);
    assert.deepEqual(
      got.metadata,
      deployment === null ? {} : { azure_deployment: deployment },
      where,
    );
  }
  // Without a mapping: the answer's model.
  assert.equal(decide({ requestModel: "prod-4o", answerModel: "gpt-4o-x" }).model, "gpt-4o-x");
});

Deno.test("azure wiring: prepareRequest reads the api-version from query", () => {
  const body = new TextEncoder().encode(JSON.stringify({ messages: [], stream: true }));
  const prepare = (query: string | undefined) =>
    azureOpenAiAdapter.prepareRequest({
      method: "POST",
      path: "/openai/deployments/prod-4o/chat/completions",
      ...(query === undefined ? {} : { query }),
      contentType: "application/json",
      body,
      streamUsage: true,
    });
  const modern = prepare("?api-version=2024-10-21");
  assert.equal(modern.hideUsageEvent, true);
  assert.equal(modern.model, "prod-4o");
  assert.equal(modern.modelIn, "path");
  // Before 2024-09-01-preview Azure answers 400 to stream_options: forwarded as sent.
  assert.equal(prepare("?api-version=2024-06-01").hideUsageEvent, false);
  assert.equal(prepare(undefined).hideUsageEvent, false);
});
