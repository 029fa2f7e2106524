/**
 * Line-by-line redaction of an SSE transcript, for when the streaming redactor (which joins the
 * deltas of a stream before scanning) is not given. Each `data:` payload is redacted on its own,
 * so a value split across two events is not seen whole here.
 */
import { redactJsonBody } from "./redact_json.ts";
import { type RedactResult, redactText } from "./redact_text.ts";
import { type Counts, mergeCounts, type RedactRules, totalCount } from "./types.ts";
import { drain, type Meter, type Steps, unmetered } from "./budget.ts";

/** Lines whose field name is kept while the rest is scanned as text: a sender chooses it all. */
const fieldLine = /^(?::|event:|id:|retry:)/;

function redactLine(line: string, rules: RedactRules): RedactResult | null {
  if (line.length === 0) return null;
  const field = fieldLine.exec(line);
  if (field !== null) {
    // Event names, ids and comments are usually protocol, but they are whatever the sender
    // wrote: an address there must not slip past a policy.
    const r = redactText(line.slice(field[0].length), rules);
    return r.changed ? { ...r, text: field[0] + r.text } : r;
  }
  if (!line.startsWith("data:")) return redactText(line, rules); // not SSE: examined as text
  const at = line.charCodeAt(5) === 0x20 ? 6 : 5;
  const payload = line.slice(at);
  const first = payload.trimStart()[0];
  const r = first === "{" || first === "["
    ? redactJsonBody(payload, rules)
    : redactText(payload, rules);
  return r.changed ? { ...r, text: line.slice(0, at) + r.text } : r;
}

/** Redacts the `data:` payloads of an SSE transcript; other lines keep their bytes. */
export function redactSseLines(text: string, rules: RedactRules): RedactResult {
  return drain(redactSseLinesSteps(text, rules, unmetered()));
}

/** `redactSseLines` in slices under the meter's budget (see budget.ts). */
export function* redactSseLinesSteps(
  text: string,
  rules: RedactRules,
  meter: Meter,
): Steps<RedactResult> {
  const counts: Counts = {};
  const parts: string[] = [];
  let last = 0;
  let start = 0;
  while (start < text.length) {
    let end = start;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 0x0a || c === 0x0d) break;
      end++;
    }
    const r = redactLine(text.slice(start, end), rules);
    if (r !== null) {
      mergeCounts(counts, r.counts);
      let found = 0;
      found += totalCount(r.counts);
      if (found > 0) meter.found(found);
      if (r.changed) {
        parts.push(text.slice(last, start), r.text);
        last = end;
      }
    }
    start = end + (text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? 2 : 1);
    if (meter.due()) yield;
  }
  if (parts.length === 0) return { text, counts, changed: false };
  parts.push(text.slice(last));
  return { text: parts.join(""), counts, changed: true };
}
