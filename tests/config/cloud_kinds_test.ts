/**
 * The cloud kinds of issue 20 are served: each gets its default upstream and prefix from config,
 * and `check` says which routes cannot mix their wire formats.
 */
import assert from "node:assert/strict";
import { providerAdapters } from "../../src/providers/mod.ts";
import { configOf, errorsOf, loadFrom } from "./temp_files.ts";

Deno.test("config: kind gemini is available; its upstream defaults to Google's Gemini API", async () => {
  const yaml = "providers:\n  google:\n    kind: gemini\n";
  const config = configOf(await loadFrom({ "ongoingai.yaml": yaml }));
  const p = config.providers.find((x) => x.id === "google")!;
  assert.equal(p.kind, "gemini");
  assert.equal(p.prefix, "/google");
  assert.equal(p.upstream, "https://generativelanguage.googleapis.com");
  assert.equal(providerAdapters.gemini.keyHeader("k")[0], "x-goog-api-key");
});

Deno.test("config: a route to a gemini provider may name its target's model (path model)", async () => {
  const yaml = "providers:\n  google:\n    kind: gemini\n" +
    "routes:\n  main:\n    targets:\n      - { provider: google, model: gemini-2.5-flash }\n";
  configOf(await loadFrom({ "ongoingai.yaml": yaml }));
});

Deno.test("config: kind vertex is available; its upstream defaults to Vertex AI's global endpoint", async () => {
  const yaml = "providers:\n  vertex:\n    kind: vertex\n";
  const config = configOf(await loadFrom({ "ongoingai.yaml": yaml }));
  const p = config.providers.find((x) => x.id === "vertex")!;
  assert.equal(p.prefix, "/vertex");
  assert.equal(p.upstream, "https://aiplatform.googleapis.com");
  assert.deepEqual(providerAdapters.vertex.keyHeader("ya29.t"), ["authorization", "Bearer ya29.t"]);
});

Deno.test("config: a route mixing vertex and gemini targets is refused (paths differ)", async () => {
  const yaml = "providers:\n  google:\n    kind: gemini\n  vertex:\n    kind: vertex\n" +
    "routes:\n  main:\n    targets:\n      - { provider: vertex, model: gemini-2.5-flash }\n" +
    "      - { provider: google, model: gemini-2.5-flash }\n";
  const errors = errorsOf(await loadFrom({ "ongoingai.yaml": yaml }));
  assert.ok(
    errors.some((e) =>
      e.path === "routes.main.targets[1].provider" &&
      /providers.vertex \(targets\[0\]\) speaks the Vertex AI wire format, which the gateway does not translate/
        .test(e.message)
    ),
    JSON.stringify(errors),
  );
});
