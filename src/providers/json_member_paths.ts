/**
 * The member paths a JSON scanner is asked to keep, as a tree walked while scanning, and the
 * sparse object rebuilt from what was kept. Paths go through objects only: `["message", "usage"]`
 * is `doc.message.usage`, never an array element.
 */
import type { JsonObject } from "./json_body.ts";

/** Keys from the top-level object down, e.g. `["usage"]` or `["message", "model"]`. */
export type MemberPath = readonly string[];

export interface PathNode {
  key: string;
  /** Index into the scanner's slots; -1 for the root. */
  slot: number;
  /** A requested path ends here: its value is kept as raw bytes. */
  leaf: boolean;
  children: Map<string, PathNode>;
  /** This node's slot and every slot below it: a repeated key resets them all. */
  slots: number[];
}

/**
 * What a slot holds after scanning: the raw bytes of a leaf's value, `true` for an inner member
 * whose (last) value was an object, or nothing when the member was absent or not an object.
 */
export type Slot = Uint8Array | true | undefined;

export interface PathTree {
  root: PathNode;
  slotCount: number;
  /** UTF-16 length of the longest key: bounds how many raw key bytes could still match. */
  longestKey: number;
}

/**
 * A path whose prefix is also requested is dropped: the prefix's value already contains it, and
 * captures never nest.
 */
export function buildPathTree(paths: readonly MemberPath[]): PathTree {
  for (const p of paths) {
    if (p.length === 0) throw new RangeError("a member path needs at least one key");
  }
  const root: PathNode = { key: "", slot: -1, leaf: false, children: new Map(), slots: [] };
  let slotCount = 0;
  let longestKey = 0;
  const byLength = [...paths].sort((a, b) => a.length - b.length);
  for (const path of byLength) {
    let node = root;
    for (const [i, key] of path.entries()) {
      if (node.leaf) break;
      let child = node.children.get(key);
      if (child === undefined) {
        child = { key, slot: slotCount++, leaf: false, children: new Map(), slots: [] };
        node.children.set(key, child);
        longestKey = Math.max(longestKey, key.length);
      }
      if (i === path.length - 1) child.leaf = true;
      node = child;
    }
  }
  collectSlots(root);
  return { root, slotCount, longestKey };
}

function collectSlots(node: PathNode): number[] {
  const below = [...node.children.values()].flatMap(collectSlots);
  node.slots = node.slot < 0 ? below : [node.slot, ...below];
  return node.slots;
}

// Not fatal: the whole-document parser it replaces decoded with replacement characters too.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** The top-level object reduced to the kept members; values are parsed here, once, at the end. */
export function assembleMembers(node: PathNode, slots: readonly Slot[]): JsonObject {
  const out: JsonObject = {};
  for (const child of node.children.values()) {
    const s = slots[child.slot];
    let value: unknown;
    if (child.leaf && s instanceof Uint8Array) value = JSON.parse(decoder.decode(s));
    else if (!child.leaf && s === true) value = assembleMembers(child, slots);
    else continue;
    // A key named `__proto__` must be data, as with JSON.parse, not the prototype.
    if (child.key === "__proto__") {
      Object.defineProperty(out, child.key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[child.key] = value;
  }
  return out;
}

/** A key's raw bytes (between the quotes, already validated) as the string JSON.parse gives. */
export function decodeKey(raw: Uint8Array): string {
  const text = decoder.decode(raw);
  return raw.includes(0x5c) ? JSON.parse(`"${text}"`) : text;
}
