/**
 * Removes whole SSE events from a byte stream and passes every other byte on unchanged and in
 * order. Complete events go out in the same `transform` call that completed them; only the
 * unterminated tail of the current event is held back, because until its blank line arrives we
 * cannot know whether it is an event to remove. An event that grows past `maxHeldEventBytes`
 * cannot be one of the small events this filter removes, so it is released early and streamed.
 *
 * Event boundaries follow the SSE grammar: a line ends at CRLF, LF or CR, and an empty line ends
 * the event. A CR at the end of a chunk may be the first half of a CRLF; the LF that follows is
 * treated as part of that terminator (and removed with it when its event is removed).
 */

const LF = 10;
const CR = 13;
const maxHeldEventBytes = 64 * 1024;

/** `shouldDrop` gets the event's data (its `data:` lines joined with "\n"). */
export function createSseEventFilter(
  shouldDrop: (data: string) => boolean,
): TransformStream<Uint8Array, Uint8Array> {
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  // The current event was released early and cannot be dropped any more.
  let released = false;
  let atLineStart = true;
  // The previous byte was a CR: what it ended decides where a following LF belongs.
  let afterCR: "none" | "line" | "kept_event" | "dropped_event" = "none";

  const dropEvent = (tail: Uint8Array): boolean => {
    if (released) return false;
    const data = eventData(held.length === 0 ? tail : concat([...held, tail]));
    return data !== null && shouldDrop(data);
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const emit = (from: number, to: number) => {
        if (to > from) controller.enqueue(chunk.subarray(from, to));
      };
      let emitFrom = 0;
      let eventStart = 0;
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        if (afterCR !== "none") {
          const ended = afterCR;
          afterCR = "none";
          if (b === LF) {
            if (ended !== "line") eventStart = i + 1;
            if (ended === "dropped_event") emitFrom = i + 1;
            continue;
          }
        }
        if (b !== LF && b !== CR) {
          atLineStart = false;
          continue;
        }
        if (!atLineStart) {
          atLineStart = true;
          if (b === CR) afterCR = "line";
          continue;
        }
        const end = i + 1;
        const drop = dropEvent(chunk.subarray(eventStart, end));
        if (drop) {
          emit(emitFrom, eventStart);
          emitFrom = end;
        } else {
          for (const h of held) controller.enqueue(h);
        }
        if (b === CR) afterCR = drop ? "dropped_event" : "kept_event";
        held = [];
        heldBytes = 0;
        released = false;
        eventStart = end;
      }
      if (released) {
        emit(emitFrom, chunk.length);
        return;
      }
      emit(emitFrom, eventStart);
      if (eventStart === chunk.length) return;
      held.push(chunk.slice(eventStart));
      heldBytes += chunk.length - eventStart;
      if (heldBytes > maxHeldEventBytes) {
        for (const h of held) controller.enqueue(h);
        held = [];
        heldBytes = 0;
        released = true;
      }
    },
    flush(controller) {
      // An unterminated last event: a client would not dispatch it, but one that does must not
      // see the hidden event either.
      if (held.length === 0 || dropEvent(new Uint8Array(0))) return;
      for (const h of held) controller.enqueue(h);
    },
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const decoder = new TextDecoder();

/** The event's data field per the SSE grammar, or null when it has no data line. */
function eventData(bytes: Uint8Array): string | null {
  const lines = decoder.decode(bytes).split(/\r\n|\r|\n/);
  let data: string | null = null;
  for (const line of lines) {
    if (line !== "data" && !line.startsWith("data:")) continue;
    let value = line.slice(5);
    if (value.startsWith(" ")) value = value.slice(1);
    data = data === null ? value : `${data}\n${value}`;
  }
  return data;
}
