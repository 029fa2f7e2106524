/**
 * The parsed data of an SSE event and the members a wire format's locator points at, read and
 * written in place by their JSON path.
 */
import type { JsonPath } from "../../providers/mod.ts";

/** The parsed data, or undefined when it is not JSON (`[DONE]`, plain text). */
export function parseJson(data: string): unknown {
  const first = data.trimStart()[0];
  if (first !== "{" && first !== "[" && first !== '"') return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

type Container = Record<string | number, unknown>;

function parentOf(root: unknown, path: JsonPath): Container | null {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (typeof node !== "object" || node === null) return null;
    node = (node as Container)[path[i]!];
  }
  return typeof node === "object" && node !== null ? node as Container : null;
}

export function getAt(root: unknown, path: JsonPath): unknown {
  return path.length === 0 ? root : parentOf(root, path)?.[path.at(-1)!];
}

export function setAt(root: unknown, path: JsonPath, value: unknown): void {
  const parent = parentOf(root, path);
  if (parent !== null) parent[path.at(-1)!] = value;
}

export function deleteAt(root: unknown, path: JsonPath): void {
  const parent = parentOf(root, path);
  if (parent !== null && !Array.isArray(parent)) delete parent[path.at(-1)!];
}
