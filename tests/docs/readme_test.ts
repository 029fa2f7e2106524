/**
 * The README is the front door: short, the quick start the issues asked for, the test command CI
 * runs, and a way to every page of docs/. The generated reference moved to docs/ (see
 * generated_docs_test.ts).
 */
import assert from "node:assert/strict";

const readmeUrl = new URL("../../README.md", import.meta.url);
const readme = await Deno.readTextFile(readmeUrl);

Deno.test("README.md: the quick start is the two commands the issue asks for", async () => {
  const quickStart = readme.slice(readme.indexOf("## Quick start"));
  const start = quickStart.indexOf("```sh\n") + 6;
  const block = quickStart.slice(start, quickStart.indexOf("\n```", start));
  const commands = block.split("\n").map((line) => line.replace(/\s+#.*$/, "").trim());
  assert.deepEqual(commands, ["npx -y deno@2.9.6 task start", "npx -y deno@2.9.6 task test"]);
  const tasks = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)))
    .tasks;
  assert.ok(tasks.start && tasks.test && tasks.docs && tasks.compile && tasks.bundle);
});

Deno.test("README.md: the quick start reaches a first trace with the SDKs and the agents", () => {
  const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("\n## Four"));
  for (
    const step of [
      'base_url="http://127.0.0.1:8080/openai/v1"',
      'base_url="http://127.0.0.1:8080/anthropic"',
      "ongoingai wrap -- claude",
      "ongoingai wrap -- codex",
      'curl "http://127.0.0.1:8080/api/traces?limit=1"',
    ]
  ) assert.ok(quickStart.includes(step), step);
});

Deno.test("README.md: documents the test command CI runs (.ci/run)", async () => {
  const ciRun = await Deno.readTextFile(new URL("../../.ci/run", import.meta.url));
  const marker = ciRun.indexOf("# The README's test command.");
  assert.ok(marker !== -1, ".ci/run marks the README's test command");
  const runLine = ciRun.slice(marker).split("\n")[1] ?? "";
  assert.match(runLine, /"\$\{deno_cmd\[@\]\}" task test\b/, "deno (or npx deno) task test");
  const development = readme.slice(readme.indexOf("\n## Development\n"));
  assert.match(development, /^deno task test\s+#/m);
});

Deno.test("README.md: a front door, not the reference", () => {
  const lines = readme.split("\n").length;
  assert.ok(lines <= 300, `README.md has ${lines} lines; move reference text to docs/`);
  assert.ok(!readme.includes("GENERATED:"), "generated sections live in docs/");
  assert.ok(readme.includes("(docs/README.md)"), "links the docs index");
});
