/**
 * Where `JsonMemberScanner` stands on the requested member paths while it reads: the open
 * containers that lie on a path, which member the next value is, and where a kept value goes
 * (the document's slots, or an array element's). The scanner runs the grammar and tells this
 * when a key was read, a value or an array element starts and a container closes; nothing here
 * looks at bytes.
 *
 * Array elements (paths through `eachElement`): at most `maxElements` of each array are kept, and
 * one more `null` when there were more; what is kept of all elements together is bounded by
 * `maxMemberBytes`, as one member is.
 */
import type { MemberCapture } from "./json_member_capture.ts";
import {
  assembleMembers,
  type Elements,
  type PathNode,
  type PathTree,
  type Slot,
} from "./json_member_paths.ts";
import type { JsonObject } from "./json_body.ts";

export class PathWalk {
  #slots: Slot[];
  /**
   * The open containers that lie on a requested path (an object, or an array through
   * `eachElement`), by depth: `#onPath[d]` is its node, `#scopes[d]` the slots its members go to
   * (an object's), `#elements[d]` the elements kept so far (an array's). The scanner keeps the
   * depth of the deepest one (`enter` says when it grows).
   */
  readonly #onPath: PathNode[] = [];
  #scopes: Slot[][] = [];
  #elements: Elements[] = [];
  /** Raw bytes kept of array elements, all arrays together. */
  #elementBytes = 0;
  /** Elements kept, all arrays together (for `retainedBytes`). */
  #elementCount = 0;
  /** The member being captured is (part of) an array element. */
  #captureInElement = false;

  constructor(
    private readonly tree: PathTree,
    private readonly maxMemberBytes: number,
    private readonly maxElements: number,
  ) {
    this.#slots = new Array<Slot>(tree.slotCount).fill(undefined);
    this.#scopes[0] = this.#slots;
  }

  /**
   * Bytes held in kept members: the document's, and for array elements their kept bytes and a
   * word each (counted when kept, even when a repeated key later drops them).
   */
  get keptBytes(): number {
    let kept = this.#elementBytes + 8 * this.#elementCount;
    for (const s of this.#slots) {
      if (typeof s === "string" || s instanceof Uint8Array) kept += s.length;
    }
    return kept;
  }

  /** The member a key read directly inside the on-path object at `depth` names, if requested. */
  member(depth: number, key: string): PathNode | null {
    return this.#onPath[depth]!.children.get(key) ?? null;
  }

  /** The node of each element of the on-path array open at `depth`. */
  element(depth: number): PathNode | null {
    return this.#onPath[depth]!.each;
  }

  /**
   * The value of `node` (a requested member or element) starts at `i` (first byte `c`) inside
   * the container at `depth`: it replaces any earlier one under the same key. A leaf's bytes go
   * to `capture`. True when the value is a container on the path, open at `depth + 1`.
   */
  enter(node: PathNode, depth: number, i: number, c: number, capture: MemberCapture): boolean {
    if (node.element) return this.#enterElement(node, depth, i, c, capture);
    const scope = this.#scopes[depth]!;
    for (const s of node.slots) scope[s] = undefined;
    if (node.leaf) {
      // A member of an element (`output[*].type`) counts against the elements' shared bound.
      this.#captureInElement = scope !== this.#slots;
      const limit = this.#captureInElement ? this.#elementBytesLeft() : this.maxMemberBytes;
      capture.begin(scope, node.slot, depth, i, limit);
    } else if (c === LBRACE && node.children.size > 0) {
      if (node.slot >= 0) scope[node.slot] = true;
      this.#onPath[depth + 1] = node;
      this.#scopes[depth + 1] = scope;
      return true;
    } else if (c === LBRACKET && node.each !== null) {
      const elements: Elements = [];
      scope[node.slot] = elements;
      this.#onPath[depth + 1] = node;
      this.#elements[depth + 1] = elements;
      return true;
    }
    return false;
  }

  /** The captured member ended and was stored. */
  captured(bytes: number): void {
    if (this.#captureInElement) this.#elementBytes += bytes;
  }

  /** The top-level object reduced to the kept members (`assembleMembers`). */
  assemble(): JsonObject {
    return assembleMembers(this.tree.root, this.#slots);
  }

  /** The scan stopped: nothing is held any more. */
  release(): void {
    this.#slots = [];
    this.#scopes = [];
    this.#elements = [];
    this.#onPath.length = 0;
    this.#elementBytes = 0;
    this.#elementCount = 0;
  }

  /** An element of an array on a requested path starts: kept in its own scope, up to the bound. */
  #enterElement(
    node: PathNode,
    depth: number,
    i: number,
    c: number,
    capture: MemberCapture,
  ): boolean {
    const elements = this.#elements[depth]!;
    const at = elements.length;
    if (at >= this.maxElements) {
      // One more `null` says that some elements were not read.
      if (at === this.maxElements) elements.push(null);
      return false;
    }
    elements.push(null);
    this.#elementCount++;
    if (node.leaf) {
      this.#captureInElement = true;
      capture.begin(elements, at, depth, i, this.#elementBytesLeft());
    } else if (c === LBRACE) {
      const scope = new Array<Slot>(node.scopeSize).fill(undefined);
      elements[at] = scope;
      this.#onPath[depth + 1] = node;
      this.#scopes[depth + 1] = scope;
      return true;
    }
    return false;
  }

  #elementBytesLeft(): number {
    return this.maxMemberBytes - this.#elementBytes;
  }
}

const LBRACE = 0x7b, LBRACKET = 0x5b;
