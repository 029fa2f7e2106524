/**
 * Issue 18: the README had 500-character table cells and no map of the rest. Every page keeps
 * tables narrow (long text goes to prose or lists), starts with a paragraph saying what it covers,
 * and is listed in the docs index.
 */
import assert from "node:assert/strict";

const repoRoot = new URL("../../", import.meta.url);
const maxCell = 120;

async function docPages(): Promise<string[]> {
  const pages: string[] = [];
  for await (const entry of Deno.readDir(new URL("docs/", repoRoot))) {
    if (entry.isFile && entry.name.endsWith(".md")) pages.push(entry.name);
  }
  return pages.sort();
}

const read = (path: string) => Deno.readTextFile(new URL(path, repoRoot));

/** Cells of the Markdown tables of `text` longer than `max` characters, as `line: length`. */
export function longCells(text: string, max: number): string[] {
  const out: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.startsWith("|")) return;
    for (const cell of line.slice(1, line.endsWith("|") ? -1 : undefined).split(/(?<!\\)\|/)) {
      const length = cell.trim().length;
      if (length > max && !/^-+$/.test(cell.trim())) out.push(`${i + 1}: ${length}`);
    }
  });
  return out;
}

Deno.test("readability: long cells are found, escaped pipes do not split them", () => {
  const long = "x".repeat(121);
  assert.deepEqual(longCells(`| a | b |\n|---|---|\n| ${long} | \\| ok |`, 120), ["3: 121"]);
  assert.deepEqual(longCells(`| a \\| ${"y".repeat(116)} |`, 120), ["1: 121"]);
  assert.deepEqual(longCells(`| ${"-".repeat(200)} |`, 120), []);
});

Deno.test("readability: no table cell over 120 characters in README.md and docs/", async () => {
  const found: string[] = [];
  for (const path of ["README.md", ...(await docPages()).map((p) => `docs/${p}`)]) {
    for (const at of longCells(await read(path), maxCell)) found.push(`${path}:${at}`);
  }
  assert.deepEqual(found, [], "make these cells prose or a list");
});

Deno.test("readability: each docs page opens with a summary paragraph", async () => {
  for (const page of await docPages()) {
    const blocks = (await read(`docs/${page}`)).split(/\n\s*\n/);
    assert.match(blocks[0] ?? "", /^# \S/, `docs/${page} starts with its title`);
    const first = blocks[1] ?? "";
    assert.ok(
      first.length > 80 && !/^(#|```|- |\d+\. |\||<)/.test(first),
      `docs/${page}: a paragraph after the title says what the page covers`,
    );
  }
});

Deno.test("readability: the docs index lists every page", async () => {
  const index = await read("docs/README.md");
  for (const page of await docPages()) {
    if (page === "README.md") continue;
    assert.ok(index.includes(`](${page})`), `docs/README.md links ${page}`);
  }
});
