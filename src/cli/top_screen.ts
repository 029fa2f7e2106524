/**
 * `ongoingai top` on a terminal: the alternate screen, no cursor, raw input, and the whole frame
 * redrawn in place every interval (each row written at its position and cleared to its end, so
 * nothing flickers and nothing is left from the last frame). Whatever ends it (q, Ctrl-C,
 * SIGINT/SIGTERM, an exception) leaves through one `finally` that gives the terminal back as it
 * was: raw mode off, cursor shown, line wrap on, the alternate screen left.
 *
 * One request in flight at most: the next fetch starts an interval after the last one started,
 * or at once when a key changes the sort or the filter (an answer to an older query is dropped).
 */
import {
  applyKey,
  decodeKeys,
  initialState,
  liveQuery,
  plain,
  renderFrame,
  type SortKey,
  textWidth,
  type TopState,
  withDocument,
  withError,
} from "../top/mod.ts";
import { fetchLive, type LiveOutcome, type LiveSource } from "./top_fetch.ts";

export interface ScreenOptions {
  source: LiveSource;
  shownUrl: string;
  intervalMs: number;
  /** Stop after this many answers (tests, recordings); null: until quit. */
  count: number | null;
  sort: SortKey;
  filter: string;
  color: boolean;
}

type ScreenEvent =
  | { kind: "keys"; text: string }
  | { kind: "fetched"; generation: number; outcome: LiveOutcome }
  | { kind: "resize" }
  | { kind: "stop" };

/** Events for the loop, bounded: input arriving faster than it is drawn is dropped. */
class Events {
  #items: ScreenEvent[] = [];
  #wake: (() => void) | null = null;

  push(event: ScreenEvent): void {
    // Fetch outcomes and stops are never dropped (one fetch is in flight at most).
    const droppable = event.kind === "keys" || event.kind === "resize";
    if (droppable && this.#items.length >= 64) return;
    this.#items.push(event);
    this.#wake?.();
  }

  /** The next event, or null after `ms` without one. */
  async next(ms: number): Promise<ScreenEvent | null> {
    if (this.#items.length === 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, Math.max(0, ms));
      });
      clearTimeout(timer);
      this.#wake = null;
    }
    return this.#items.shift() ?? null;
  }
}

const enter = "\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[2J";
const leave = "\x1b[?7h\x1b[?25h\x1b[?1049l";
const encoder = new TextEncoder();

function write(text: string): void {
  const bytes = encoder.encode(text);
  let at = 0;
  while (at < bytes.length) at += Deno.stdout.writeSync(bytes.subarray(at));
}

export async function runScreen(o: ScreenOptions): Promise<number> {
  const events = new Events();
  const keys = Deno.stdin.isTerminal();
  const listeners: [Deno.Signal, () => void][] = [
    ["SIGINT", () => events.push({ kind: "stop" })],
    ["SIGTERM", () => events.push({ kind: "stop" })],
    ["SIGWINCH", () => events.push({ kind: "resize" })],
  ];
  const added: typeof listeners = [];
  write(enter);
  try {
    for (const [signal, fn] of listeners) {
      try {
        Deno.addSignalListener(signal, fn);
        added.push([signal, fn]);
      } catch {
        // A platform without this signal (SIGWINCH on Windows): sizes are read each frame anyway.
      }
    }
    if (keys) {
      Deno.stdin.setRaw(true);
      readKeys(events);
    }
    return await loop(o, events);
  } finally {
    for (const [signal, fn] of added) Deno.removeSignalListener(signal, fn);
    try {
      if (keys) Deno.stdin.setRaw(false);
    } finally {
      write(leave);
    }
  }
}

/** Reads standard input for as long as the process runs; each read is one event. */
function readKeys(events: Events): void {
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(1024);
  (async () => {
    for (;;) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) return;
      events.push({ kind: "keys", text: decoder.decode(buffer.subarray(0, n), { stream: true }) });
    }
  })().catch(() => {
    // Input gone (a closed terminal): q is then unreachable, signals still end `top`.
  });
}

function screenSize(): { columns: number; rows: number } {
  try {
    return Deno.consoleSize();
  } catch {
    return { columns: 80, rows: 24 };
  }
}

async function loop(o: ScreenOptions, events: Events): Promise<number> {
  let state: TopState = initialState({ sort: o.sort, filter: o.filter });
  let inFlight = false;
  let generation = 0;
  let nextAt = 0;
  let answers = 0;
  for (;;) {
    const size = screenSize();
    if (!state.paused && !inFlight && Date.now() >= nextAt) {
      inFlight = true;
      nextAt = Date.now() + o.intervalMs;
      const asked = generation;
      fetchLive(o.source, liveQuery(state, size.rows))
        .catch((error): LiveOutcome => ({ ok: false, message: `failed: ${String(error)}` }))
        .then((outcome) => events.push({ kind: "fetched", generation: asked, outcome }));
    }
    draw(state, size, o);
    // Wake for the next fetch, or each second for the clock in the header.
    const wait = state.paused || inFlight ? 1000 : Math.min(1000, nextAt - Date.now());
    const event = await events.next(wait);
    if (event === null) continue;
    if (event.kind === "stop") return 0;
    if (event.kind === "fetched") {
      inFlight = false;
      // An answer to an older query, or one arriving after a pause (the screen stays as paused).
      if (event.generation !== generation || state.paused) continue;
      state = event.outcome.ok
        ? withDocument(state, event.outcome.doc)
        : withError(state, event.outcome.message);
      answers++;
      if (o.count !== null && answers >= o.count) {
        draw(state, screenSize(), o);
        return 0;
      }
    }
    if (event.kind === "keys") {
      for (const key of decodeKeys(event.text)) {
        const result = applyKey(state, key);
        state = result.state;
        if (result.effect === "quit") return 0;
        if (result.effect === "refetch") {
          generation++;
          nextAt = 0;
        }
      }
    }
  }
}

function draw(state: TopState, size: { columns: number; rows: number }, o: ScreenOptions): void {
  const lines = renderFrame({
    state,
    columns: size.columns,
    rows: size.rows,
    now: new Date(),
    url: o.shownUrl,
    intervalSeconds: o.intervalMs / 1000,
    color: o.color,
  });
  // Each row at its place, cleared after its text. A row as wide as the screen is not: the
  // cursor then stands on its last cell, and clearing from there would erase that cell.
  let frame = "";
  lines.forEach((line, i) => {
    const short = textWidth(plain(line)) < size.columns;
    frame += `\x1b[${i + 1};1H${line}${short ? "\x1b[K" : ""}`;
  });
  write(frame);
}
