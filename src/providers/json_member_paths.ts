/**
 * The member paths a JSON scanner is asked to keep, as a tree walked while scanning, and the
 * sparse object rebuilt from what was kept. Paths go through objects, and through the elements of
 * an array where they say `eachElement`: `["message", "usage"]` is `doc.message.usage`,
 * `["output", eachElement, "type"]` is the `type` of every element of `doc.output`.
 */
import type { JsonObject } from "./json_body.ts";

/**
 * In a member path, every element of the array there (`output[*]`). What follows it is kept of
 * each element (`["output", eachElement, "type"]`: the `type` of each); a path that ends with it
 * keeps each element whole (`["queries", eachElement]`). Two in a row (arrays of arrays) are not
 * supported. The elements are kept as a sparse array (see `assembleMembers`), bounded in number.
 */
export const eachElement: unique symbol = Symbol("each element");

/** Keys from the top-level object down, e.g. `["usage"]`, `["message", "model"]`, or with `eachElement`. */
export type MemberPath = readonly (string | typeof eachElement)[];

export interface PathNode {
  /** The member's key; "" for the root and for an element node. */
  key: string;
  /** Index into its scope's slots (the document's, or one element's); -1 for a scope's root. */
  slot: number;
  /** A requested path ends here: its value is kept as raw bytes. */
  leaf: boolean;
  children: Map<string, PathNode>;
  /** The node of each element when this member is an array (`eachElement`), else null. */
  each: PathNode | null;
  /** An element node: the root of a scope of its own, one per element kept. */
  element: boolean;
  /** For a scope's root (the document, an element node): how many slots the scope has. */
  scopeSize: number;
  /** This node's slot and every slot below it in its scope: a repeated key resets them all. */
  slots: number[];
}

/**
 * The kept elements of an array, in order: for an element node with members below it, the
 * element's own slots when it is an object (else null); for a leaf element node, the element's
 * raw bytes. An array longer than the scanner's element bound keeps that many and one more
 * `null`, so a reader can tell that some were not read.
 */
export type Elements = (Slot[] | Raw | null)[];

/**
 * A kept value's raw JSON text: its bytes, or for a short ASCII value read in one piece the text
 * itself (`"web_search_call"`, thousands of them in one answer: a typed array each costs more).
 */
export type Raw = Uint8Array | string;

/**
 * What a slot holds after scanning: the raw bytes of a leaf's value, `true` for an inner member
 * whose (last) value was an object, the kept elements of one whose (last) value was an array, or
 * nothing when the member was absent or neither.
 */
export type Slot = Raw | true | Elements | undefined;

export interface PathTree {
  root: PathNode;
  slotCount: number;
  /** UTF-16 length of the longest key: bounds how many raw key bytes could still match. */
  longestKey: number;
}

const newNode = (key: string, element = false): PathNode => ({
  key,
  slot: -1,
  leaf: false,
  children: new Map(),
  each: null,
  element,
  scopeSize: 0,
  slots: [],
});

/**
 * A path whose prefix is also requested is dropped: the prefix's value already contains it, and
 * captures never nest.
 */
export function buildPathTree(paths: readonly MemberPath[]): PathTree {
  for (const p of paths) {
    if (p.length === 0) throw new RangeError("a member path needs at least one key");
    if (p[0] === eachElement) throw new RangeError("a member path starts with a key");
    for (let i = 1; i < p.length; i++) {
      if (p[i] === eachElement && p[i - 1] === eachElement) {
        throw new RangeError("arrays of arrays are not supported in a member path");
      }
    }
  }
  const root = newNode("");
  let longestKey = 0;
  const byLength = [...paths].sort((a, b) => a.length - b.length);
  for (const path of byLength) {
    let node = root;
    for (const [i, key] of path.entries()) {
      if (node.leaf) break;
      let child: PathNode;
      if (key === eachElement) child = node.each ??= newNode("", true);
      else {
        child = node.children.get(key) ?? newNode(key);
        node.children.set(key, child);
        longestKey = Math.max(longestKey, key.length);
      }
      if (i === path.length - 1) child.leaf = true;
      node = child;
    }
  }
  numberScope(root);
  return { root, slotCount: root.scopeSize, longestKey };
}

/** Numbers the slots of the scope rooted at `scopeRoot`, and of the element scopes below it. */
function numberScope(scopeRoot: PathNode): void {
  let n = 0;
  const visit = (node: PathNode): number[] => {
    const below: number[] = [];
    for (const child of node.children.values()) {
      child.slot = n++;
      below.push(...visit(child));
    }
    if (node.each !== null) numberScope(node.each);
    node.slots = node.slot < 0 ? below : [node.slot, ...below];
    return node.slots;
  };
  visit(scopeRoot);
  scopeRoot.scopeSize = n;
}

// Not fatal: the whole-document parser it replaces decoded with replacement characters too.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Longest raw text `asciiText` makes a string of with a loop. */
const shortText = 64;

/**
 * `buf[from, to)` as a string when it is short and ASCII, else null: keys and element members
 * (`"web_search_call"`) are read by the thousand, where a `TextDecoder` call or a typed array
 * each costs more than the bytes.
 */
export function asciiText(buf: Uint8Array, from: number, to: number): string | null {
  if (to - from > shortText) return null;
  let out = "";
  for (let i = from; i < to; i++) {
    const b = buf[i]!;
    if (b >= 0x80) return null;
    out += String.fromCharCode(b);
  }
  return out;
}

const isRaw = (v: unknown): v is Raw => typeof v === "string" || v instanceof Uint8Array;
const parseRaw = (raw: Raw) => JSON.parse(typeof raw === "string" ? raw : decoder.decode(raw));

/**
 * The top-level object (or an element) reduced to the kept members; values are parsed here, once,
 * at the end. A kept array is an array of its kept elements: each a sparse object of the members
 * asked of it (null when it was not an object), or the element itself for a path that ends there.
 */
export function assembleMembers(node: PathNode, slots: readonly Slot[]): JsonObject {
  const out: JsonObject = {};
  for (const child of node.children.values()) {
    const s = slots[child.slot];
    let value: unknown;
    if (child.leaf) {
      if (!isRaw(s)) continue;
      value = parseRaw(s);
    } else if (s === true) value = assembleMembers(child, slots);
    else if (Array.isArray(s) && child.each !== null) value = assembleElements(child.each, s);
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

function assembleElements(each: PathNode, elements: Elements): unknown[] {
  return elements.map((e) => e === null ? null : isRaw(e) ? parseRaw(e) : assembleMembers(each, e));
}

/**
 * A key's raw bytes `raw[0, length)` (between the quotes, already validated) as the string
 * JSON.parse gives.
 */
export function decodeKey(raw: Uint8Array, length: number): string {
  const key = asciiText(raw, 0, length) ?? decoder.decode(raw.subarray(0, length));
  return key.includes("\\") ? JSON.parse(`"${key}"`) : key;
}
