/**
 * Declarations for everything `src/mod.ts` exports, with every type written out as the structure
 * it is. A plain declaration emit would keep `z.input<typeof piiSchema>`, which needs zod and the
 * schema source; a user's repository has neither, so the checker's view of each type is printed
 * instead. Names the printed types still refer to (e.g. `MatchValidator`) are declared alongside,
 * until nothing is left but the standard library. Anything that cannot be written out that way
 * (`any`, `typeof x`, a qualified name) stops the generator rather than weakening the file.
 */
import ts from "typescript";

const flags = ts.NodeBuilderFlags.NoTruncation |
  ts.NodeBuilderFlags.InTypeAlias |
  ts.NodeBuilderFlags.MultilineObjectLiterals |
  ts.NodeBuilderFlags.UseStructuralFallback;

interface Emitted {
  name: string;
  exported: boolean;
  node: ts.Statement;
}

export const header = `/**
 * Types of the gateway's config API: what \`import ... from "ongoingai"\` (or "@ongoingai/gateway")
 * gives a gateway.config.ts and its policies. Generated from src/mod.ts by
 * \`deno task config-types\`; do not edit. \`ongoingai init\` writes it to
 * .ongoingai/types/ongoingai.d.ts, where deno.json and tsconfig.json point editors at it.
 */
`;

/** The declaration file's text, unformatted. */
export function publicDeclarations(program: ts.Program, entry: string): string {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!source || !moduleSymbol) throw new Error(`${entry} is not a module of the program`);
  const standard = standardTypeNames(program, checker, source);
  const emitted = new Map<string, Emitted>();
  const pending: Array<{ name: string; symbol: ts.Symbol; exported: boolean }> = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    pending.push({ name: symbol.name, symbol: target, exported: true });
  }
  const exportedTypes = new Map<ts.Symbol, string>();
  for (const p of pending) {
    if (p.symbol.flags & (ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Interface)) {
      exportedTypes.set(p.symbol, p.name);
    }
  }
  while (pending.length > 0) {
    const { name, symbol, exported } = pending.shift()!;
    if (emitted.has(name)) continue;
    const node = declare(checker, name, symbol, exported, exportedTypes);
    emitted.set(name, { name, exported, node });
    for (const ref of referencedNames(node, name)) {
      if (emitted.has(ref) || standard.has(ref) || pending.some((p) => p.name === ref)) continue;
      pending.push({ name: ref, symbol: findTypeSymbol(program, checker, ref), exported: false });
    }
  }
  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
  const body = [...emitted.values()]
    .map((e) => printer.printNode(ts.EmitHint.Unspecified, e.node, source))
    .join("\n\n");
  // `export {}` keeps the helper types (not exported by src/mod.ts) private to the file.
  return `${header}\n${body}\n\nexport {};\n`;
}

function declare(
  checker: ts.TypeChecker,
  name: string,
  symbol: ts.Symbol,
  exported: boolean,
  exportedTypes: ReadonlyMap<ts.Symbol, string>,
): ts.Statement {
  const modifiers = [
    ...(exported ? [ts.factory.createModifier(ts.SyntaxKind.ExportKeyword)] : []),
    ts.factory.createModifier(ts.SyntaxKind.DeclareKeyword),
  ];
  let node: ts.Statement;
  if (symbol.flags & ts.SymbolFlags.Function) {
    node = declareFunction(checker, name, symbol, modifiers, exportedTypes);
  } else if (symbol.flags & (ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Interface)) {
    const declaration = symbol.declarations?.[0];
    if (
      declaration &&
      (ts.isTypeAliasDeclaration(declaration) || ts.isInterfaceDeclaration(declaration)) &&
      declaration.typeParameters?.length
    ) {
      throw new Error(`${name}: generic types are not supported by the generator yet`);
    }
    const type = symbol.flags & ts.SymbolFlags.Interface
      ? interfaceLiteral(checker, name, symbol)
      : typeNode(checker, name, checker.getDeclaredTypeOfSymbol(symbol));
    node = ts.factory.createTypeAliasDeclaration(
      modifiers.filter((m) => m.kind === ts.SyntaxKind.ExportKeyword),
      name,
      undefined,
      type,
    );
  } else if (symbol.flags & ts.SymbolFlags.Variable) {
    const type = typeNode(checker, name, checker.getTypeOfSymbol(symbol));
    node = ts.factory.createVariableStatement(
      modifiers,
      ts.factory.createVariableDeclarationList(
        [ts.factory.createVariableDeclaration(name, undefined, type)],
        ts.NodeFlags.Const,
      ),
    );
  } else {
    throw new Error(`${name}: unsupported kind of export (symbol flags ${symbol.flags})`);
  }
  const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  if (doc) {
    const lines = doc.split("\n").map((l) => ` * ${l}`.trimEnd()).join("\n");
    ts.addSyntheticLeadingComment(
      node,
      ts.SyntaxKind.MultiLineCommentTrivia,
      `*\n${lines}\n `,
      true,
    );
  }
  return node;
}

function typeNode(checker: ts.TypeChecker, owner: string, type: ts.Type): ts.TypeNode {
  const node = checker.typeToTypeNode(type, undefined, flags);
  if (!node) throw new Error(`${owner}: the checker could not write its type`);
  return node;
}

/**
 * A function whose parameters and result are written as exported type names in the source
 * keeps those names (`defineConfig(config: GatewayConfigInput): GatewayConfigInput`), so an
 * editor's hover stays short; everything else is written out.
 */
function declareFunction(
  checker: ts.TypeChecker,
  name: string,
  symbol: ts.Symbol,
  modifiers: ts.Modifier[],
  exportedTypes: ReadonlyMap<ts.Symbol, string>,
): ts.FunctionDeclaration {
  const declaration = symbol.declarations?.find(ts.isFunctionDeclaration);
  const [signature, ...overloads] = checker.getSignaturesOfType(
    checker.getTypeOfSymbol(symbol),
    ts.SignatureKind.Call,
  );
  if (!declaration || !signature || overloads.length > 0 || declaration.typeParameters?.length) {
    throw new Error(`${name}: expected one non-generic function declaration`);
  }
  const named = (written: ts.TypeNode | undefined, type: ts.Type): ts.TypeNode => {
    if (written && ts.isTypeReferenceNode(written) && !written.typeArguments) {
      let target = checker.getSymbolAtLocation(written.typeName);
      if (target && target.flags & ts.SymbolFlags.Alias) target = checker.getAliasedSymbol(target);
      const exportedName = target && exportedTypes.get(target);
      if (exportedName) return ts.factory.createTypeReferenceNode(exportedName);
    }
    return typeNode(checker, name, type);
  };
  const parameters = declaration.parameters.map((p, i) => {
    const param = signature.getParameters()[i]!;
    if (p.dotDotDotToken || !ts.isIdentifier(p.name)) {
      throw new Error(`${name}: only plain parameters are supported`);
    }
    return ts.factory.createParameterDeclaration(
      undefined,
      undefined,
      p.name.text,
      p.questionToken,
      named(p.type, checker.getTypeOfSymbol(param)),
    );
  });
  return ts.factory.createFunctionDeclaration(
    modifiers,
    undefined,
    name,
    undefined,
    parameters,
    named(declaration.type, signature.getReturnType()),
    undefined,
  );
}

/** An interface written out as an object type, so that it needs no declarations of its own. */
function interfaceLiteral(checker: ts.TypeChecker, name: string, symbol: ts.Symbol): ts.TypeNode {
  const type = checker.getDeclaredTypeOfSymbol(symbol);
  if (
    checker.getSignaturesOfType(type, ts.SignatureKind.Call).length ||
    checker.getIndexInfosOfType(type).length
  ) {
    throw new Error(`${name}: interfaces with call or index signatures are not supported`);
  }
  const members = checker.getPropertiesOfType(type).map((prop) => {
    const declaration = prop.valueDeclaration;
    const readonly = declaration &&
      ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Readonly;
    const optional = prop.flags & ts.SymbolFlags.Optional;
    return ts.factory.createPropertySignature(
      readonly ? [ts.factory.createModifier(ts.SyntaxKind.ReadonlyKeyword)] : undefined,
      prop.name,
      optional ? ts.factory.createToken(ts.SyntaxKind.QuestionToken) : undefined,
      typeNode(checker, `${name}.${prop.name}`, checker.getTypeOfSymbol(prop)),
    );
  });
  return ts.factory.createTypeLiteralNode(members);
}

/** Type names a printed declaration refers to; refuses what a standalone file cannot hold. */
function referencedNames(node: ts.Node, owner: string): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (n.kind === ts.SyntaxKind.AnyKeyword) {
      throw new Error(`${owner}: its type contains \`any\`; give the source a precise type`);
    }
    if (ts.isTypeQueryNode(n)) {
      throw new Error(`${owner}: its type contains \`typeof ${n.exprName.getText?.() ?? "..."}\``);
    }
    if (ts.isTypeReferenceNode(n)) {
      if (!ts.isIdentifier(n.typeName)) {
        throw new Error(
          `${owner}: its type refers to a qualified name, which the file cannot hold`,
        );
      }
      names.add(n.typeName.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

/** Types the standard library declares (`Record`, `Omit`, `RegExp`, ...), never re-declared. */
function standardTypeNames(
  program: ts.Program,
  checker: ts.TypeChecker,
  source: ts.SourceFile,
): Set<string> {
  const names = new Set<string>();
  for (const symbol of checker.getSymbolsInScope(source, ts.SymbolFlags.Type)) {
    const declarations = symbol.declarations ?? [];
    if (
      declarations.length > 0 &&
      declarations.every((d) => program.isSourceFileDefaultLibrary(d.getSourceFile()))
    ) names.add(symbol.name);
  }
  return names;
}

/** The one type alias or interface of that name in the gateway's own source. */
function findTypeSymbol(program: ts.Program, checker: ts.TypeChecker, name: string): ts.Symbol {
  const found: ts.Symbol[] = [];
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || file.fileName.includes("/node_modules/")) continue;
    for (const statement of file.statements) {
      if (
        (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) &&
        statement.name.text === name
      ) {
        const symbol = checker.getSymbolAtLocation(statement.name);
        if (symbol && !found.includes(symbol)) found.push(symbol);
      }
    }
  }
  if (found.length !== 1) {
    throw new Error(
      `a public type refers to ${name}, declared ${found.length} times in the source; ` +
        "rename it so the generated file can declare it once",
    );
  }
  return found[0]!;
}
