/**
 * The composed `azure-openai` adapter (azure_openai.ts, not registered until P0 lands): the
 * request's model from the path or the body, `include_usage` only where Azure takes it, and the
 * OpenAI readers behind it on Azure paths.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  azureOpenAiAdapter,
  azurePathProblem,
  prepareAzureRequest,
} from "../../src/providers/azure_openai.ts";
import { fixture, replay, usage } from "./replay.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const streamBody = enc.encode('{"model":"body-dep","messages":[],"stream":true}');

function prepare(path: string, streamUsage = true) {
  return prepareAzureRequest({
    method: "POST",
    path,
    contentType: "application/json",
    body: streamBody,
    streamUsage,
  });
}

const withUsage =
  '{"model":"body-dep","messages":[],"stream":true,"stream_options":{"include_usage":true}}';

Deno.test("azure prepareRequest: model from the path or the body; include_usage by api-version", () => {
  const table: [string, string, "path" | "body", boolean][] = [
    [
      "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21",
      "prod-4o",
      "path",
      true,
    ],
    [
      "/openai/deployments/prod-4o/chat/completions?api-version=2024-06-01",
      "prod-4o",
      "path",
      false,
    ],
    [
      "/openai/deployments/prod-4o/chat/completions?api-version=2024-08-01-preview",
      "prod-4o",
      "path",
      false,
    ],
    ["/openai/deployments/prod-4o/chat/completions", "prod-4o", "path", false],
    ["/openai/v1/chat/completions", "body-dep", "body", true],
    // Responses streams always end with usage: nothing is added.
    ["/openai/responses?api-version=2025-04-01-preview", "body-dep", "body", false],
    // Refused paths: no usage request, the body's model.
    [
      "/openai/deployments/a%2Fb/chat/completions?api-version=2024-10-21",
      "body-dep",
      "body",
      false,
    ],
  ];
  for (const [path, model, modelIn, added] of table) {
    const p = prepare(path);
    strictEqual(p.model, model, path);
    strictEqual(p.modelIn, modelIn, path);
    strictEqual(p.streaming, true, path);
    strictEqual(p.hideUsageEvent, added, path);
    strictEqual(dec.decode(p.body!), added ? withUsage : dec.decode(streamBody), path);
  }
  // The provider's own switch still wins.
  const off = prepare("/openai/v1/chat/completions", false);
  strictEqual(off.body, streamBody);
});

Deno.test("azure adapter: the OpenAI readers on an Azure stream; hooks; refused paths", () => {
  const info = {
    path: "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21",
    status: 200,
    contentType: "text/event-stream",
    requestedStreaming: true,
    requestModel: "prod-4o",
  };
  const report = replay(azureOpenAiAdapter, info, [fixture("azure/chat_stream_usage.sse")]);
  deepStrictEqual(report, {
    model: "gpt-4o-2024-11-20",
    usage: usage(1200, 80, { cached: 1024 }),
    status: "exact",
    parseErrors: 0,
  });
  strictEqual(
    azureOpenAiAdapter.createCommitScanner!(info, { mode: "first_content", maxHeldBytes: 1024 }) !==
      null,
    true,
  );
  strictEqual(azureOpenAiAdapter.operationOf(info.path), "chat");
  strictEqual(azureOpenAiAdapter.operationOf("/v1/chat/completions"), null);
  deepStrictEqual(azureOpenAiAdapter.withModel({ path: info.path, body: null }, "eu-4o"), {
    path: "/openai/deployments/eu-4o/chat/completions?api-version=2024-10-21",
    body: null,
  });
  deepStrictEqual(
    azureOpenAiAdapter.errorFacts!(404, '{"error":{"code":"DeploymentNotFound","message":"gone"}}'),
    { category: "not_found", message: "gone" },
  );
  strictEqual(azurePathProblem(info.path), null);
  strictEqual(azurePathProblem("/openai/deployments/../x")?.includes('".."'), true);
});
