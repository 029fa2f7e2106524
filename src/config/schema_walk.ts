/**
 * Reads the zod schema's own structure, so "did you mean" suggestions and the list of valid keys
 * come from the schema itself and can never drift from it.
 */
import type { PathSegment } from "./issues.ts";

interface SchemaNode {
  _zod: { def: SchemaDef };
}
interface SchemaDef {
  type: string;
  innerType?: SchemaNode;
  in?: SchemaNode;
  shape?: Record<string, SchemaNode>;
  valueType?: SchemaNode;
  element?: SchemaNode;
  options?: SchemaNode[];
}

const wrappers = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch"]);

function unwrap(node: SchemaNode): SchemaNode {
  let n = node;
  for (;;) {
    const def = n._zod.def;
    if (wrappers.has(def.type) && def.innerType) n = def.innerType;
    else if (def.type === "pipe" && def.in) n = def.in;
    else return n;
  }
}

function step(node: SchemaNode, segment: PathSegment): SchemaNode | undefined {
  const def = unwrap(node)._zod.def;
  switch (def.type) {
    case "object":
      return typeof segment === "string" && def.shape && Object.hasOwn(def.shape, segment)
        ? def.shape[segment]
        : undefined;
    case "record":
      return def.valueType;
    case "array":
      return def.element;
    case "union":
      for (const option of def.options ?? []) {
        const found = step(option, segment);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The schema node at `path`, wrappers removed, or undefined when the path leaves the schema. */
export function schemaAt(root: unknown, path: readonly PathSegment[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = root as SchemaNode;
  for (const segment of path) {
    if (!node) return undefined;
    node = step(node, segment);
  }
  return node && unwrap(node);
}

/** Keys an object accepts at `path`; empty when the path is not an object with a fixed shape. */
export function knownKeysAt(root: unknown, path: readonly PathSegment[]): string[] {
  const def = schemaAt(root, path)?._zod.def;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

/** Whether the union at `path` accepts an `env("NAME")` reference, to explain it in messages. */
export function acceptsEnvRef(root: unknown, path: readonly PathSegment[]): boolean {
  const def = schemaAt(root, path)?._zod.def;
  if (def?.type !== "union") return false;
  return (def.options ?? []).some((o) => {
    const shape = unwrap(o)._zod.def.shape;
    return shape !== undefined && Object.keys(shape).join() === "env";
  });
}
