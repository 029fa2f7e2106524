import assert from "node:assert/strict";
import { regenerateReadme, staleSections } from "../../scripts/docs/mod.ts";
import { main } from "../../scripts/gen_docs.ts";

const readmeUrl = new URL("../../README.md", import.meta.url);

Deno.test("README.md: generated sections match the code", async () => {
  const readme = await Deno.readTextFile(readmeUrl);
  const fresh = await regenerateReadme(readme);
  const stale = staleSections(readme, fresh);
  assert.ok(
    fresh === readme,
    `README.md is stale: run deno task docs (${
      stale.length ? `sections: ${stale.join(", ")}` : "formatting"
    })`,
  );
});

Deno.test("README.md: deno task docs --check agrees and leaves the file alone", async () => {
  const before = await Deno.readTextFile(readmeUrl);
  const original = console.error;
  const errors: unknown[] = [];
  console.error = (...args: unknown[]) => void errors.push(...args);
  try {
    assert.equal(await main(["--check"]), 0, String(errors[0] ?? ""));
    assert.equal(await main(["--fix"]), 2);
  } finally {
    console.error = original;
  }
  assert.equal(await Deno.readTextFile(readmeUrl), before);
});

Deno.test("README.md: the quick start is the two commands the issue asks for", async () => {
  const readme = await Deno.readTextFile(readmeUrl);
  const quickStart = readme.slice(readme.indexOf("## Quick start"));
  const start = quickStart.indexOf("```sh\n") + 6;
  const block = quickStart.slice(start, quickStart.indexOf("\n```", start));
  const commands = block.split("\n").map((line) => line.replace(/\s+#.*$/, "").trim());
  assert.deepEqual(commands, ["npx -y deno@2.9.6 task start", "npx -y deno@2.9.6 task test"]);
  const tasks = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)))
    .tasks;
  assert.ok(tasks.start && tasks.test && tasks.docs && tasks.compile && tasks.bundle);
});
