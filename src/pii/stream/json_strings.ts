/**
 * Redaction of the complete string values of one parsed event: every string except the located
 * deltas (those go through their channel's held text), plus whole-value replacement under denied
 * member names. Streams repeat the same short strings in every event (ids, model, fingerprints),
 * so results for short strings are remembered.
 */
import type { JsonPath } from "../../providers/mod.ts";
import { addCount, type Counts, mergeCounts, type RedactRules } from "../types.ts";
import { redactText, type TextRules } from "../redact_text.ts";

/** Paths to leave alone, as a tree of member names and positions. */
export type PathTree = Map<string | number, PathTree | null>;

export function pathTree(paths: readonly JsonPath[]): PathTree | null {
  if (paths.length === 0) return null;
  const root: PathTree = new Map();
  for (const path of paths) {
    let node = root;
    path.forEach((key, i) => {
      if (i === path.length - 1) return node.set(key, null);
      let next = node.get(key);
      if (next === null) return; // a prefix is already skipped whole
      if (next === undefined) node.set(key, next = new Map());
      node = next;
    });
  }
  return root;
}

const cacheableLength = 256;
const cacheEntries = 1024;

export class CompleteStrings {
  readonly #rules: RedactRules;
  /** Short string -> its redaction and counts; null when nothing was found. */
  #cache = new Map<string, { text: string; counts: Counts } | null>();

  constructor(rules: RedactRules) {
    this.#rules = rules;
  }

  text(s: string, counts: Counts): string {
    if (s.length > cacheableLength) return redactInto(s, this.#rules, counts);
    const hit = this.#cache.get(s);
    if (hit !== undefined) {
      if (hit === null) return s;
      mergeCounts(counts, hit.counts);
      return hit.text;
    }
    const own: Counts = {};
    const text = redactInto(s, this.#rules, own);
    if (this.#cache.size >= cacheEntries) this.#cache.clear();
    this.#cache.set(s, text === s ? null : { text, counts: own });
    mergeCounts(counts, own);
    return text;
  }

  /** Redacts `value` in place (returning the new value for a bare string); true when changed. */
  redact(
    value: unknown,
    skip: PathTree | null,
    counts: Counts,
  ): { value: unknown; changed: boolean } {
    if (typeof value === "string") {
      const text = this.text(value, counts);
      return { value: text, changed: text !== value };
    }
    return { value, changed: this.#walk(value, skip, counts) };
  }

  #walk(node: unknown, skip: PathTree | null, counts: Counts): boolean {
    if (typeof node !== "object" || node === null) return false;
    let changed = false;
    const visit = (container: Record<string | number, unknown>, key: string | number) => {
      const below = skip?.get(key);
      if (below === null) return;
      const v = container[key];
      if (typeof key === "string" && (typeof v === "string" || typeof v === "number")) {
        if (this.#rules.isDeniedField(key)) {
          container[key] = this.#rules.placeholder("FIELD", String(v));
          addCount(counts, "field_name");
          changed = true;
          return;
        }
      }
      if (typeof v === "string") {
        const text = this.text(v, counts);
        if (text !== v) {
          container[key] = text;
          changed = true;
        }
      } else if (this.#walk(v, below ?? null, counts)) changed = true;
    };
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) visit(node as unknown as Record<number, unknown>, i);
    } else for (const key of Object.keys(node)) visit(node as Record<string, unknown>, key);
    return changed;
  }
}

/** The redacted text; what was found is added to `counts`. */
function redactInto(s: string, rules: TextRules, counts: Counts): string {
  const result = redactText(s, rules);
  mergeCounts(counts, result.counts);
  return result.text;
}
