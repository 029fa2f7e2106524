/** YAML and JSON files: strict parsing, errors with their line, and what counts as empty. */
import assert from "node:assert/strict";
import { configOf, errorsOf, loadFrom } from "./temp_files.ts";

Deno.test("yaml: multiple documents are refused, pointing at the second", async () => {
  const errors = errorsOf(
    await loadFrom({ "ongoingai.yaml": "server:\n  port: 1\n---\nserver: {}\n" }),
  );
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.message, "multiple yaml documents are not supported");
  assert.equal(errors[0]?.line, 3);
  assert.match(errors[0]?.file ?? "", /ongoingai\.yaml$/);
});

Deno.test("yaml: a syntax error is reported with its line", async () => {
  const errors = errorsOf(
    await loadFrom({ "ongoingai.yaml": "server:\n  port: 8080\nstorage: [\n" }),
  );
  assert.match(errors[0]?.message ?? "", /^invalid YAML: /);
  assert.equal(errors[0]?.path, "");
  assert.equal(errors[0]?.line, 4);
});

Deno.test("yaml: duplicate keys are an error, not a silent override", async () => {
  const errors = errorsOf(await loadFrom({ "ongoingai.yaml": "server:\n  port: 1\n  port: 2\n" }));
  assert.match(errors[0]?.message ?? "", /unique/);
  assert.equal(errors[0]?.line, 3);
});

Deno.test("yaml: empty and comment-only files mean the defaults", async () => {
  for (const text of ["", "# nothing yet\n", "---\n"]) {
    const config = configOf(await loadFrom({ "ongoingai.yaml": text }));
    assert.equal(config.server.port, 8080);
    assert.equal(config.storage.driver, "sqlite");
  }
});

Deno.test("yaml: a top-level list is refused", async () => {
  const errors = errorsOf(await loadFrom({ "ongoingai.yaml": "- server\n" }));
  assert.match(errors[0]?.message ?? "", /must contain a YAML mapping/);
});

Deno.test("yaml: .yml works the same", async () => {
  const config = configOf(
    await loadFrom({ "c.yml": "server:\n  port: 7070\n" }, { path: "c.yml" }),
  );
  assert.equal(config.server.port, 7070);
});

Deno.test("yaml: env references are written { env: NAME }", async () => {
  const yaml = "auth:\n  enabled: true\n  keys:\n    - id: a\n      token: { env: TEAM_A_KEY }\n";
  const config = configOf(
    await loadFrom({ "ongoingai.yaml": yaml }, { env: { TEAM_A_KEY: "gwk_team_a" } }),
  );
  assert.equal(config.auth.keys[0]?.token, "gwk_team_a");
});

Deno.test("json: a valid file loads and $schema is ignored", async () => {
  const json = '{"$schema": "x.json", "server": {"port": 9000}}';
  const config = configOf(await loadFrom({ "c.json": json }, { path: "c.json" }));
  assert.equal(config.server.port, 9000);
});

Deno.test("json: a syntax error names the file and its line", async () => {
  const errors = errorsOf(
    await loadFrom({ "c.json": '{\n  "server": {,}\n}' }, { path: "c.json" }),
  );
  assert.match(errors[0]?.message ?? "", /^invalid JSON: /);
  assert.match(errors[0]?.file ?? "", /c\.json$/);
  assert.equal(errors[0]?.line, 2);
});

Deno.test("json: unknown keys get the same suggestions as YAML", async () => {
  const errors = errorsOf(await loadFrom({ "c.json": '{"sever": {}}' }, { path: "c.json" }));
  assert.equal(errors[0]?.path, "sever");
  assert.equal(errors[0]?.hint, 'did you mean "server"?');
});
