/**
 * The model an Azure exchange records and the id it is priced with (azure_model.ts), and the
 * credential facts: what the client sent, and the header a pool key goes in.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  azureClientCredential,
  azurePoolKeyHeader,
  azureTraceModel,
  type DeploymentMapping,
  requestDeployment,
} from "../../src/providers/azure_model.ts";
import { parseAzurePath } from "../../src/providers/azure_paths.ts";
import { mappedPriceKey } from "../../src/pricing/mod.ts";

const deployments: Record<string, DeploymentMapping> = {
  "prod-4o": "gpt-4o",
  "eu-mini": { model: "o4-mini", scope: "data_zone" },
  blank: " ",
};

Deno.test("azure trace model: mapping, else the answer's model, else the deployment", () => {
  const table: [string | null, string | null, { model: string | null; priceId: string | null }][] =
    [
      ["prod-4o", "gpt-4o-2024-11-20", { model: "gpt-4o", priceId: "prod-4o" }],
      ["eu-mini", "o4-mini-2025-04-16", { model: "o4-mini", priceId: "eu-mini" }],
      ["eu-mini", null, { model: "o4-mini", priceId: "eu-mini" }],
      ["unmapped", "gpt-4.1-2025-04-14", {
        model: "gpt-4.1-2025-04-14",
        priceId: "gpt-4.1-2025-04-14",
      }],
      ["unmapped", null, { model: "unmapped", priceId: "unmapped" }],
      ["unmapped", "  ", { model: "unmapped", priceId: "unmapped" }],
      // A blank mapping maps nothing; inherited names are no deployment.
      ["blank", "gpt-4o-mini", { model: "gpt-4o-mini", priceId: "gpt-4o-mini" }],
      ["toString", null, { model: "toString", priceId: "toString" }],
      [null, "gpt-4o", { model: "gpt-4o", priceId: "gpt-4o" }],
      [null, null, { model: null, priceId: null }],
    ];
  for (const [deployment, answerModel, want] of table) {
    deepStrictEqual(
      azureTraceModel({ deployment, answerModel, deployments }),
      { ...want, deployment },
      `${deployment} / ${answerModel}`,
    );
  }
  deepStrictEqual(azureTraceModel({ deployment: "prod-4o", answerModel: "gpt-4o-2024-11-20" }), {
    model: "gpt-4o-2024-11-20",
    deployment: "prod-4o",
    priceId: "gpt-4o-2024-11-20",
  });
});

Deno.test("azure trace model: the price id keeps the deployment's scope in pricing", () => {
  // What pricing does with the price id (pricing/model_key.ts, short form scope `global`).
  const eu = azureTraceModel({
    deployment: "eu-mini",
    answerModel: "o4-mini-2025-04-16",
    deployments,
  });
  deepStrictEqual(mappedPriceKey(eu.priceId!, deployments, "global"), {
    model: "o4-mini",
    scope: "data_zone",
  });
  // Priced by the recorded model instead, the Data Zone scope would be lost.
  strictEqual(mappedPriceKey(eu.model!, deployments, "global"), null);
});

Deno.test("azure request deployment: the path's, else the body's model", () => {
  const dep = parseAzurePath(
    "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21",
  )!;
  strictEqual(requestDeployment(dep, "ignored"), "prod-4o");
  const v1 = parseAzurePath("/openai/v1/responses")!;
  strictEqual(requestDeployment(v1, " eu-mini "), "eu-mini");
  strictEqual(requestDeployment(v1, null), null);
  strictEqual(
    requestDeployment(parseAzurePath("/openai/responses?api-version=preview")!, ""),
    null,
  );
});

Deno.test("azure credentials: what the client sent", () => {
  const table: [Record<string, string>, ReturnType<typeof azureClientCredential>][] = [
    // AzureOpenAI({apiKey}) → api-key; AzureOpenAI({azureADTokenProvider}) → Bearer.
    [{ "api-key": "k1" }, { kind: "api_key", value: "k1" }],
    [{ authorization: "Bearer eyJ0eXAi.e30.sig" }, { kind: "bearer", value: "eyJ0eXAi.e30.sig" }],
    [{ authorization: "bearer   k2" }, { kind: "bearer", value: "k2" }],
    [{ "api-key": "k1", authorization: "Bearer t" }, { kind: "api_key", value: "k1" }],
    [{ "api-key": "  ", authorization: "Bearer t" }, { kind: "bearer", value: "t" }],
    [{ authorization: "Bearer" }, { kind: "none" }],
    [{ authorization: "Basic abc" }, { kind: "none" }],
    [{}, { kind: "none" }],
  ];
  for (const [headers, want] of table) {
    deepStrictEqual(azureClientCredential(new Headers(headers)), want, JSON.stringify(headers));
  }
});

Deno.test("azure credentials: the header a pool key goes in", () => {
  deepStrictEqual(azurePoolKeyHeader("pk"), ["api-key", "pk"]);
  deepStrictEqual(azurePoolKeyHeader("pk", "deployment"), ["api-key", "pk"]);
  deepStrictEqual(azurePoolKeyHeader("pk", "openai"), ["api-key", "pk"]);
  deepStrictEqual(azurePoolKeyHeader("pk", "v1"), ["authorization", "Bearer pk"]);
});
