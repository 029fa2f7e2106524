/**
 * `check` on a Vertex AI provider's upstream: the global endpoint by default, regional hosts
 * accepted, and the two mistakes whose every request would answer 404 refused with the fix: the
 * `global-aiplatform` host that does not exist, and a path (clients send `/v1/...` themselves).
 */
import assert from "node:assert/strict";
import { assertIssueAt, configOf, errorsOf, loadFrom } from "./temp_files.ts";

const yamlOf = (upstream: string | null) =>
  "providers:\n  vertex:\n    kind: vertex\n" +
  (upstream === null ? "" : `    upstream: ${upstream}\n`);

Deno.test("config vertex: the global endpoint by default; regional and proxy hosts are accepted", async () => {
  for (
    const [upstream, want] of [
      [null, "https://aiplatform.googleapis.com"],
      ["https://us-east5-aiplatform.googleapis.com", "https://us-east5-aiplatform.googleapis.com"],
      ["https://aiplatform.eu.rep.googleapis.com/", "https://aiplatform.eu.rep.googleapis.com/"],
      // A host of your own (a corporate proxy) may have a path: not judged.
      ["https://proxy.example.com/google", "https://proxy.example.com/google"],
    ] as const
  ) {
    const config = configOf(await loadFrom({ "ongoingai.yaml": yamlOf(upstream) }));
    assert.equal(config.providers.find((p) => p.id === "vertex")!.upstream, want);
  }
});

Deno.test("config vertex: global-aiplatform.googleapis.com is refused with the right host", async () => {
  const yaml = yamlOf("https://global-aiplatform.googleapis.com");
  assertIssueAt(errorsOf(await loadFrom({ "ongoingai.yaml": yaml })), {
    name: "global host",
    yaml,
    path: "providers.vertex.upstream",
    message: /location global is served by aiplatform\.googleapis\.com/,
    hint: /upstream: https:\/\/aiplatform\.googleapis\.com/,
  });
});

Deno.test("config vertex: a path on a Vertex host is refused (it would be sent twice)", async () => {
  const yaml = yamlOf("https://us-east5-aiplatform.googleapis.com/v1");
  assertIssueAt(errorsOf(await loadFrom({ "ongoingai.yaml": yaml })), {
    name: "path",
    yaml,
    path: "providers.vertex.upstream",
    message: /has a path \(\/v1\)/,
    hint: /upstream: https:\/\/us-east5-aiplatform\.googleapis\.com$/,
  });
});
