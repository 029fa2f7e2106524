/**
 * The sections of docs/ generated from the code (config keys, environment variables, CLI, built-in
 * prices) are current, and each has exactly one page. Moved here from readme_test.ts when the
 * reference left the README.
 */
import assert from "node:assert/strict";
import {
  findRegions,
  generatedFiles,
  regenerateFile,
  renderSections,
  staleSections,
} from "../../scripts/docs/mod.ts";
import { main } from "../../scripts/gen_docs.ts";

const repoRoot = new URL("../../", import.meta.url);
const read = (file: string) => Deno.readTextFile(new URL(file, repoRoot));

Deno.test("docs: every generated section has exactly one page, with its markers", async () => {
  const placed = Object.values(generatedFiles).flat();
  assert.deepEqual(
    [...placed].sort(),
    Object.keys(renderSections()).sort(),
    "each section of renderSections() is in one page of generatedFiles, once",
  );
  for (const [file, names] of Object.entries(generatedFiles)) {
    const regions = findRegions(await read(file)).map((r) => r.name);
    assert.deepEqual(regions, [...names], `${file} holds the regions ${names.join(", ")}`);
  }
  const readme = await read("README.md");
  assert.deepEqual(findRegions(readme), [], "the README has no generated region");
});

Deno.test("docs: generated sections match the code", async () => {
  const sections = renderSections();
  for (const file of Object.keys(generatedFiles)) {
    const text = await read(file);
    const fresh = await regenerateFile(file, text, sections);
    const stale = staleSections(text, fresh);
    assert.ok(
      fresh === text,
      `${file} is stale: run deno task docs (${
        stale.length ? `sections: ${stale.join(", ")}` : "formatting"
      })`,
    );
  }
});

Deno.test("docs: deno task docs --check agrees and leaves the files alone", async () => {
  const files = Object.keys(generatedFiles);
  const before = await Promise.all(files.map(read));
  const original = console.error;
  const errors: unknown[] = [];
  console.error = (...args: unknown[]) => void errors.push(...args);
  try {
    assert.equal(await main(["--check"]), 0, String(errors[0] ?? ""));
    assert.equal(await main(["--fix"]), 2);
  } finally {
    console.error = original;
  }
  assert.deepEqual(await Promise.all(files.map(read)), before);
});

Deno.test("docs: the reference tables say what they used to", async () => {
  const configuration = await read("docs/configuration.md");
  for (const key of ["`server.port`", "`storage.dsn`", "`auth.keys[].token`", "`limits.per_key`"]) {
    assert.ok(configuration.includes(key), `docs/configuration.md lists ${key}`);
  }
  assert.match(configuration, /`ONGOINGAI_STORAGE_DSN`/);
  assert.match(await read("docs/cli.md"), /\$ ongoingai help/);
  assert.match(await read("docs/pricing-table.md"), /as of \d{4}-\d{2}-\d{2}/);
});
