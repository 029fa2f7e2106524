/**
 * Reads a JSON document incrementally, byte by byte, and keeps only the raw bytes of the members
 * it was asked for, so that a 100 MB embeddings response costs a few hundred bytes, not several
 * copies of itself. The document is validated with the same grammar as `JSON.parse` (after the
 * same UTF-8 decoding, BOM stripping included), so "valid" means what it meant when the whole
 * body was parsed, and the kept members equal what `JSON.parse(doc)` would hold there (the last
 * of repeated keys wins; escaped keys are compared decoded).
 *
 * Bytes >= 0x80 only ever occur inside strings in valid JSON, and UTF-8 never hides an ASCII byte
 * inside a multi-byte sequence, so the grammar can run on bytes without decoding anything.
 *
 * A kept member is bounded (`maxMemberBytes`, see json_member_capture.ts). Past the bound the scan
 * fails as `tooLarge`.
 *
 * A path through `eachElement` keeps a member of each element of an array (`output[*].type`), never
 * the elements' other content: at most `maxElements` elements of each such array (one more `null`
 * says there were more), and what is kept of all elements together is bounded by `maxMemberBytes`
 * as one member is (past it the scan fails as `tooLarge`). Where the scan stands on the paths is
 * json_member_walk.ts; elements cost the hot loops nothing: only a value directly inside an
 * array does one comparison more.
 */
import type { JsonObject } from "./json_body.ts";
import { usageReadLimits } from "./usage_limits.ts";
import { KeyBuffer, MemberCapture } from "./json_member_capture.ts";
import { plainRunEnd } from "./simd_scan.ts";
import {
  buildPathTree,
  type MemberPath,
  type PathNode,
  type PathTree,
} from "./json_member_paths.ts";
import { PathWalk } from "./json_member_walk.ts";

export type JsonScanResult =
  /** `tooLarge`: a requested member passed the size bound, and scanning stopped there. */
  | { valid: false; tooLarge?: true }
  /** `members` is null when the top-level value is not an object. */
  | { valid: true; members: JsonObject | null };

const START = 0, BOM1 = 1, BOM2 = 2, VALUE = 3, AFTER = 4, OBJ_OPEN = 5, OBJ_KEY = 6;
const COLON = 7, ARR_OPEN = 8, STRING = 9, ESCAPE = 10, HEX = 11, MINUS = 12, ZERO = 13;
const INT = 14, DOT = 15, FRAC = 16, EXP_MARK = 17, EXP_SIGN = 18, EXP = 19, LITERAL = 20;
const FAILED = 21;

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, LBRACE = 0x7b, RBRACE = 0x7d;
const LBRACKET = 0x5b, RBRACKET = 0x5d, D0 = 0x30, D9 = 0x39, PERIOD = 0x2e;

const enc = new TextEncoder();
const literals = new Map<number, Uint8Array>(
  ["true", "false", "null"].map((word) => [word.charCodeAt(0), enc.encode(word)]),
);
const simpleEscapes = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));

const empty = new Uint8Array(0);
// Built once per list of paths: readers pass the same constant list for every response.
const trees = new WeakMap<readonly MemberPath[], PathTree>();

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= D0 && c <= D9;
const isExpMark = (c: number) => c === 0x65 || c === 0x45;
const isHex = (c: number) => isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);

export class JsonMemberScanner {
  readonly #walk: PathWalk;
  #state = START;
  #depth = 0;
  /** One bit per open container, set for objects: all the grammar needs to remember. */
  #stack: Uint8Array = empty;
  /**
   * Depth of the deepest open container (an object, or an array through `eachElement`) that lies
   * on a requested path (`#walk` knows which).
   */
  #pathDepth = 0;
  /** The node matched by the key (or array element) just read; the next value starts it. */
  #pending: PathNode | null;
  #rootIsObject = false;
  #inKey = false;
  #keyWanted = false;
  readonly #key: KeyBuffer;
  #hexLeft = 0;
  #literal: Uint8Array = empty;
  #literalAt = 0;
  readonly #capture: MemberCapture;
  #peak = 0;
  #result: JsonScanResult | null = null;

  constructor(
    paths: readonly MemberPath[],
    maxMemberBytes: number = usageReadLimits.memberBytes,
    maxElements: number = usageReadLimits.arrayElements,
  ) {
    this.#capture = new MemberCapture(maxMemberBytes);
    let tree = trees.get(paths);
    if (tree === undefined) {
      tree = buildPathTree(paths);
      trees.set(paths, tree);
    }
    this.#walk = new PathWalk(tree, maxMemberBytes, maxElements);
    // The root starts first.
    this.#pending = tree.root;
    this.#key = new KeyBuffer(tree.longestKey);
  }

  /**
   * Bytes held now: kept members (array elements with a word each), a member being read, the key
   * buffer and the depth bits.
   */
  get retainedBytes(): number {
    return this.#walk.keptBytes + this.#capture.bytes + this.#key.size + this.#stack.length;
  }

  /** A requested member passed `maxMemberBytes`: the scan stopped and holds nothing. */
  get tooLarge(): boolean {
    return this.#capture.tooLarge;
  }

  /** The largest `retainedBytes` seen at the end of any `push`. */
  get peakRetainedBytes(): number {
    return this.#peak;
  }

  /** Never throws: malformed input makes the result invalid and the rest is ignored. */
  push(chunk: Uint8Array): void {
    if (this.#state === FAILED || this.#result !== null) return;
    try {
      this.#scan(chunk);
    } catch {
      this.#fail();
    }
    this.#peak = Math.max(this.#peak, this.retainedBytes);
  }

  finish(): JsonScanResult {
    if (this.#result !== null) return this.#result;
    const s = this.#state;
    const done = this.#depth === 0 && (s === AFTER || s === ZERO || s === INT || s === FRAC ||
      s === EXP);
    let result: JsonScanResult = this.#capture.tooLarge
      ? { valid: false, tooLarge: true }
      : { valid: false };
    if (done) {
      try {
        const members = this.#rootIsObject ? this.#walk.assemble() : null;
        result = { valid: true, members };
      } catch {
        // Kept bytes were validated while scanning, so this is unreachable; stay non-throwing.
      }
    }
    this.#fail();
    this.#result = result;
    return result;
  }

  #fail(): void {
    this.#state = FAILED;
    this.#walk.release();
    this.#capture.release();
    this.#stack = empty;
    this.#key.release();
  }

  #scan(buf: Uint8Array): void {
    const n = buf.length;
    let i = 0;
    this.#capture.start = 0;
    this.#key.start = 0;
    scan: while (i < n) {
      let c = buf[i]!;
      switch (this.#state) {
        case STRING:
          // The hot loop: long strings (base64 embeddings, content) are skipped here.
          i = plainRunEnd(buf, i, n);
          if (i === n) break scan;
          c = buf[i]!;
          if (c === QUOTE) this.#endString(buf, i);
          else if (c === BACKSLASH) this.#state = ESCAPE;
          else return this.#fail();
          i++;
          continue;
        case INT:
        case FRAC:
        case EXP:
          // The other hot loop: float arrays of embeddings.
          while (isDigit(c)) {
            if (++i === n) break scan;
            c = buf[i]!;
          }
          if (c === PERIOD && this.#state === INT) this.#state = DOT;
          else if (isExpMark(c) && this.#state !== EXP) this.#state = EXP_MARK;
          else {
            this.#endValue(buf, i);
            continue;
          }
          i++;
          continue;
        case AFTER:
          if (isSpace(c)) break;
          if (this.#depth === 0) return this.#fail();
          if (c === COMMA) {
            if (this.#topIsObject()) this.#state = OBJ_KEY;
            else {
              this.#state = VALUE;
              if (this.#pathDepth === this.#depth) {
                this.#pending = this.#walk.element(this.#depth);
              }
            }
          } else if (c === (this.#topIsObject() ? RBRACE : RBRACKET)) this.#close(buf, i);
          else return this.#fail();
          break;
        case VALUE:
          if (isSpace(c)) break;
          if (!this.#startValue(i, c)) return this.#fail();
          break;
        case OBJ_OPEN:
        case OBJ_KEY:
          if (isSpace(c)) break;
          if (c === QUOTE) this.#openKey(i);
          else if (c === RBRACE && this.#state === OBJ_OPEN) this.#close(buf, i);
          else return this.#fail();
          break;
        case COLON:
          if (isSpace(c)) break;
          if (c !== 0x3a) return this.#fail();
          this.#state = VALUE;
          break;
        case ARR_OPEN:
          if (isSpace(c)) break;
          if (c === RBRACKET) {
            this.#close(buf, i);
            break;
          }
          this.#state = VALUE;
          if (this.#pathDepth === this.#depth) this.#pending = this.#walk.element(this.#depth);
          continue;
        case ESCAPE:
          if (c === 0x75) {
            this.#hexLeft = 4;
            this.#state = HEX;
          } else if (simpleEscapes.has(c)) this.#state = STRING;
          else return this.#fail();
          break;
        case HEX:
          if (!isHex(c)) return this.#fail();
          if (--this.#hexLeft === 0) this.#state = STRING;
          break;
        case MINUS:
          if (!isDigit(c)) return this.#fail();
          this.#state = c === D0 ? ZERO : INT;
          break;
        case ZERO:
          if (c === PERIOD) this.#state = DOT;
          else if (isExpMark(c)) this.#state = EXP_MARK;
          else {
            this.#endValue(buf, i);
            continue;
          }
          break;
        case DOT:
          if (!isDigit(c)) return this.#fail();
          this.#state = FRAC;
          break;
        case EXP_MARK:
          if (c === 0x2b || c === 0x2d) this.#state = EXP_SIGN;
          else if (isDigit(c)) this.#state = EXP;
          else return this.#fail();
          break;
        case EXP_SIGN:
          if (!isDigit(c)) return this.#fail();
          this.#state = EXP;
          break;
        case LITERAL:
          if (c !== this.#literal[this.#literalAt]) return this.#fail();
          if (++this.#literalAt === this.#literal.length) this.#endValue(buf, i + 1);
          break;
        case START:
          // The decoder that fed JSON.parse dropped one leading BOM; so do we.
          if (c !== 0xef) {
            this.#state = VALUE;
            continue;
          }
          this.#state = BOM1;
          break;
        case BOM1:
          if (c !== 0xbb) return this.#fail();
          this.#state = BOM2;
          break;
        case BOM2:
          if (c !== 0xbf) return this.#fail();
          this.#state = VALUE;
          break;
        default:
          return;
      }
      i++;
    }
    const capture = this.#capture;
    if (capture.slot >= 0 && !capture.keep(buf.slice(capture.start, n))) this.#fail();
    if (this.#inKey && this.#keyWanted) this.#key.append(buf, this.#key.start, n);
  }

  /** False when `c` cannot start a value. */
  #startValue(i: number, c: number): boolean {
    let next: number;
    if (c === QUOTE) next = STRING;
    else if (c === LBRACE) next = OBJ_OPEN;
    else if (c === LBRACKET) next = ARR_OPEN;
    else if (c === 0x2d) next = MINUS;
    else if (c === D0) next = ZERO;
    else if (isDigit(c)) next = INT;
    else if (literals.has(c)) {
      next = LITERAL;
      this.#literal = literals.get(c)!;
      this.#literalAt = 1;
    } else return false;
    if (this.#depth === 0) this.#rootIsObject = c === LBRACE;
    const node = this.#pending;
    if (node !== null) {
      this.#pending = null;
      if (this.#walk.enter(node, this.#depth, i, c, this.#capture)) {
        this.#pathDepth = this.#depth + 1;
      }
    }
    if (next === OBJ_OPEN || next === ARR_OPEN) this.#push(next === OBJ_OPEN);
    this.#inKey = false;
    this.#state = next;
    return true;
  }

  #openKey(i: number): void {
    this.#inKey = true;
    this.#keyWanted = this.#pathDepth === this.#depth;
    this.#key.open(i + 1);
    this.#state = STRING;
  }

  #endString(buf: Uint8Array, i: number): void {
    if (!this.#inKey) return this.#endValue(buf, i + 1);
    this.#inKey = false;
    this.#state = COLON;
    if (!this.#keyWanted) return;
    this.#key.append(buf, this.#key.start, i);
    const key = this.#key.decoded();
    if (key === null) return;
    this.#pending = this.#walk.member(this.#depth, key);
  }

  /** A value ended just before `end` at the current depth. */
  #endValue(buf: Uint8Array, end: number): void {
    this.#state = AFTER;
    const capture = this.#capture;
    if (capture.slot < 0 || this.#depth !== capture.depth) return;
    const into = capture.into;
    const slot = capture.slot;
    const whole = capture.end(buf, end);
    // Past the bound the scan stops and releases what it held.
    if (whole === null) return this.#fail();
    into[slot] = whole;
    this.#walk.captured(whole.length);
  }

  #push(isObject: boolean): void {
    const d = this.#depth++;
    if (d >> 3 >= this.#stack.length) {
      const grown = new Uint8Array(Math.max(8, this.#stack.length * 2));
      grown.set(this.#stack);
      this.#stack = grown;
    }
    if (isObject) this.#stack[d >> 3]! |= 1 << (d & 7);
    else this.#stack[d >> 3]! &= ~(1 << (d & 7));
  }

  #topIsObject(): boolean {
    const d = this.#depth - 1;
    return (this.#stack[d >> 3]! & (1 << (d & 7))) !== 0;
  }

  #close(buf: Uint8Array, i: number): void {
    if (this.#pathDepth === this.#depth) this.#pathDepth--;
    this.#depth--;
    this.#endValue(buf, i + 1);
  }
}
