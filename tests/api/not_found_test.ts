import assert from "node:assert/strict";
import { routeNotFoundMessage } from "../../src/api/not_found.ts";

const builtIn = [{ id: "openai", prefix: "/openai" }, { id: "anthropic", prefix: "/anthropic" }];

Deno.test("a path with no route names the config's provider prefixes", () => {
  const cases: [string, string, { id: string; prefix: string }[], string][] = [
    [
      "POST",
      "/v1/chat/completions",
      builtIn,
      "no route for POST /v1/chat/completions: no provider prefix. Requests to a provider go under its prefix: anthropic under /anthropic/v1/chat/completions, openai under /openai/v1/chat/completions; API routes are under /api/; see the README",
    ],
    [
      "GET",
      "/v1",
      [{ id: "mistral", prefix: "/eu/mistral" }],
      "no route for GET /v1: no provider prefix. Requests to a provider go under its prefix: mistral under /eu/mistral/v1; API routes are under /api/; see the README",
    ],
    [
      "GET",
      "/favicon.ico",
      builtIn,
      "no route for GET /favicon.ico: no provider prefix. Requests to a provider go under its prefix: anthropic under /anthropic/..., openai under /openai/...; API routes are under /api/; see the README",
    ],
    [
      "GET",
      "/api/nope",
      builtIn,
      "no route for GET /api/nope; API routes are under /api/",
    ],
    [
      "POST",
      "/v1/messages",
      [],
      "no route for POST /v1/messages: no provider is enabled, so requests to a provider have no route (see providers in the config); API routes are under /api/",
    ],
  ];
  for (const [method, path, providers, want] of cases) {
    assert.equal(routeNotFoundMessage(method, path, providers), want, path);
  }
});

Deno.test("a long provider list is cut and counted", () => {
  const many = Array.from({ length: 11 }, (_, i) => ({ id: `p${i + 10}`, prefix: `/p${i + 10}` }));
  const message = routeNotFoundMessage("GET", "/v1/models", many);
  assert.match(message, /p17 under \/p17\/v1\/models \(and 3 more\); API routes/);
  assert.ok(!message.includes("p18"), message);
});
