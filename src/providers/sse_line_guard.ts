/**
 * Watches the length of SSE lines in front of the SSE parser. The parser's own bound
 * (`maxBufferSize`) is checked when it buffers, so whether a line just over it trips depends on
 * where the chunks were cut; this one measures every line exactly, so a usage report does not
 * depend on chunking. A line ends at LF, CR or CRLF, as in the SSE grammar.
 */
export class SseLineGuard {
  /** Characters of the line still open at the end of the last text. */
  #open = 0;

  constructor(readonly maxChars: number) {}

  /** False once a line is longer than `maxChars`. */
  push(text: string): boolean {
    const first = firstBreak(text);
    if (first === -1) {
      this.#open += text.length;
      return this.#open <= this.maxChars;
    }
    if (this.#open + first > this.maxChars) return false;
    // Lines between the first and the last break are shorter than the text: only a text longer
    // than the bound can hide one that is too long.
    if (text.length > this.maxChars && !linesWithin(text, first, this.maxChars)) return false;
    this.#open = text.length - 1 - lastBreak(text);
    return this.#open <= this.maxChars;
  }
}

// The searches below look at the first and the last line of a chunk only, and search backwards
// only over the tail after the last LF: forward searches of a one-byte string run natively at
// memory speed (a whole text searched for a CR that most streams never send costs little), a
// backward one walks character by character (`lastIndexOf("\r", lf)` over a 16 KiB first line
// cost a sixth of the gateway's CPU on big events).

function firstBreak(text: string): number {
  const lf = text.indexOf("\n");
  const cr = text.indexOf("\r");
  if (lf === -1 || cr === -1) return lf === -1 ? cr : lf;
  return Math.min(lf, cr);
}

function lastBreak(text: string): number {
  const lf = text.lastIndexOf("\n");
  if (lf === -1) return text.lastIndexOf("\r");
  return text.indexOf("\r", lf) === -1 ? lf : text.lastIndexOf("\r");
}

function linesWithin(text: string, first: number, max: number): boolean {
  // Next LF and next CR, each searched again only once passed (a text without CR would make a
  // fresh search per line quadratic).
  let lf = text.indexOf("\n", first + 1);
  let cr = text.indexOf("\r", first + 1);
  for (let start = first + 1;;) {
    if (lf !== -1 && lf < start) lf = text.indexOf("\n", start);
    if (cr !== -1 && cr < start) cr = text.indexOf("\r", start);
    const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (end === -1) return true;
    if (end - start > max) return false;
    start = end + 1;
  }
}
