/**
 * A routed attempt asks its target's adapter whether it can read the path it would send
 * (`pathProblem`): Azure refuses OpenAI paths and malformed `api-version`s, the OpenAI kinds read
 * any path. A refusal is an outcome of its own (`path_refused`), and when every target refused the
 * client's error names each target once, with what its kind cannot read.
 */
import assert from "node:assert/strict";
import type { ProxyRoute } from "../../src/proxy/mod.ts";
import { proxyRoute } from "./proxy_route_fixture.ts";
import {
  noTargetReadsPath,
  type PathRefusal,
  refusedEverywhere,
  refusedPath,
} from "../../src/proxy/route_path_refusal.ts";
import type { RoutedRoute } from "../../src/routing/mod.ts";

const azure = proxyRoute("az", "azure-openai");
const openai = proxyRoute("openai", "openai");

const cases: [string, ProxyRoute, string, RegExp | null][] = [
  ["an OpenAI path on Azure", azure, "/v1/chat/completions", /does not start with \/openai/],
  [
    "a malformed api-version on Azure",
    azure,
    "/openai/deployments/d/chat/completions?api-version=1%3Cscript%3E",
    /api-version/,
  ],
  ["an Azure deployment path", azure, "/openai/deployments/d/chat/completions", null],
  ["the Azure v1 form", azure, "/openai/v1/chat/completions", null],
  ["any path on OpenAI (no pathProblem)", openai, "/v1/chat/completions", null],
  ["an Azure path on OpenAI (sent as it is)", openai, "/openai/deployments/d/embeddings", null],
];

for (const [name, target, path, problem] of cases) {
  Deno.test(`refusedPath: ${name}`, () => {
    const refusals: PathRefusal[] = [];
    const tried = refusedPath(target, path, refusals);
    if (problem === null) {
      assert.equal(tried, null);
      assert.equal(refusals.length, 0);
      return;
    }
    assert.ok(tried !== null && tried.kind === "failed");
    assert.equal(tried.replay, null, "nothing was sent: nothing to replay");
    assert.equal(tried.outcome.kind, "path_refused");
    assert.match((tried.outcome as { detail: string }).detail, problem);
    assert.deepEqual(refusals.map((r) => [r.provider, r.kind]), [["az", "azure-openai"]]);
  });
}

Deno.test("refusedPath: a long problem is bounded", () => {
  const long = proxyRoute("az", "azure-openai");
  long.adapter = { ...long.adapter, pathProblem: () => "x".repeat(5000) };
  const refusals: PathRefusal[] = [];
  const tried = refusedPath(long, "/v1/chat/completions", refusals);
  assert.ok(tried?.kind === "failed" && tried.outcome.kind === "path_refused");
  assert.equal(tried.outcome.detail.length, 300);
  assert.equal(refusals[0]!.problem.length, 300);
});

Deno.test("noTargetReadsPath: invalid_provider_path naming each target once, with why", () => {
  const refusals: PathRefusal[] = [
    { provider: "az", kind: "azure-openai", problem: "the path does not start with /openai" },
    { provider: "az2", kind: "azure-openai", problem: "the api-version is malformed" },
    { provider: "az", kind: "azure-openai", problem: "the path does not start with /openai" },
  ];
  const err = noTargetReadsPath(
    { name: "main" } as RoutedRoute,
    "POST",
    "/v1/chat/completions",
    refusals,
  );
  assert.equal(err.code, "invalid_provider_path");
  assert.equal(err.status, 400);
  assert.match(err.message, /^POST \/v1\/chat\/completions: route main has no target/);
  assert.match(err.message, /providers\.az \(kind azure-openai\): the path does not start/);
  assert.match(err.message, /providers\.az2 \(kind azure-openai\): the api-version is malformed/);
  assert.equal(err.message.split("providers.az ").length, 2, "each target once");
});

Deno.test("refusedEverywhere: only when every target's provider refused", () => {
  const route = (...providers: string[]) =>
    ({
      targets: providers.map((provider) => ({ provider, model: "m" })),
    }) as unknown as RoutedRoute;
  const az: PathRefusal = { provider: "az", kind: "azure-openai", problem: "p" };
  assert.equal(refusedEverywhere(route("az", "az"), [az]), true);
  // The OpenAI target was not tried (its breaker open): not the request's fault alone.
  assert.equal(refusedEverywhere(route("az", "openai"), [az]), false);
  assert.equal(refusedEverywhere(route("az"), []), false);
});
