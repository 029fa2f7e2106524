/**
 * Byte searches of the usage parsers' hot loops, made fast. Most bytes of a large answer sit
 * inside one JSON string (the content), and the JSON scanner must still look at each one (a
 * control character there makes the document invalid, as for `JSON.parse`); the SSE frame looks
 * for the last line break of each chunk. JavaScript loops (and `Uint8Array#lastIndexOf`) do that
 * at 0.5-1 ns per byte, which was 43% of the gateway's CPU on 10 MB JSON answers and a tenth on
 * big stream events; a 16-byte SIMD loop in a tiny WebAssembly module does it at about 0.14 ns
 * per byte, copy into its memory included.
 *
 * The module is assembled below from its text (no build step, no binary file); where
 * WebAssembly or its SIMD instructions are missing, the JavaScript loops do the work.
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

/** Index of the last LF or CR in `buf`, or -1. The reference version. */
export function lastLineBreakJs(buf: Uint8Array): number {
  for (let i = buf.length - 1; i >= 0; i--) if (buf[i] === 0x0a || buf[i] === 0x0d) return i;
  return -1;
}

/**
 * As `lastLineBreakJs`, through the SIMD module for long chunks: the SSE frame holds what follows
 * a chunk's last line break, and with large events that search (`lastIndexOf` walks back byte by
 * byte) was a tenth of the gateway's CPU.
 */
export function lastLineBreak(buf: Uint8Array): number {
  if (buf.length <= jsFirstBytes || simd === null) return lastLineBreakJs(buf);
  for (let end = buf.length; end > 0; end -= windowBytes) {
    const start = Math.max(0, end - windowBytes);
    simd.memory.set(buf.subarray(start, end));
    const at = simd.lastBreak(0, end - start);
    if (at !== -1) return start + at;
  }
  return -1;
}

interface Simd {
  memory: Uint8Array;
  scan(from: number, to: number): number;
  lastBreak(from: number, to: number): number;
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
      lastBreak: instance.exports.l as (from: number, to: number) => number,
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
 *     (local.get $p))
 *   (func (export "l") (param $p i32) (param $e i32) (result i32)   ;; last LF or CR, or -1
 *     (local $c i32) (local $v v128)
 *     (block $tail (loop $simd                   ;; 16 bytes at a time, from the end
 *       (br_if $tail (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $e)))
 *       (local.set $v (v128.load (i32.sub (local.get $e) (i32.const 16))))
 *       (br_if $tail (v128.any_true (v128.or
 *         (i8x16.eq (local.get $v) (v128.const i8x16 0x0a ...))
 *         (i8x16.eq (local.get $v) (v128.const i8x16 0x0d ...)))))
 *       (local.set $e (i32.sub (local.get $e) (i32.const 16)))
 *       (br $simd)))
 *     (loop $bytes
 *       (if (i32.le_u (local.get $e) (local.get $p)) (then (return (i32.const -1))))
 *       (local.set $c (i32.load8_u (local.tee $e (i32.sub (local.get $e) (i32.const 1)))))
 *       (if (i32.or (i32.eq (local.get $c) (i32.const 0x0a)) (i32.eq (local.get $c) (i32.const 0x0d)))
 *         (then (return (local.get $e))))
 *       (br $bytes))
 *     (i32.const -1)))
 * ```
 */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const [I32, V128, BLOCK, LOOP, END, BR, BR_IF] = [0x7f, 0x7b, 0x02, 0x03, 0x0b, 0x0c, 0x0d];
  // deno-fmt-ignore
  const [GET, SET, TEE, CONST, ADD, SUB, EQ, LT_U, GT_U, GE_U, LE_U, LOAD8_U, IF, RETURN, OR] =
    [0x20, 0x21, 0x22, 0x41, 0x6a, 0x6b, 0x46, 0x49, 0x4b, 0x4f, 0x4d, 0x2d, 0x04, 0x0f, 0x72];
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
  // deno-fmt-ignore
  const last = [
    2, 1, I32, 1, V128,
    BLOCK, empty, LOOP, empty,
    GET, p, CONST, 16, ADD, GET, e, GT_U, BR_IF, 1,
    GET, e, CONST, 16, SUB, ...simdOp(V_LOAD), 0, 0, TEE, v,
    ...splat(0x0a), ...simdOp(I8_EQ),
    GET, v, ...splat(0x0d), ...simdOp(I8_EQ), ...simdOp(V_OR),
    ...simdOp(V_ANY), BR_IF, 1,
    GET, e, CONST, 16, SUB, SET, e, BR, 0,
    END, END,
    LOOP, empty,
    GET, e, GET, p, LE_U, IF, empty, CONST, 0x7f, RETURN, END,
    GET, e, CONST, 1, SUB, TEE, e, LOAD8_U, 0, 0, TEE, c,
    CONST, 0x0a, EQ, GET, c, CONST, 0x0d, EQ, OR, IF, empty, GET, e, RETURN, END,
    BR, 0,
    END,
    CONST, 0x7f, END,
  ];
  const section = (id: number, content: number[]) => [id, ...leb128(content.length), ...content];
  // deno-fmt-ignore
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 2, I32, I32, 1, I32]), // type: (i32, i32) -> i32
    ...section(3, [2, 0, 0]), // functions 0 and 1 have type 0
    ...section(5, [1, 0, 1]), // memory: min 1 page, no max
    // exports "m" (memory), "s" (function 0), "l" (function 1)
    ...section(7, [3, 1, 0x6d, 2, 0, 1, 0x73, 0, 0, 1, 0x6c, 0, 1]),
    ...section(10, [2, ...leb128(code.length), ...code, ...leb128(last.length), ...last]),
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
