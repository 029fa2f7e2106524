/**
 * Functions in the proxy and the server stay short enough to read at once: none may pass 80
 * lines, counted from its first line to its last, nested functions counting inside their parent
 * (issue 17). The forward path grows here next (retries, fallbacks), so this keeps it a pipeline
 * of named stages rather than one long function.
 */
import assert from "node:assert/strict";
import ts from "typescript";

const maxLines = 80;
const folders = ["src/proxy", "src/server"];
const root = new URL("../../", import.meta.url);

export interface LongFunction {
  file: string;
  line: number;
  name: string;
  lines: number;
}

/** Every function-like node with a body, with its length in lines. */
export function functionLengths(file: string, text: string): LongFunction[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ file, line: first + 1, name: nameOf(node, sf), lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function nameOf(node: ts.SignatureDeclaration, sf: ts.SourceFile): string {
  if (node.name !== undefined) return node.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) {
    return parent.name.getText(sf);
  }
  return "<anonymous>";
}

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(new URL(folder, root))) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) files.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

Deno.test("function lengths are measured first line to last, nested ones inside", () => {
  const text = [
    "export function outer() {", // 1
    "  const inner = () => {", // 2
    "    return 1;", // 3
    "  };", // 4
    "  return inner();", // 5
    "}", // 6
    "class K {", // 7
    "  m(): void {}", // 8
    "}", // 9
  ].join("\n");
  const got = functionLengths("x.ts", text).map(({ name, line, lines }) => [name, line, lines]);
  assert.deepEqual(got, [["outer", 1, 6], ["inner", 2, 3], ["m", 8, 1]]);
});

Deno.test(`no function in ${folders.join(" or ")} is longer than ${maxLines} lines`, () => {
  const long: string[] = [];
  for (const folder of folders) {
    for (const file of sourceFiles(folder)) {
      const text = Deno.readTextFileSync(new URL(file, root));
      for (const f of functionLengths(file, text)) {
        if (f.lines > maxLines) long.push(`${f.file}:${f.line} ${f.name} (${f.lines} lines)`);
      }
    }
  }
  assert.deepEqual(long, [], `split these into named steps:\n${long.join("\n")}`);
});
