/**
 * Azure OpenAI paths (azure_paths.ts): the three forms the `openai` SDK and Azure's v1 API use,
 * the api-version rule for `stream_options`, hostile paths refused with a reason, and `withModel`
 * for each form.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  acceptsStreamOptions,
  azureOperationName,
  type AzurePath,
  azureWithModel,
  parseAzurePath,
  readAzurePath,
} from "../../src/providers/azure_paths.ts";

const table: { path: string; want: AzurePath }[] = [
  {
    path: "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21",
    want: {
      form: "deployment",
      deployment: "prod-4o",
      operation: "chat/completions",
      apiVersion: "2024-10-21",
    },
  },
  {
    path: "/openai/deployments/gpt-4.1_mini/completions?api-version=2025-04-01-preview",
    want: {
      form: "deployment",
      deployment: "gpt-4.1_mini",
      operation: "completions",
      apiVersion: "2025-04-01-preview",
    },
  },
  {
    path: "/openai/deployments/embed/embeddings?api-version=2024-06-01",
    want: {
      form: "deployment",
      deployment: "embed",
      operation: "embeddings",
      apiVersion: "2024-06-01",
    },
  },
  {
    path: "/openai/deployments/whisper/audio/transcriptions?api-version=2024-10-21",
    want: {
      form: "deployment",
      deployment: "whisper",
      operation: "audio/transcriptions",
      apiVersion: "2024-10-21",
    },
  },
  {
    // The SDK does not insert /deployments/ for the Responses API: the body names the deployment.
    path: "/openai/responses?api-version=2025-04-01-preview",
    want: {
      form: "openai",
      deployment: null,
      operation: "responses",
      apiVersion: "2025-04-01-preview",
    },
  },
  {
    path: "/openai/models?api-version=2024-10-21",
    want: { form: "openai", deployment: null, operation: "models", apiVersion: "2024-10-21" },
  },
  {
    path: "/openai/v1/chat/completions",
    want: { form: "v1", deployment: null, operation: "chat/completions", apiVersion: null },
  },
  {
    path: "/openai/v1/responses?api-version=preview",
    want: { form: "v1", deployment: null, operation: "responses", apiVersion: "preview" },
  },
  {
    path: "/openai/v1/responses/resp_abc123/input_items",
    want: {
      form: "v1",
      deployment: null,
      operation: "responses/resp_abc123/input_items",
      apiVersion: null,
    },
  },
  {
    // A trailing slash is one empty segment too many, read as none; other query members are kept.
    path: "/openai/deployments/d1/chat/completions/?foo=bar&api-version=2024-10-21",
    want: {
      form: "deployment",
      deployment: "d1",
      operation: "chat/completions",
      apiVersion: "2024-10-21",
    },
  },
];

Deno.test("azure paths: the three forms", () => {
  for (const { path, want } of table) deepStrictEqual(parseAzurePath(path), want, path);
});

const hostile: { path: string; says: RegExp }[] = [
  { path: "/openai/deployments/../chat/completions", says: /"\.\." segment/ },
  { path: "/openai/deployments/./chat/completions", says: /"\." or "\.\."/ },
  { path: "/openai//chat/completions", says: /empty/ },
  { path: "/openai/deployments/a%2Fb/chat/completions", says: /percent escape.*unencoded/ },
  { path: "/openai/deployments/a%2fb/chat/completions", says: /percent escape/ },
  { path: "/openai/deployments/ok/chat%2Fcompletions", says: /percent escape/ },
  { path: "/openai/deployments/bad name/chat/completions", says: /character Azure does not allow/ },
  { path: "/openai/deployments/-x/chat/completions", says: /character Azure does not allow/ },
  { path: `/openai/deployments/${"d".repeat(65)}/chat/completions`, says: /longer than 64/ },
  { path: `/openai/v1/${"a/".repeat(1100)}x`, says: /longer than 2048/ },
  { path: "/openai/v1/a/b/c/d/e/f/g/h/i", says: /more than 8 segments/ },
  { path: "/openai/deployments/", says: /empty|no deployment/ },
  { path: "/openai/deployments", says: /no deployment/ },
  { path: "/openai/deployments/d1", says: /no operation/ },
  { path: "/openai", says: /no operation/ },
  { path: "/v1/chat/completions", says: /does not start with \/openai/ },
  { path: "openai/v1/chat/completions", says: /must start with/ },
  { path: "/openai/v1/chat/completions\\x", says: /percent escape or a character/ },
  {
    path: "/openai/v1/chat/completions?api-version=2024-10-21&api-version=2024-10-21",
    says: /more than one/,
  },
  {
    path: "/openai/v1/chat/completions?api-version=2024-10-21%00",
    says: /not an Azure OpenAI API version/,
  },
  {
    path: "/openai/v1/chat/completions?API-VERSION=yesterday",
    says: /not an Azure OpenAI API version/,
  },
  { path: `/openai/v1/chat/completions?api-version=${"9".repeat(40)}`, says: /not an Azure/ },
];

Deno.test("azure paths: hostile paths are refused with what was wrong", () => {
  for (const { path, says } of hostile) {
    const r = readAzurePath(path);
    strictEqual(r.ok, false, path);
    if (!r.ok) strictEqual(says.test(r.problem), true, `${path}: ${r.problem}`);
    strictEqual(parseAzurePath(path), null, path);
  }
});

Deno.test("azure paths: stream_options only where Azure accepts it", () => {
  const cases: [string, boolean][] = [
    ["/openai/v1/chat/completions", true],
    ["/openai/deployments/d/chat/completions?api-version=2024-10-21", true],
    ["/openai/deployments/d/chat/completions?api-version=2024-09-01-preview", true],
    ["/openai/deployments/d/chat/completions?api-version=2025-04-01-preview", true],
    ["/openai/deployments/d/chat/completions?api-version=preview", true],
    ["/openai/deployments/d/chat/completions?api-version=2024-08-01-preview", false],
    ["/openai/deployments/d/chat/completions?api-version=2024-06-01", false],
    ["/openai/deployments/d/chat/completions?api-version=2024-02-01", false],
    ["/openai/deployments/d/chat/completions?api-version=2023-05-15", false],
    ["/openai/deployments/d/chat/completions", false],
  ];
  for (const [path, accepts] of cases) {
    strictEqual(acceptsStreamOptions(parseAzurePath(path)!), accepts, path);
  }
});

Deno.test("azure paths: gen_ai.operation.name", () => {
  const names: [string, string | null][] = [
    ["/openai/deployments/d/chat/completions?api-version=2024-10-21", "chat"],
    ["/openai/responses?api-version=2025-04-01-preview", "chat"],
    ["/openai/v1/responses", "chat"],
    ["/openai/deployments/d/completions?api-version=2024-10-21", "text_completion"],
    ["/openai/v1/embeddings", "embeddings"],
    ["/openai/deployments/w/audio/transcriptions?api-version=2024-10-21", null],
    ["/openai/v1/models", null],
  ];
  for (const [path, name] of names) {
    strictEqual(azureOperationName(parseAzurePath(path)!), name, path);
  }
});

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { ignoreBOM: true });
const body = (text: string) => enc.encode(text);

Deno.test("azure withModel: the deployment form replaces the segment (and a body model)", () => {
  const path = "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21";
  const out = azureWithModel({ path, body: body('{"model":"prod-4o","stream":true}') }, "eu-4o");
  strictEqual(out.path, "/openai/deployments/eu-4o/chat/completions?api-version=2024-10-21");
  strictEqual(dec.decode(out.body!), '{"model":"eu-4o","stream":true}');
  // No model in the body (the SDK with its `deployment` option still sends one; curl may not).
  const bare = azureWithModel({ path, body: body('{ "messages": [] }') }, "eu-4o");
  strictEqual(dec.decode(bare.body!), '{ "messages": [] }');
  // A trailing slash and the query are kept.
  const slash = azureWithModel({
    path: "/openai/deployments/a/embeddings/?api-version=2024-10-21",
    body: null,
  }, "b");
  deepStrictEqual(slash, {
    path: "/openai/deployments/b/embeddings/?api-version=2024-10-21",
    body: null,
  });
});

Deno.test("azure withModel: body forms set the body's model; the path stays", () => {
  for (
    const path of [
      "/openai/responses?api-version=2025-04-01-preview",
      "/openai/v1/chat/completions",
    ]
  ) {
    const out = azureWithModel({ path, body: body('\uFEFF{"input":"hi","model":"a"}') }, "b");
    strictEqual(out.path, path);
    strictEqual(dec.decode(out.body!), '\uFEFF{"input":"hi","model":"b"}');
    const added = azureWithModel({ path, body: body('{"input":"hi"}') }, "b");
    strictEqual(dec.decode(added.body!), '{"input":"hi","model":"b"}');
  }
});

Deno.test("azure withModel: refused paths, impossible names and non-JSON bodies stay as they are", () => {
  const refused = { path: "/openai/deployments/../chat/completions", body: body('{"model":"a"}') };
  strictEqual(azureWithModel(refused, "b"), refused);
  const path = "/openai/deployments/a/chat/completions?api-version=2024-10-21";
  const request = { path, body: body('{"model":"a"}') };
  for (const bad of ["../x", "a/b", "a%2Fb", "", "x".repeat(65), "with space"]) {
    strictEqual(azureWithModel(request, bad), request, bad);
  }
  const multipart = {
    path: "/openai/deployments/w/audio/transcriptions?api-version=2024-10-21",
    body: body("--b\r\n"),
  };
  deepStrictEqual(azureWithModel(multipart, "w2"), {
    path: "/openai/deployments/w2/audio/transcriptions?api-version=2024-10-21",
    body: multipart.body,
  });
  const v1 = { path: "/openai/v1/chat/completions", body: body("[1]") };
  deepStrictEqual(azureWithModel(v1, "b"), v1);
});
