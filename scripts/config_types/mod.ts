/**
 * The config API's declaration file (`src/cli/init/ongoingai.d.ts`): generated from `src/mod.ts`,
 * proved to stand alone (it type-checks with nothing but the standard library), and formatted as
 * `deno fmt` would, so the committed file and a fresh run compare byte for byte.
 */
import ts from "typescript";
import { join } from "node:path";
import { publicDeclarations } from "./print.ts";
import { formatWithDeno } from "../docs/mod.ts";
import { publicEntry, publicProgram, repoRoot } from "./program.ts";

export { npmPaths } from "./program.ts";
export { header, publicDeclarations } from "./print.ts";

export const declarationFile = join(repoRoot, "src", "cli", "init", "ongoingai.d.ts");

/** The file's text as it should be committed. */
export async function generateConfigTypes(): Promise<string> {
  const text = publicDeclarations(await publicProgram(), publicEntry);
  const problems = standaloneProblems(text);
  if (problems.length > 0) {
    throw new Error(`the generated declarations do not stand alone:\n${problems.join("\n")}`);
  }
  // deno fmt can need a second pass to settle (long unions in arrays), and the committed file
  // must be what `deno fmt` leaves alone.
  let formatted = await formatWithDeno(text, "ts");
  for (let pass = 0; pass < 3; pass++) {
    const again = await formatWithDeno(formatted, "ts");
    if (again === formatted) return formatted;
    formatted = again;
  }
  throw new Error("deno fmt does not settle on the generated declarations");
}

/**
 * Type errors of the file compiled on its own, as a user's editor will: if a name the generator
 * failed to declare slipped through, this says which.
 */
export function standaloneProblems(text: string): string[] {
  const fileName = "/ongoingai.d.ts";
  const options: ts.CompilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === fileName
      ? ts.createSourceFile(name, text, language, true)
      : read(name, language, ...rest);
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}: ${message}`;
  });
}
