/**
 * ARCHITECTURE.md stays true: every folder of src/ is described in it, imports between folders go
 * one way (no folder imports another that imports it back, directly or through others, type-only
 * imports included), and they go through the folder's mod.ts. The pure core (scripts/import_graph.ts)
 * is checked on small tables first, so a failure below is about the house, not the checker.
 */
import assert from "node:assert/strict";
import {
  arrowsTable,
  crossImports,
  cycles,
  importSpecifiers,
  nodeGraph,
  nodeOf,
  readSources,
  resolveFrom,
  skipsModule,
} from "../../scripts/import_graph.ts";

const root = new URL("../../", import.meta.url);

Deno.test("import reading: every form of import counts, look-alikes in comments and strings do not", () => {
  const cases: [string, string[]][] = [
    [`import { a } from "./a.ts";`, ["./a.ts"]],
    [`import type { B } from "../b/mod.ts";`, ["../b/mod.ts"]],
    [`import {\n  type C,\n  d,\n} from "../c/mod.ts";`, ["../c/mod.ts"]],
    [`export { e } from "./e.ts";`, ["./e.ts"]],
    [`export * from "./f.ts";`, ["./f.ts"]],
    [`const g = await import("./g.ts");`, ["./g.ts"]],
    [`import "./side_effect.ts";`, ["./side_effect.ts"]],
    [`import zod from "zod";`, []],
    [`// import { x } from "./commented.ts";`, []],
    [`const s = 'import { y } from "./in_string.ts"';`, []],
  ];
  for (const [source, want] of cases) assert.deepEqual(importSpecifiers(source), want, source);
});

Deno.test("import resolution: paths relative to src/, nodes are top folders or root files", () => {
  assert.equal(resolveFrom("proxy/forward.ts", "../errors/mod.ts"), "errors/mod.ts");
  assert.equal(resolveFrom("pii/stream/x.ts", "../../bytes.ts"), "bytes.ts");
  assert.equal(resolveFrom("store/a.ts", "../../migrations/x.sql"), "../migrations/x.sql");
  assert.equal(nodeOf("pii/stream/x.ts"), "pii");
  assert.equal(nodeOf("main.ts"), "main.ts");
});

Deno.test("cycle finding: direct, indirect and self-free graphs", () => {
  const graph = (pairs: string) =>
    nodeGraph(
      pairs.split(" ").map((p) => {
        const [a, b] = p.split(">");
        return { from: `${a}/x.ts`, to: `${b}/mod.ts` };
      }),
    );
  const cases: [string, string[][]][] = [
    ["a>b b>c", []],
    ["a>b b>a", [["a", "b"]]],
    ["a>b b>c c>a d>a", [["a", "b", "c"]]],
    ["a>b b>a c>d d>c", [["a", "b"], ["c", "d"]]],
    ["a>b a>c b>d c>d", []],
  ];
  for (const [pairs, want] of cases) {
    const got = cycles(graph(pairs)).sort((x, y) => x[0]!.localeCompare(y[0]!));
    assert.deepEqual(got, want, pairs);
  }
});

Deno.test("mod.ts rule: a cross-folder import names the folder's mod.ts or a root file", () => {
  const edges = [
    { from: "proxy/a.ts", to: "errors/mod.ts" },
    { from: "proxy/a.ts", to: "config/resolve.ts" },
    { from: "pii/a.ts", to: "bytes.ts" },
  ];
  assert.deepEqual(skipsModule(edges), [{ from: "proxy/a.ts", to: "config/resolve.ts" }]);
});

const sources = await readSources(new URL("src", root).pathname);
const edges = crossImports(sources);

Deno.test("the house: no import cycle between the folders of src/, type-only imports included", () => {
  const found = cycles(nodeGraph(edges));
  const explain = found.map((component) => {
    const inside = edges.filter((e) =>
      component.includes(nodeOf(e.from)) && component.includes(nodeOf(e.to))
    );
    return `${component.join(", ")}:\n${inside.map((e) => `  ${e.from} -> ${e.to}`).join("\n")}`;
  });
  assert.deepEqual(explain, [], "folders that import each other (see ARCHITECTURE.md, 'Imports')");
});

Deno.test("the house: imports between folders go through the folder's mod.ts", () => {
  const skips = skipsModule(edges).map((e) => `${e.from} -> ${e.to}`);
  assert.deepEqual(skips, [], "import the folder's mod.ts (export the name there if needed)");
});

Deno.test("ARCHITECTURE.md names every folder of src/ and says what it owns", async () => {
  const doc = await Deno.readTextFile(new URL("ARCHITECTURE.md", root));
  const folders: string[] = [];
  for await (const entry of Deno.readDir(new URL("src", root))) {
    if (entry.isDirectory) folders.push(entry.name);
  }
  const missing = folders.sort().filter((f) => !doc.includes(`\`src/${f}/\``));
  assert.deepEqual(
    missing,
    [],
    "add an entry for each folder to ARCHITECTURE.md's list of folders",
  );
  const stale = [...doc.matchAll(/`src\/([a-z_]+)\/`/g)].map((m) => m[1]!)
    .filter((f) => !folders.includes(f));
  assert.deepEqual([...new Set(stale)], [], "ARCHITECTURE.md names folders that do not exist");
});

/** The nodes each entry of the folder list names, in the list's order. */
function listEntries(doc: string): string[][] {
  const list = doc.slice(doc.indexOf("## Folders"), doc.indexOf("## Imports"));
  return list.split("\n").filter((line) => line.startsWith("- `src/")).map((line) => {
    const first = line.slice(0, line.indexOf(": "));
    return [...first.matchAll(/`src\/([a-z_]+)\/?(\.ts)?`/g)].map((m) => m[1]! + (m[2] ?? ""));
  });
}

Deno.test("ARCHITECTURE.md's folder list is in import order: an entry imports only entries before it (or itself)", async () => {
  const doc = await Deno.readTextFile(new URL("ARCHITECTURE.md", root));
  const entryOf = new Map<string, number>();
  listEntries(doc).forEach((nodes, i) => nodes.forEach((n) => entryOf.set(n, i)));
  const graph = nodeGraph(edges);
  const upward: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const a = entryOf.get(from);
      const b = entryOf.get(to);
      if (a === undefined || b === undefined) upward.push(`${from} -> ${to}: not in the list`);
      // One entry may name several leaves (version.ts reads build_info.ts); cycles are tested above.
      else if (b > a) upward.push(`${from} -> ${to}: imports an entry after its own`);
    }
  }
  assert.deepEqual(upward, [], "reorder the list, or make the import go the other way");
});

Deno.test("ARCHITECTURE.md's arrows block is what `deno task graph` prints", async () => {
  const doc = await Deno.readTextFile(new URL("ARCHITECTURE.md", root));
  const block = /Folder arrows today[^\n]*\n\n```\n([\s\S]*?)\n```/.exec(doc)?.[1];
  assert.equal(block, arrowsTable(nodeGraph(edges)), "paste `deno task graph`'s table into it");
});
