/**
 * The JSON scanner's hot loop, made fast: where the string being read ends or needs a closer
 * look. Most bytes of a large answer sit inside one string (the content), and the scanner must
 * still look at each one (a control character there makes the document invalid, as for
 * `JSON.parse`). A JavaScript loop does that at about 1 ns per byte, which was 43% of the
 * gateway's CPU on 10 MB JSON answers; a 16-byte SIMD loop in a tiny WebAssembly module does it
 * at about 0.14 ns per byte, copy into its memory included.
 *
 * The module is assembled below from its text (no build step, no binary file); where
 * WebAssembly or its SIMD instructions are missing, the JavaScript loop does the work.
 */

const QUOTE = 0x22, BACKSLASH = 0x5c;

/**
 * Index of the first byte in `buf[from, to)` that is `"`, `\` or below 0x20 (what ends or
 * interrupts a JSON string's plain run), or `to` when there is none. The reference version.
 */
export function plainRunEndJs(buf: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const c = buf[i]!;
    if (c === QUOTE || c === BACKSLASH || c < 0x20) return i;
    i++;
  }
  return to;
}

/** Shorter runs than this stay in JavaScript: copying and calling cost more than they save. */
const jsFirstBytes = 64;
const windowBytes = 64 * 1024;

/** As `plainRunEndJs`, through the SIMD module for long runs. */
export function plainRunEnd(buf: Uint8Array, from: number, to: number): number {
  const head = Math.min(to, from + jsFirstBytes);
  const i = plainRunEndJs(buf, from, head);
  if (i < head || head === to) return i;
  if (simd === null) return plainRunEndJs(buf, head, to);
  for (let start = head; start < to; start += windowBytes) {
    const len = Math.min(windowBytes, to - start);
    simd.memory.set(buf.subarray(start, start + len));
    const at = simd.scan(0, len);
    if (at < len) return start + at;
  }
  return to;
}

interface Simd {
  memory: Uint8Array;
  scan(from: number, to: number): number;
}

const simd: Simd | null = instantiate();

function instantiate(): Simd | null {
  try {
    const bytes = moduleBytes();
    if (typeof WebAssembly === "undefined" || !WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const memory = instance.exports.m as WebAssembly.Memory;
    return {
      memory: new Uint8Array(memory.buffer, 0, windowBytes),
      scan: instance.exports.s as (from: number, to: number) => number,
    };
  } catch {
    return null;
  }
}

/**
 * ```wat
 * (module
 *   (memory (export "m") 1)                      ;; one 64 KiB page: the window
 *   (func (export "s") (param $p i32) (param $e i32) (result i32)
 *     (local $c i32) (local $v v128)
 *     (block $tail (loop $simd                   ;; 16 bytes at a time
 *       (br_if $tail (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $e)))
 *       (local.set $v (v128.load (local.get $p)))
 *       (br_if $tail (v128.any_true (v128.or (v128.or
 *         (i8x16.eq (local.get $v) (v128.const i8x16 0x22 ...))
 *         (i8x16.eq (local.get $v) (v128.const i8x16 0x5c ...)))
 *         (i8x16.lt_u (local.get $v) (v128.const i8x16 0x20 ...)))))
 *       (local.set $p (i32.add (local.get $p) (i32.const 16)))
 *       (br $simd)))
 *     (block $done (loop $bytes                  ;; the block with a hit, or the last bytes
 *       (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
 *       (local.set $c (i32.load8_u (local.get $p)))
 *       (br_if $done (i32.eq (local.get $c) (i32.const 0x22)))
 *       (br_if $done (i32.eq (local.get $c) (i32.const 0x5c)))
 *       (br_if $done (i32.lt_u (local.get $c) (i32.const 0x20)))
 *       (local.set $p (i32.add (local.get $p) (i32.const 1)))
 *       (br $bytes)))
 *     (local.get $p)))
 * ```
 */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const [I32, V128, BLOCK, LOOP, END, BR, BR_IF] = [0x7f, 0x7b, 0x02, 0x03, 0x0b, 0x0c, 0x0d];
  const [GET, SET, TEE, CONST, ADD, EQ, LT_U, GT_U, GE_U, LOAD8_U] = [
    0x20,
    0x21,
    0x22,
    0x41,
    0x6a,
    0x46,
    0x49,
    0x4b,
    0x4f,
    0x2d,
  ];
  const simdOp = (op: number) => [0xfd, op];
  const [V_LOAD, V_CONST, I8_EQ, I8_LT_U, V_OR, V_ANY] = [0x00, 0x0c, 0x23, 0x26, 0x50, 0x53];
  const splat = (b: number) => [...simdOp(V_CONST), ...new Array<number>(16).fill(b)];
  const p = 0, e = 1, c = 2, v = 3, empty = 0x40;
  // deno-fmt-ignore
  const code = [
    2, 1, I32, 1, V128,
    BLOCK, empty, LOOP, empty,
    GET, p, CONST, 16, ADD, GET, e, GT_U, BR_IF, 1,
    GET, p, ...simdOp(V_LOAD), 0, 0, TEE, v,
    ...splat(0x22), ...simdOp(I8_EQ),
    GET, v, ...splat(0x5c), ...simdOp(I8_EQ), ...simdOp(V_OR),
    GET, v, ...splat(0x20), ...simdOp(I8_LT_U), ...simdOp(V_OR),
    ...simdOp(V_ANY), BR_IF, 1,
    GET, p, CONST, 16, ADD, SET, p, BR, 0,
    END, END,
    BLOCK, empty, LOOP, empty,
    GET, p, GET, e, GE_U, BR_IF, 1,
    GET, p, LOAD8_U, 0, 0, TEE, c, CONST, 0x22, EQ, BR_IF, 1,
    // 0x5c as a signed LEB128 number takes two bytes.
    GET, c, CONST, 0xdc, 0x00, EQ, BR_IF, 1,
    GET, c, CONST, 0x20, LT_U, BR_IF, 1,
    GET, p, CONST, 1, ADD, SET, p, BR, 0,
    END, END,
    GET, p, END,
  ];
  const section = (id: number, content: number[]) => [id, ...leb128(content.length), ...content];
  // deno-fmt-ignore
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 2, I32, I32, 1, I32]), // type: (i32, i32) -> i32
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0, 1]), // memory: min 1 page, no max
    ...section(7, [2, 1, 0x6d, 2, 0, 1, 0x73, 0, 0]), // exports "m" (memory), "s" (function)
    ...section(10, [1, ...leb128(code.length), ...code]),
  ]);
}

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Whether the SIMD module is in use (tests and the benchmark report say so). */
export const plainRunSimd: boolean = simd !== null;
