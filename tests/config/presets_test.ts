/**
 * OpenAI-compatible presets in config resolution: naming a preset id fills upstream, prefix and
 * `stream_usage`; what the config writes wins; an id that is no preset and has no upstream is
 * refused by `check` with the list of presets. The expected facts are written here, apart from
 * the table in src/providers/presets.ts (docs/providers-presets.md gives their sources).
 */
import assert from "node:assert/strict";
import { type ResolvedProvider, resolveProviders } from "../../src/config/mod.ts";
import { isPresetId, presetIds, presetOf } from "../../src/providers/mod.ts";
import { check } from "../../src/cli/check.ts";
import { runCaptured } from "../support/cli_io.ts";
import { assertIssueAt, configOf, errorsOf, loadFrom, withFiles } from "./temp_files.ts";

interface PresetRow {
  id: string;
  upstream: string;
  stream_usage: boolean;
}

const presetRows: PresetRow[] = [
  // Mistral refuses `stream_options` (422 extra_forbidden) and reports usage on its last chunk.
  { id: "mistral", upstream: "https://api.mistral.ai", stream_usage: false },
  { id: "deepseek", upstream: "https://api.deepseek.com", stream_usage: true },
  { id: "xai", upstream: "https://api.x.ai", stream_usage: true },
  { id: "groq", upstream: "https://api.groq.com/openai", stream_usage: true },
  // Together reports usage on the last chunk unasked; nothing is added to its requests.
  { id: "together", upstream: "https://api.together.xyz", stream_usage: false },
  { id: "fireworks", upstream: "https://api.fireworks.ai/inference", stream_usage: true },
  // OpenRouter always sends usage; asking would only hide a chunk its clients expect.
  { id: "openrouter", upstream: "https://openrouter.ai/api", stream_usage: false },
  { id: "ollama", upstream: "http://127.0.0.1:11434", stream_usage: true },
  { id: "vllm", upstream: "http://127.0.0.1:8000", stream_usage: true },
];

function resolvedOne(id: string, given: Record<string, unknown> = {}): ResolvedProvider {
  const all = resolveProviders({ [id]: given } as Parameters<typeof resolveProviders>[0]);
  const p = all.find((x) => x.id === id);
  assert.ok(p, `${id} resolved`);
  return p;
}

Deno.test("presets: the table lists exactly the documented presets, Cohere left out", () => {
  assert.deepEqual([...presetIds], [
    "deepseek",
    "fireworks",
    "groq",
    "mistral",
    "ollama",
    "openrouter",
    "together",
    "vllm",
    "xai",
  ]);
  assert.equal(presetOf("cohere"), null);
});

for (const row of presetRows) {
  Deno.test(`presets: providers.${row.id}: {} gets its upstream, prefix and stream_usage`, () => {
    const p = resolvedOne(row.id);
    assert.deepEqual(
      { kind: p.kind, prefix: p.prefix, upstream: p.upstream, stream_usage: p.stream_usage },
      {
        kind: "openai-compatible",
        prefix: `/${row.id}`,
        upstream: row.upstream,
        stream_usage: row.stream_usage,
      },
    );
    assert.equal(p.preset, row.id);
    assert.deepEqual(p.prices, {});
    // The base URL clients are given is the gateway route + /v1, the vendor's own + /v1.
    assert.ok(!p.upstream.endsWith("/v1"), p.upstream);
  });
}

const overrideRows: Array<{
  name: string;
  given: Record<string, unknown>;
  expect: Partial<ResolvedProvider>;
}> = [
  {
    name: "a written upstream wins",
    given: { upstream: "https://eu.proxy.example/mistral" },
    expect: { upstream: "https://eu.proxy.example/mistral", stream_usage: false },
  },
  {
    name: "a written prefix wins",
    given: { prefix: "/eu/mistral" },
    expect: { prefix: "/eu/mistral", upstream: "https://api.mistral.ai" },
  },
  {
    name: "stream_usage true wins over the preset's false",
    given: { stream_usage: true },
    expect: { stream_usage: true },
  },
  {
    name: "written prices are kept (the built-in list is the pricing module's)",
    given: { prices: { "mistral-large-latest": { input: 1, output: 3 } } },
    expect: { prices: { "mistral-large-latest": { input: 1, output: 3 } } },
  },
  {
    name: "enabled: true alone is the preset",
    given: { enabled: true },
    expect: { upstream: "https://api.mistral.ai", preset: "mistral" },
  },
];

for (const row of overrideRows) {
  Deno.test(`presets: overrides: ${row.name}`, () => {
    const p = resolvedOne("mistral", row.given);
    for (const [key, value] of Object.entries(row.expect)) {
      assert.deepEqual(p[key as keyof ResolvedProvider], value, key);
    }
    assert.equal(p.preset, "mistral");
  });
}

Deno.test("presets: a preset id written with another kind is no preset", () => {
  const p = resolvedOne("groq", { kind: "openai", upstream: "https://gw.example" });
  assert.equal(p.preset, undefined);
  assert.equal(p.stream_usage, true);
});

Deno.test("presets: enabled: false removes a preset like any provider", () => {
  const ids = resolveProviders({ groq: { enabled: false } }).map((p) => p.id);
  assert.deepEqual(ids.sort(), ["anthropic", "openai"]);
});

Deno.test("presets: none is on unless named; the built-ins carry no preset", () => {
  const all = resolveProviders({});
  assert.deepEqual(all.map((p) => [p.id, p.preset]).sort(), [
    ["anthropic", undefined],
    ["openai", undefined],
  ]);
});

Deno.test("presets: prototype names are no presets and no built-ins", () => {
  for (const id of ["constructor", "tostring", "hasownproperty", "__proto__"]) {
    assert.equal(isPresetId(id), false, id);
  }
  const p = resolvedOne("constructor", {});
  assert.equal(p.upstream, "");
  assert.equal(p.kind, "openai-compatible");
  assert.equal(p.preset, undefined);
});

Deno.test("presets: a YAML config naming presets loads without upstreams", async () => {
  const yaml = "providers:\n  mistral: {}\n  ollama: { enabled: true }\n" +
    "  groq: { stream_usage: false }\n";
  const config = configOf(await loadFrom({ "ongoingai.yaml": yaml }));
  const byId = new Map(config.providers.map((p) => [p.id, p]));
  assert.equal(byId.get("mistral")?.upstream, "https://api.mistral.ai");
  assert.equal(byId.get("ollama")?.upstream, "http://127.0.0.1:11434");
  assert.equal(byId.get("groq")?.stream_usage, false);
  assert.equal(byId.get("groq")?.upstream, "https://api.groq.com/openai");
});

const presetList = "deepseek, fireworks, groq, mistral, ollama, openrouter, together, vllm, xai";

Deno.test("presets: an unknown id without upstream is refused with the list of presets", async () => {
  const errors = errorsOf(await loadFrom({ "ongoingai.yaml": "providers:\n  mistrall: {}\n" }));
  assertIssueAt(errors, {
    name: "typo of a preset",
    yaml: "",
    path: "providers.mistrall.upstream",
    message: new RegExp(`no preset \\(presets: ${presetList}\\)`),
    hint: /did you mean providers\.mistral\?/,
  });
  const far = errorsOf(await loadFrom({ "ongoingai.yaml": "providers:\n  cohere: {}\n" }));
  assertIssueAt(far, {
    name: "no preset at all",
    yaml: "",
    path: "providers.cohere.upstream",
    message: new RegExp(`presets: ${presetList}`),
    hint: /e\.g\. upstream: https:\/\/.*preset id/,
  });
});

Deno.test("presets: `ongoingai check` exits 1 naming the known presets", async () => {
  await withFiles({ "ongoingai.yaml": "providers:\n  cohere: {}\n" }, async (dir) => {
    const r = await runCaptured(check, [], dir, {});
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`providers\\.cohere\\.upstream: is required .* \\(presets: ${presetList}\\)`),
    );
  });
  await withFiles({ "ongoingai.yaml": "providers:\n  deepseek: {}\n" }, async (dir) => {
    const r = await runCaptured(check, [], dir, {});
    assert.equal(r.code, 0, r.stderr);
  });
});
