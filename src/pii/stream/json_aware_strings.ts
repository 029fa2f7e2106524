/**
 * The complete strings of an event, with JSON in a string redacted as JSON: a Responses
 * `function_call_arguments.done`, `output_item.done` or `response.completed` repeats a tool call's
 * whole `arguments`, and a text scan of them would splice placeholders into the JSON (a bare
 * placeholder where a number was, an escape cut in half). Such a string is redacted as
 * `redactJsonText` redacts one inside a body, so it equals what the joined deltas of its
 * channel became. Every other string is redacted as `CompleteStrings` does.
 */
import { redactJsonText } from "../redact_json.ts";
import { type Counts, mergeCounts } from "../types.ts";
import { CompleteStrings } from "./json_strings.ts";

export class JsonAwareStrings extends CompleteStrings {
  readonly #redactString: (s: string) => { text: string; counts: Counts };

  constructor(rules: ConstructorParameters<typeof CompleteStrings>[0]) {
    super(rules);
    this.#redactString = (s) => redactJsonText(JSON.stringify(s), rules);
  }

  override text(s: string, counts: Counts): string {
    if (!startsLikeContainer(s)) return super.text(s, counts);
    // The body redactor's own rule for a string value (JSON if it parses, else text), applied
    // to the string as a one-value document.
    const result = this.#redactString(s);
    mergeCounts(counts, result.counts);
    return JSON.parse(result.text) as string;
  }
}

function startsLikeContainer(value: string): boolean {
  const first = value.trimStart()[0];
  return first === "{" || first === "[";
}
