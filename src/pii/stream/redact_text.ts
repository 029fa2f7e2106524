/**
 * One-shot redaction of a complete string: scan it, splice placeholders in. This is the reference
 * the incremental redactor must agree with, and what every complete string value in a streamed
 * event goes through.
 */
import { addCount, type Counts, type Finding, type RedactRules } from "../types.ts";

export type TextRules = Pick<RedactRules, "scan" | "placeholder">;

/**
 * `text[from, to)` with every finding in that range replaced by its placeholder. `findings` are
 * positions in `text`, sorted and disjoint; a finding that starts before `from` (already emitted)
 * is cut to the part from `from` on, so no byte of it is emitted raw. Each spliced finding is
 * counted under its detector's name.
 */
export function spliceFindings(
  text: string,
  findings: readonly Finding[],
  from: number,
  to: number,
  rules: Pick<RedactRules, "placeholder">,
  counts: Counts,
): string {
  let out = "";
  let at = from;
  for (const f of findings) {
    if (f.end <= from || f.start >= to) continue;
    const start = Math.max(f.start, from);
    const end = Math.min(f.end, to);
    out += text.slice(at, start) + rules.placeholder(f.type, text.slice(start, end));
    addCount(counts, f.detector);
    at = end;
  }
  return out + text.slice(at, to);
}

/** `text` with every finding of `rules.scan` replaced; counts go into `counts`. */
export function redactText(text: string, rules: TextRules, counts: Counts): string {
  const findings = text === "" ? [] : rules.scan(text);
  if (findings.length === 0) return text;
  return spliceFindings(text, findings, 0, text.length, rules, counts);
}
