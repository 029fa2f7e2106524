/**
 * The parsed data of an SSE event and the members a wire format's locator points at, read and
 * written in place by their JSON path.
 */
import type { JsonPath, StreamTextField } from "../../providers/mod.ts";

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

/** Marks an array element left out of a copy until the arrays are compacted. */
const removed = Symbol("removed");

/**
 * Leaves the members at `paths` out of `root`. An array element (a Gemini part) is taken out of
 * its array, so the elements after it move up; every path is resolved before any moves.
 */
export function deleteAll(root: unknown, paths: readonly JsonPath[]): void {
  const arrays = new Set<unknown[]>();
  for (const path of paths) {
    const parent = parentOf(root, path);
    if (parent === null) continue;
    const key = path.at(-1)!;
    if (!Array.isArray(parent)) delete parent[key];
    else if (typeof key === "number" && key >= 0 && key < parent.length) {
      parent[key] = removed;
      arrays.add(parent);
    }
  }
  for (const a of arrays) {
    let kept = 0;
    for (const x of a) if (x !== removed) a[kept++] = x;
    a.length = kept;
  }
}

/**
 * Makes the parsed data of a channel's last delta event into the copy that carries the channel's
 * held `text`: the channel's last field gets it (one event may hold several pieces of one channel,
 * two Gemini text parts), every other located string "", and the `once` members are left out.
 */
export function fillCopy(
  value: unknown,
  fields: readonly StreamTextField[],
  channel: string,
  text: string,
): void {
  let own = -1;
  fields.forEach((f, k) => {
    if (f.channel === channel && typeof getAt(value, f.path) === "string") own = k;
  });
  fields.forEach((f, k) => {
    if (typeof getAt(value, f.path) === "string") setAt(value, f.path, k === own ? text : "");
  });
  deleteAll(value, fields.flatMap((f) => f.once ?? []));
}
