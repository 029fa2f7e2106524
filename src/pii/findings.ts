/**
 * Findings with their location, for people: `ongoingai pii scan` shows where each detected value
 * is (a JSON path such as `$.messages[0].content`, or a line and column in text) so a policy
 * change can be judged before it is merged. The gateway itself only needs counts.
 */
import { redactJsonText } from "./redact_json.ts";
import { redactText } from "./redact_text.ts";
import type { Counts, RedactRules } from "./types.ts";

export interface LocatedFinding {
  detector: string;
  type: string;
  /** `$.messages[0].content` for JSON input, `line 3, column 14` for text. */
  where: string;
  /** Offsets in the string value (JSON) or in the whole text. */
  start: number;
  end: number;
  placeholder: string;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return identifier.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Every finding in a parsed JSON value, walking it as the body redactor does. */
export function findingsInJson(value: unknown, rules: RedactRules): LocatedFinding[] {
  const out: LocatedFinding[] = [];
  const walk = (v: unknown, path: string, member: string | null, depth: number): void => {
    if (typeof v === "string" || typeof v === "number") {
      const text = String(v);
      if (member !== null && rules.isDeniedField(member)) {
        out.push({
          detector: "field_name",
          type: "FIELD",
          where: path,
          start: 0,
          end: text.length,
          placeholder: rules.placeholder("FIELD", text),
        });
        return;
      }
      if (typeof v === "number") return;
      // Tool-call arguments and the like are JSON inside a string: look inside, as redaction does.
      const nested = depth < 8 ? parseNested(v) : undefined;
      if (nested !== undefined) return walk(nested, `${path}<json>`, null, depth + 1);
      for (const f of rules.scan(v)) {
        const matched = v.slice(f.start, f.end);
        out.push({ ...f, where: path, placeholder: rules.placeholder(f.type, matched) });
      }
      return;
    }
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, childPath(path, i), member, depth));
    else if (v !== null && typeof v === "object") {
      for (const [k, item] of Object.entries(v)) walk(item, childPath(path, k), k, depth);
    }
  };
  walk(value, "$", null, 0);
  return out;
}

function parseNested(s: string): unknown {
  const first = s.trimStart()[0];
  if (first !== "{" && first !== "[") return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Every finding in plain text, located by line and column (1-based). */
export function findingsInText(text: string, rules: RedactRules): LocatedFinding[] {
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const locate = (offset: number) => {
    let lo = 0, hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return `line ${lo + 1}, column ${offset - lineStarts[lo]! + 1}`;
  };
  return rules.scan(text).map((f) => ({
    ...f,
    where: locate(f.start),
    placeholder: rules.placeholder(f.type, text.slice(f.start, f.end)),
  }));
}

export interface ScanReport {
  kind: "json" | "text";
  counts: Counts;
  findings: LocatedFinding[];
  /** The input as the gateway would store or forward it. */
  redacted: string;
}

/** JSON when it parses as JSON, text otherwise; redacted by the same code as request bodies. */
export function scanInput(input: string, rules: RedactRules): ScanReport {
  let parsed: unknown;
  let isJson = false;
  try {
    parsed = JSON.parse(input);
    isJson = true;
  } catch {
    // Not JSON: scanned as text.
  }
  const findings = isJson ? findingsInJson(parsed, rules) : findingsInText(input, rules);
  const redacted = isJson ? redactJsonText(input, rules) : redactText(input, rules);
  return {
    kind: isJson ? "json" : "text",
    counts: redacted.counts,
    findings,
    redacted: redacted.text,
  };
}
