/**
 * What the official `AzureOpenAI` client (npm `openai@7.57.0`) sends, captured with its `fetch`
 * option (no network): the paths azure_paths.ts reads, the api-version it adds, and the two
 * credential headers azure_model.ts reads. The client's own code is the source of these facts.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { AzureOpenAI } from "openai";
import { acceptsStreamOptions, parseAzurePath } from "../../src/providers/azure_paths.ts";
import { azureClientCredential } from "../../src/providers/azure_model.ts";

interface Captured {
  url: URL;
  headers: Headers;
  redirect: RequestRedirect | undefined;
  body: unknown;
}

function capture(into: Captured[]) {
  return (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : null;
    into.push({ url, headers: new Headers(init?.headers), redirect: init?.redirect, body });
    const answer = url.pathname.endsWith("/embeddings")
      ? { object: "list", data: [], model: "m", usage: { prompt_tokens: 1, total_tokens: 1 } }
      : url.pathname.endsWith("/responses")
      ? { id: "r", object: "response", output: [], model: "m", status: "completed" }
      : { id: "c", object: "chat.completion", choices: [], model: "m" };
    return Promise.resolve(Response.json(answer));
  };
}

const endpoint = "http://127.0.0.1:9/azure";

Deno.test("AzureOpenAI with an API key: api-key header, deployment paths, api-version", async () => {
  const seen: Captured[] = [];
  const client = new AzureOpenAI({
    endpoint,
    apiKey: "azure-key-1",
    apiVersion: "2024-10-21",
    fetch: capture(seen),
    maxRetries: 0,
  });
  await client.chat.completions.create({
    model: "prod-4o",
    messages: [{ role: "user", content: "hi" }],
  });
  await client.embeddings.create({ model: "embed-small", input: "hi" });
  await client.responses.create({ model: "reasoner", input: "hi" });
  const paths = seen.map((s) => s.url.pathname.slice("/azure".length) + s.url.search);
  deepStrictEqual(paths, [
    "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21",
    "/openai/deployments/embed-small/embeddings?api-version=2024-10-21",
    // No /deployments/ for the Responses API: the body's model names the deployment.
    "/openai/responses?api-version=2024-10-21",
  ]);
  deepStrictEqual(paths.map((p) => parseAzurePath(p)?.form), [
    "deployment",
    "deployment",
    "openai",
  ]);
  strictEqual(acceptsStreamOptions(parseAzurePath(paths[0]!)!), true);
  for (const s of seen) {
    deepStrictEqual(azureClientCredential(s.headers), { kind: "api_key", value: "azure-key-1" });
    strictEqual(s.headers.has("authorization"), false);
    strictEqual(s.redirect, "manual");
  }
  strictEqual((seen[2]!.body as { model: string }).model, "reasoner");
});

Deno.test("AzureOpenAI with an Entra ID token provider: Authorization Bearer, no api-key", async () => {
  const seen: Captured[] = [];
  const client = new AzureOpenAI({
    endpoint,
    azureADTokenProvider: () => Promise.resolve("eyJ0eXAiOiJKV1QifQ.e30.sig"),
    apiVersion: "2025-04-01-preview",
    deployment: "fixed-dep",
    fetch: capture(seen),
    maxRetries: 0,
  });
  await client.chat.completions.create({
    model: "ignored",
    messages: [{ role: "user", content: "hi" }],
  });
  const s = seen[0]!;
  strictEqual(
    s.url.pathname + s.url.search,
    "/azure/openai/deployments/fixed-dep/chat/completions?api-version=2025-04-01-preview",
  );
  deepStrictEqual(azureClientCredential(s.headers), {
    kind: "bearer",
    value: "eyJ0eXAiOiJKV1QifQ.e30.sig",
  });
  strictEqual(s.headers.has("api-key"), false);
});
