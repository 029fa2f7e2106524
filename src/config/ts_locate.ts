/**
 * Where a config path is written in a `gateway.config.ts`, so `check --format github` can put an
 * annotation on the line, as it does for YAML. The config is code, so this is a lexical reading of
 * the default-exported object literal, not an evaluation: keys (`port:`, `"port":`, shorthand
 * `pii,`) and array elements are recorded with their nesting; function bodies, calls, regular expressions, strings,
 * template literals and comments are stepped over. A value that comes from elsewhere (`pii: strict`
 * imported from ./policies) is located at its key in the config, the deepest part of the path the
 * file shows. Anything the scanner does not understand only costs the line number, never a result.
 */
import type { Locate } from "./file_formats.ts";
import type { PathSegment } from "./issues.ts";

interface Position {
  line: number;
  column: number;
}

type Frame =
  | { kind: "object"; path: PathSegment[]; key: string | null }
  | { kind: "array"; path: PathSegment[]; index: number }
  /** A block, call argument list or computed key: nothing inside is a config key. */
  | { kind: "opaque"; close: "}" | ")" | "]" };

/** Keys of the default export, by their formatted path, mapped to where the key starts. */
export function tsKeyPositions(text: string): Map<string, Position> {
  const found = new Map<string, Position>();
  const lexer = new Lexer(text);
  const stack: Frame[] = [];
  let previous = "";
  let beforePrevious = "";
  for (let token = lexer.next(); token !== null; token = lexer.next()) {
    const top = stack.at(-1);
    const { value } = token;
    if (top === undefined) {
      // Before the root: `export default {` or `defineConfig({` (also when exported later).
      const root = value === "{" &&
        (previous === "default" && beforePrevious === "export" ||
          previous === "(" && beforePrevious === "defineConfig");
      if (root) stack.push({ kind: "object", path: [], key: null });
      beforePrevious = previous;
      previous = value;
      continue;
    }
    if (top.kind === "array" && (previous === "[" || previous === ",") && value !== "]") {
      const at = pathKey([...top.path, top.index]); // an element starts here
      if (!found.has(at)) found.set(at, token.at);
    }
    if (value === "{" || value === "[" || value === "(") {
      stack.push(open(top, value, previous));
    } else if (value === "}" || value === "]" || value === ")") {
      stack.pop();
      if (stack.length === 0) break; // the root object is closed
    } else if (top.kind === "object") {
      if (value === ",") top.key = null;
      else if (token.kind === "name" && (previous === "{" || previous === ",")) {
        const after = lexer.peek();
        if (after === ":" || after === "," || after === "}" || after === "(") {
          top.key = token.text;
          const path = [...top.path, token.text];
          const at = pathKey(path);
          if (!found.has(at)) found.set(at, token.at);
        }
      }
    } else if (top.kind === "array" && value === ",") {
      top.index++;
    }
    beforePrevious = previous;
    previous = value;
  }
  return found;
}

/** The frame a bracket opens, from where it stands. */
function open(top: Frame, bracket: "{" | "[" | "(", previous: string): Frame {
  const close = bracket === "{" ? "}" : bracket === "[" ? "]" : ")";
  if (top.kind === "opaque" || bracket === "(") return { kind: "opaque", close };
  // `=> {` and `) {` start function bodies; `[` right after `{` or `,` is a computed key.
  if (bracket === "{" && (previous === "=>" || previous === ")")) return { kind: "opaque", close };
  if (top.kind === "object") {
    if (top.key === null) return { kind: "opaque", close };
    const path = [...top.path, top.key];
    return bracket === "{"
      ? { kind: "object", path, key: null }
      : { kind: "array", path, index: 0 };
  }
  const path = [...top.path, top.index];
  return bracket === "{" ? { kind: "object", path, key: null } : { kind: "array", path, index: 0 };
}

function pathKey(path: readonly PathSegment[]): string {
  return path.map((s) => typeof s === "number" ? `[${s}]` : `.${s}`).join("");
}

/** A `Locate` for a TypeScript config: the deepest part of the path written in the file. */
export function locateInTs(text: string): Locate {
  let positions: Map<string, Position> | null = null;
  return (path) => {
    positions ??= tsKeyPositions(text);
    for (let n = path.length; n > 0; n--) {
      const at = positions.get(pathKey(path.slice(0, n)));
      if (at) return at;
    }
    return undefined;
  };
}

interface Token {
  /** Punctuation as written, `name` for identifiers and string keys, `other` for the rest. */
  value: string;
  kind: "name" | "punct" | "other";
  /** The identifier or the string's content. */
  text: string;
  at: Position;
}

/** Just enough of a TypeScript lexer to skip what can hide brackets. */
class Lexer {
  #text: string;
  #i = 0;
  #line = 1;
  #lineStart = 0;
  #last = "";
  #peeked: Token | null | undefined;
  /** Open template literals: the brace depth at which each `${` resumes its template. */
  #templates: number[] = [];
  #braces = 0;

  constructor(text: string) {
    this.#text = text;
  }

  peek(): string | null {
    if (this.#peeked === undefined) this.#peeked = this.#read();
    return this.#peeked?.value ?? null;
  }

  next(): Token | null {
    if (this.#peeked !== undefined) {
      const token = this.#peeked;
      this.#peeked = undefined;
      return token;
    }
    return this.#read();
  }

  #read(): Token | null {
    const t = this.#text;
    for (;;) {
      this.#skipSpaceAndComments();
      if (this.#i >= t.length) return null;
      const at = { line: this.#line, column: this.#i - this.#lineStart + 1 };
      const c = t[this.#i]!;
      if (c === '"' || c === "'") {
        const text = this.#string(c);
        return this.#emit({ value: "string", kind: "name", text, at });
      }
      if (c === "`") {
        this.#i++;
        this.#templateRest();
        continue;
      }
      if (c === "}" && this.#templates.at(-1) === this.#braces) {
        this.#templates.pop(); // the end of a `${ ... }`: back into the template
        this.#i++;
        this.#templateRest();
        continue;
      }
      if (c === "/" && this.#regexAllowed()) {
        this.#regex();
        return this.#emit({ value: "regex", kind: "other", text: "", at });
      }
      const word = /^[A-Za-z_$][\w$]*/.exec(t.slice(this.#i, this.#i + 256));
      if (word) {
        this.#i += word[0].length;
        return this.#emit({ value: word[0], kind: "name", text: word[0], at });
      }
      const number = /^(?:\d[\w.]*|\.\d[\w]*)/.exec(t.slice(this.#i, this.#i + 64));
      if (number) {
        this.#i += number[0].length;
        return this.#emit({ value: "number", kind: "other", text: "", at });
      }
      const punct = t.startsWith("=>", this.#i) ? "=>" : t.startsWith("...", this.#i) ? "..." : c;
      this.#i += punct.length;
      if (punct === "{") this.#braces++;
      if (punct === "}") this.#braces--;
      return this.#emit({ value: punct, kind: "punct", text: punct, at });
    }
  }

  #emit(token: Token): Token {
    this.#last = token.value;
    return token;
  }

  /** A `/` starts a regular expression where a value is expected, not after one. */
  #regexAllowed(): boolean {
    const next = this.#text[this.#i + 1];
    if (next === "/" || next === "*") return false;
    return !(this.#last === ")" || this.#last === "]" || this.#last === "}" ||
      this.#last === "number" || this.#last === "string" || this.#last === "regex" ||
      /^[A-Za-z_$]/.test(this.#last) && this.#last !== "return" && this.#last !== "typeof");
  }

  #skipSpaceAndComments(): void {
    const t = this.#text;
    while (this.#i < t.length) {
      const c = t[this.#i]!;
      if (c === "\n") this.#newline(this.#i + 1);
      else if (c === " " || c === "\t" || c === "\r") this.#i++;
      else if (t.startsWith("//", this.#i)) {
        const end = t.indexOf("\n", this.#i);
        this.#i = end === -1 ? t.length : end;
      } else if (t.startsWith("/*", this.#i)) {
        const end = t.indexOf("*/", this.#i + 2);
        this.#advanceTo(end === -1 ? t.length : end + 2);
      } else return;
    }
  }

  #newline(next: number): void {
    this.#line++;
    this.#lineStart = next;
    this.#i = next;
  }

  /** Moves to `end`, counting the newlines passed. */
  #advanceTo(end: number): void {
    for (let j = this.#text.indexOf("\n", this.#i); j !== -1 && j < end;) {
      this.#line++;
      this.#lineStart = j + 1;
      j = this.#text.indexOf("\n", j + 1);
    }
    this.#i = end;
  }

  #string(quote: string): string {
    const t = this.#text;
    let out = "";
    this.#i++;
    while (this.#i < t.length && t[this.#i] !== quote && t[this.#i] !== "\n") {
      if (t[this.#i] === "\\") this.#i++;
      out += t[this.#i] ?? "";
      this.#i++;
    }
    if (t[this.#i] === quote) this.#i++; // unterminated at a line end: the newline stays
    return out;
  }

  /** Inside a template literal: to its end, or into a `${` (its `}` is found by `#read`). */
  #templateRest(): void {
    const t = this.#text;
    while (this.#i < t.length) {
      const c = t[this.#i]!;
      if (c === "\\") this.#advanceTo(this.#i + 2);
      else if (c === "`") {
        this.#i++;
        this.#last = "string";
        return;
      } else if (c === "$" && t[this.#i + 1] === "{") {
        this.#i += 2;
        this.#templates.push(this.#braces);
        this.#last = "(";
        return;
      } else if (c === "\n") this.#newline(this.#i + 1);
      else this.#i++;
    }
  }

  #regex(): void {
    const t = this.#text;
    let inClass = false;
    this.#i++;
    while (this.#i < t.length && t[this.#i] !== "\n") {
      const c = t[this.#i]!;
      if (c === "\\") this.#i++;
      else if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
      this.#i++;
    }
    if (t[this.#i] === "/") this.#i++;
    while (this.#i < t.length && /[a-z]/.test(t[this.#i]!)) this.#i++;
  }
}
