/**
 * What a translation could not carry. Two outcomes only (issue 21): a `TranslationError` (the
 * gateway answers 400 naming the field) or a `Note` recorded on the trace (a documented drop or
 * change). Never a silent change.
 */

export type NoteCode =
  /** The field has no counterpart on the other side and was left out. */
  | "dropped"
  /** The content moved to another place the other side accepts (images of a Chat tool result). */
  | "relocated"
  /** The value was converted to the nearest the other side accepts (effort to budget, ids). */
  | "converted"
  /** Thinking state of another provider or model was not sent upstream. */
  | "thinking_state_dropped"
  /** Tool arguments from the model were not a JSON object; the call carries `{}`. */
  | "tool_arguments_unparsed"
  /** The upstream reported no usage; the client's format needs a number and shows 0. */
  | "usage_unknown";

export interface Note {
  code: NoteCode;
  /** The field in the protocol it was read from or written to (`messages[2].content[0].detail`). */
  field: string;
  why: string;
}

/** Bounded: a hostile request with a million ignored fields keeps 50 notes and a count. */
export const maxNotes = 50;

export class Notes {
  readonly list: Note[] = [];
  omitted = 0;
  add(code: NoteCode, field: string, why: string): void {
    if (this.list.length < maxNotes) this.list.push({ code, field, why });
    else this.omitted++;
  }
}

/** A request (or answer) a cell cannot carry: the gateway answers 400 naming `field`. The proxy
 *  maps it onto its error table when translation is wired (plan part T7). */
export class TranslationError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
    this.name = "TranslationError";
  }
}
