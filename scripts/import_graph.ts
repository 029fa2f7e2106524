/**
 * The house as a graph: which folder of `src/` imports which. ARCHITECTURE.md's test and
 * `deno task graph` use it. A folder is a top-level directory of `src/`; a file directly in
 * `src/` (main.ts, bytes.ts, ...) is a node of its own, named by its file name.
 *
 * Imports are read with TypeScript's pre-processor (static, type-only, `export ... from` and
 * `import("...")` alike), so a comment or a string that looks like an import is not one.
 *
 * Run: `deno task graph` (arrows table), `deno task graph --files` (every cross-folder import).
 */
import ts from "typescript";

export interface ImportEdge {
  /** Importing file, relative to src/ ("proxy/forward.ts"). */
  from: string;
  /** Imported file, relative to src/; outside src/ it starts with "../". */
  to: string;
}

/** Node name of a file relative to src/: its top folder, or the file itself when at the root. */
export function nodeOf(path: string): string {
  const slash = path.indexOf("/");
  return slash < 0 ? path : path.slice(0, slash);
}

/** Relative specifiers a module imports, in source order (packages and URLs are left out). */
export function importSpecifiers(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith("."));
}

/** Resolves `spec` imported by `from` (both relative to src/) to a path relative to src/. */
export function resolveFrom(from: string, spec: string): string {
  const base = new URL(`file:///src/${from}`);
  const path = new URL(spec, base).pathname;
  return path.startsWith("/src/") ? path.slice("/src/".length) : `..${path}`;
}

/** Every import of `files` (path relative to src/ -> source text) that crosses nodes. */
export function crossImports(files: ReadonlyMap<string, string>): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const [from, source] of files) {
    for (const spec of importSpecifiers(source)) {
      const to = resolveFrom(from, spec);
      if (to.startsWith("../")) continue; // migrations, assets: not part of the house
      if (nodeOf(to) !== nodeOf(from)) edges.push({ from, to });
    }
  }
  return edges;
}

/** Node -> the nodes it imports. */
export type NodeGraph = Map<string, Set<string>>;

export function nodeGraph(edges: readonly ImportEdge[]): NodeGraph {
  const graph: NodeGraph = new Map();
  for (const { from, to } of edges) {
    const a = nodeOf(from);
    const b = nodeOf(to);
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    graph.get(a)!.add(b);
  }
  return graph;
}

/**
 * Strongly connected components with more than one node (Tarjan): each is a set of folders that
 * import one another, directly or through others. An empty list means imports go one way.
 */
export function cycles(graph: NodeGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** Cross-folder imports that name a file other than the folder's mod.ts. */
export function skipsModule(edges: readonly ImportEdge[]): ImportEdge[] {
  return edges.filter(({ to }) => to.includes("/") && !to.endsWith("/mod.ts"));
}

/** The folders of src/ and the files at its root, from a directory listing. */
export async function readSources(srcDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory) await walk(`${dir}/${entry.name}`, path);
      else if (entry.name.endsWith(".ts")) {
        files.set(path, await Deno.readTextFile(`${dir}/${entry.name}`));
      }
    }
  };
  await walk(srcDir, "");
  return files;
}

/** One line per node: `a -> b, c` (sorted), the table ARCHITECTURE.md's closing notes quote. */
export function arrowsTable(graph: NodeGraph): string {
  return [...graph.keys()].sort().map((a) => {
    const to = [...graph.get(a)!].sort();
    return `${a} -> ${to.length === 0 ? "(nothing)" : to.join(", ")}`;
  }).join("\n");
}

if (import.meta.main) {
  const src = new URL("../src", import.meta.url).pathname;
  const edges = crossImports(await readSources(src));
  const graph = nodeGraph(edges);
  console.log(arrowsTable(graph));
  const found = cycles(graph);
  console.log(
    found.length === 0 ? "\nno cycles" : `\ncycles: ${found.map((c) => c.join(" ")).join(" | ")}`,
  );
  const skips = skipsModule(edges);
  console.log(`${edges.length} cross-folder imports, ${skips.length} not through mod.ts`);
  if (Deno.args.includes("--files")) {
    for (const e of edges) console.log(`${e.from} -> ${e.to}`);
  }
}
