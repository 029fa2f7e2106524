import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  anthropicAdapter,
  openAiAdapter,
  type PrepareInput,
  type ProviderAdapter,
  providerAdapters,
} from "../../src/providers/mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { ignoreBOM: true });
const usageOn = '"stream_options":{"include_usage":true}';

interface Case {
  name: string;
  adapter?: ProviderAdapter;
  input: Partial<PrepareInput> & { text?: string };
  /** The rewritten body, or "unchanged" for the very bytes the client sent. */
  body: string | "unchanged";
  model: string | null;
  streaming: boolean;
}

const cases: Case[] = [
  {
    name: "chat stream without stream_options gets include_usage appended",
    input: {
      text: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true}',
    },
    body:
      `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true,${usageOn}}`,
    model: "gpt-4o-mini",
    streaming: true,
  },
  {
    name: "pretty-printed body keeps its whitespace",
    input: { text: '{\n  "model": "gpt-4o",\n  "stream": true\n}\n' },
    body: `{\n  "model": "gpt-4o",\n  "stream": true,${usageOn}\n}\n`,
    model: "gpt-4o",
    streaming: true,
  },
  {
    name: "other stream_options fields are kept, in place",
    input: {
      text: '{"stream_options":{"include_obfuscation":false},"model":"gpt-4o","stream":true}',
    },
    body:
      '{"stream_options":{"include_obfuscation":false,"include_usage":true},"model":"gpt-4o","stream":true}',
    model: "gpt-4o",
    streaming: true,
  },
  {
    name: "include_usage false is turned on (and hidden again)",
    input: { text: '{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":false}}' },
    body: `{"model":"gpt-4o","stream":true,${usageOn}}`,
    model: "gpt-4o",
    streaming: true,
  },
  {
    name: "stream_options null is replaced",
    input: { text: '{"model":"gpt-4o","stream":true,"stream_options":null}' },
    body: `{"model":"gpt-4o","stream":true,${usageOn}}`,
    model: "gpt-4o",
    streaming: true,
  },
  {
    name: "the last of duplicate stream_options keys is the one changed",
    input: { text: '{"stream_options":{},"model":"m","stream":true,"stream_options":{"a":1}}' },
    body:
      '{"stream_options":{},"model":"m","stream":true,"stream_options":{"a":1,"include_usage":true}}',
    model: "m",
    streaming: true,
  },
  {
    name: "large integers, escapes and tricky strings are left byte for byte",
    input: {
      text:
        '{"model":"gpt-4o","seed":12345678901234567890,"temperature":1.0,"messages":[{"role":"user","content":"caf\\u00e9 \\"}\\" {[ \u2603"}],"stream":true}',
    },
    body:
      `{"model":"gpt-4o","seed":12345678901234567890,"temperature":1.0,"messages":[{"role":"user","content":"caf\\u00e9 \\"}\\" {[ \u2603"}],"stream":true,${usageOn}}`,
    model: "gpt-4o",
    streaming: true,
  },
  {
    name: "a byte-order mark is kept",
    input: { text: '\uFEFF{"model":"gpt-4o","stream":true}' },
    body: `\uFEFF{"model":"gpt-4o","stream":true,${usageOn}}`,
    model: "gpt-4o",
    streaming: true,
  },
  {
    name: "legacy completions streams get include_usage too",
    input: { path: "/v1/completions", text: '{"model":"gpt-3.5-turbo-instruct","stream":true}' },
    body: `{"model":"gpt-3.5-turbo-instruct","stream":true,${usageOn}}`,
    model: "gpt-3.5-turbo-instruct",
    streaming: true,
  },
  {
    name: "an upstream base path and a query string still match",
    input: {
      path: "/openai/deployments/x/chat/completions?api-version=2024-10-21",
      text: '{"stream":true}',
    },
    body: `{"stream":true,${usageOn}}`,
    model: null,
    streaming: true,
  },
  {
    name: "a missing content type is tried as JSON",
    input: { contentType: null, text: '{"model":"gpt-4o","stream":true}' },
    body: `{"model":"gpt-4o","stream":true,${usageOn}}`,
    model: "gpt-4o",
    streaming: true,
  },
  {
    name: "client already asked for usage: byte-identical",
    input: { text: '{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}' },
    body: "unchanged",
    model: "gpt-4o",
    streaming: true,
  },
  {
    name: "not streaming: byte-identical",
    input: { text: '{"model":"gpt-4o","stream":false}' },
    body: "unchanged",
    model: "gpt-4o",
    streaming: false,
  },
  {
    name: "provider turned stream_usage off: byte-identical",
    input: { streamUsage: false, text: '{"model":"llama3","stream":true}' },
    body: "unchanged",
    model: "llama3",
    streaming: true,
  },
  {
    name: "responses streams always report usage: byte-identical",
    input: { path: "/v1/responses", text: '{"model":"gpt-5","input":"hi","stream":true}' },
    body: "unchanged",
    model: "gpt-5",
    streaming: true,
  },
  {
    name: "embeddings: byte-identical",
    input: { path: "/v1/embeddings", text: '{"model":"text-embedding-3-small","input":"x"}' },
    body: "unchanged",
    model: "text-embedding-3-small",
    streaming: false,
  },
  {
    name: "invalid JSON is forwarded unchanged without a model",
    input: { text: '{"model":"gpt-4o","stream":true' },
    body: "unchanged",
    model: null,
    streaming: false,
  },
  {
    name: "a top-level array is not a request object",
    input: { text: '[{"model":"gpt-4o","stream":true}]' },
    body: "unchanged",
    model: null,
    streaming: false,
  },
  {
    name: "a non-JSON content type is not parsed",
    input: { contentType: "multipart/form-data; boundary=x", text: '{"model":"whisper-1"}' },
    body: "unchanged",
    model: null,
    streaming: false,
  },
  {
    name: "a GET has no body to read",
    input: { method: "GET", path: "/v1/models", text: '{"model":"gpt-4o"}' },
    body: "unchanged",
    model: null,
    streaming: false,
  },
  {
    name: "an empty body",
    input: { text: "" },
    body: "unchanged",
    model: null,
    streaming: false,
  },
  {
    name: "model is trimmed; a blank model is none",
    input: { text: '{"model":"  gpt-4o  ","stream":false}' },
    body: "unchanged",
    model: "gpt-4o",
    streaming: false,
  },
  {
    name: "anthropic streams are forwarded as sent",
    adapter: anthropicAdapter,
    input: {
      path: "/v1/messages",
      text: '{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[]}',
    },
    body: "unchanged",
    model: "claude-sonnet-4-5",
    streaming: true,
  },
];

for (const c of cases) {
  Deno.test(`prepareRequest: ${c.name}`, () => {
    const body = c.input.text === undefined ? null : enc.encode(c.input.text);
    const input: PrepareInput = {
      method: c.input.method ?? "POST",
      path: c.input.path ?? "/v1/chat/completions",
      contentType: c.input.contentType === undefined ? "application/json" : c.input.contentType,
      body,
      streamUsage: c.input.streamUsage ?? true,
    };
    const got = (c.adapter ?? openAiAdapter).prepareRequest(input);
    strictEqual(got.model, c.model);
    strictEqual(got.streaming, c.streaming);
    if (c.body === "unchanged") {
      strictEqual(got.body, body, "the client's own bytes");
      strictEqual(got.hideUsageEvent, false);
    } else {
      strictEqual(dec.decode(got.body!), c.body);
      strictEqual(got.hideUsageEvent, true);
      deepStrictEqual(JSON.parse(c.body.replace(/^\uFEFF/, "")).stream_options.include_usage, true);
    }
  });
}

Deno.test("prepareRequest: invalid UTF-8 bytes are forwarded unchanged", () => {
  const body = new Uint8Array([
    ...enc.encode('{"model":"a","stream":true,"x":"'),
    0xff,
    0x22,
    0x7d,
  ]);
  const got = openAiAdapter.prepareRequest({
    method: "POST",
    path: "/v1/chat/completions",
    contentType: "application/json",
    body,
    streamUsage: true,
  });
  deepStrictEqual(got, {
    body,
    model: null,
    streaming: false,
    hideUsageEvent: false,
    maxTokens: null,
  });
});

const maxTokensCases: { name: string; anthropic: boolean; json: unknown; want: number | null }[] = [
  { name: "openai max_tokens", anthropic: false, json: { max_tokens: 50 }, want: 50 },
  {
    name: "openai max_completion_tokens first",
    anthropic: false,
    json: { max_tokens: 50, max_completion_tokens: 70 },
    want: 70,
  },
  {
    name: "responses max_output_tokens",
    anthropic: false,
    json: { max_output_tokens: 9 },
    want: 9,
  },
  { name: "anthropic max_tokens", anthropic: true, json: { max_tokens: 1024 }, want: 1024 },
  { name: "not an integer", anthropic: false, json: { max_tokens: 1.5 }, want: null },
  { name: "absent", anthropic: true, json: { model: "m" }, want: null },
];

for (const c of maxTokensCases) {
  Deno.test(`prepareRequest: maxTokens, ${c.name}`, () => {
    const got = (c.anthropic ? anthropicAdapter : openAiAdapter).prepareRequest({
      method: "POST",
      path: c.anthropic ? "/v1/messages" : "/v1/chat/completions",
      contentType: "application/json",
      body: enc.encode(JSON.stringify(c.json)),
      streamUsage: false,
    });
    strictEqual(got.maxTokens, c.want);
  });
}

Deno.test("registry: one adapter per provider kind; compatible vendors speak OpenAI", () => {
  deepStrictEqual(Object.keys(providerAdapters).sort(), [
    "anthropic",
    "azure-openai",
    "bedrock",
    "gemini",
    "openai",
    "openai-compatible",
    "vertex",
  ]);
  strictEqual(providerAdapters["openai-compatible"], providerAdapters.openai);
  strictEqual(providerAdapters.anthropic.hideUsageEvent, undefined);
});
