/** `translation`: the state seal key (env-referenced, warnings when it is not kept) and the
 *  Responses store retention, resolved to milliseconds. */
import assert from "node:assert/strict";
import type { RawIssue } from "../../src/config/issues.ts";
import { durationMs } from "../../src/config/schema_translation.ts";
import { checkTranslation, translatingRoutes } from "../../src/config/semantic_translation.ts";
import { assertIssueAt, configOf, errorsOf, loadFrom } from "./temp_files.ts";

const day = 86_400_000;

Deno.test("translation: defaults resolve to no key and a 30-day store", async () => {
  const config = configOf(await loadFrom({ "ongoingai.yaml": "server:\n  port: 8080\n" }));
  assert.deepEqual(config.translation, {
    response_store: { retention: "30d", retention_ms: 30 * day },
  });
});

Deno.test("translation: an env-referenced key is read; the retention takes s, m, h, d", async () => {
  const yaml = "translation:\n  state_key: { env: SEAL }\n  response_store:\n" +
    "    retention: 12h\n";
  const result = await loadFrom({ "ongoingai.yaml": yaml }, { env: { SEAL: "k".repeat(40) } });
  const config = configOf(result);
  assert.deepEqual(config.translation, {
    state_key: "k".repeat(40),
    response_store: { retention: "12h", retention_ms: 12 * 3_600_000 },
  });
  assert.ok(result.ok && result.warnings.length === 0, JSON.stringify(result));
  assert.deepEqual(["45s", "90m", "7d"].map(durationMs), [45_000, 90 * 60_000, 7 * day]);
});

const refused: [string, string, RegExp][] = [
  ["retention: 30 days", "translation:\n  response_store:\n    retention: 30 days\n", /unit/],
  ["retention: 0d", "translation:\n  response_store:\n    retention: 0d\n", /unit/],
  ["a short key", "translation:\n  state_key: short\n", /32/],
  ["an unknown key", "translation:\n  state_keys: { env: X }\n", /state_keys/],
];
for (const [name, yaml, message] of refused) {
  Deno.test(`translation: ${name} is refused`, async () => {
    const errors = errorsOf(await loadFrom({ "ongoingai.yaml": yaml }));
    assert.ok(
      errors.some((e) => e.path.startsWith("translation") && message.test(e.message + e.path)),
      JSON.stringify(errors),
    );
  });
}

Deno.test("translation: a plaintext key and an unset variable are warned about", async () => {
  const plain = await loadFrom({
    "ongoingai.yaml": `translation:\n  state_key: ${"p".repeat(40)}\n`,
  });
  assert.ok(plain.ok);
  assertIssueAt(plain.warnings, {
    name: "plaintext",
    yaml: "",
    path: "translation.state_key",
    message: /plaintext secret/,
  });
  const unset = await loadFrom({ "ongoingai.yaml": "translation:\n  state_key: { env: SEAL }\n" });
  assert.ok(unset.ok);
  assertIssueAt(unset.warnings, {
    name: "unset",
    yaml: "",
    path: "translation.state_key",
    message: /SEAL is not set: thinking state is sealed with a random key per process/,
    hint: /openssl rand/,
  });
});

Deno.test("translation: no key is silent until a route translates, then warned", async () => {
  const yaml = "routes:\n  x:\n    targets: [{ provider: openai, model: gpt-4o }]\n";
  const result = await loadFrom({ "ongoingai.yaml": yaml });
  assert.ok(result.ok);
  assert.deepEqual(result.warnings, []);
  const config = result.config;
  assert.deepEqual(translatingRoutes(config), []);
  // A route across wire formats (refused by `check` until translation is wired, part T7).
  const route = config.routes["x"]!;
  assert.ok(typeof route !== "function" && Array.isArray(route.targets));
  const target = route.targets[0]!;
  const mixed = {
    ...config,
    routes: {
      x: {
        ...route,
        targets: [
          { ...target, provider: "openai" },
          { ...target, provider: "anthropic", model: "claude-sonnet-4-5" },
        ],
      },
    },
  } as typeof config;
  assert.deepEqual(translatingRoutes(mixed), ["x"]);
  const out = { errors: [] as RawIssue[], warnings: [] as RawIssue[] };
  checkTranslation(
    { translation: { response_store: { retention: "30d" } } } as Parameters<
      typeof checkTranslation
    >[0],
    mixed,
    {},
    out,
  );
  assert.equal(out.warnings.length, 1);
  assert.deepEqual(out.warnings[0]!.at, ["translation", "state_key"]);
  assert.match(out.warnings[0]!.message, /routes\.x translates between protocols/);
});

Deno.test("config: translation_api is read by OpenAI-format kinds only", async () => {
  const ok = await loadFrom({
    "ongoingai.yaml": "providers:\n  openai:\n    translation_api: responses\n",
  });
  assert.equal(
    configOf(ok).providers.find((p) => p.id === "openai")?.translation_api,
    "responses",
  );
  const wrong = errorsOf(
    await loadFrom({
      "ongoingai.yaml": "providers:\n  anthropic:\n    translation_api: responses\n",
    }),
  );
  assert.ok(
    wrong.some((e) =>
      e.path === "providers.anthropic.translation_api" &&
      /read only by providers of kind openai, openai-compatible, azure-openai/.test(e.message)
    ),
    JSON.stringify(wrong),
  );
});
