/**
 * The progress line's core with a fake clock, timer and terminal: what a terminal shows after
 * each sequence of events (nothing for a fast command, one line redrawn in place at most every
 * quarter second for a slow one, nothing left behind by output, the end or an interrupt), that
 * it is never drawn off a terminal, and the call counting that feeds `report` and `reconcile`.
 * tests/cli/progress_terminal_test.ts runs the real CLI on a real terminal.
 */
import assert from "node:assert/strict";
import {
  elapsedText,
  eraseLine,
  type ProgressTerminal,
  progressText,
} from "../../src/cli/progress.ts";
import { countCalls, startProgress } from "../../src/cli/progress_run.ts";
import type { CliIo } from "../../src/cli/io.ts";

/** What a terminal shows: finished lines, and the line the cursor is on. */
class Screen {
  lines: string[] = [];
  current = "";
  #col = 0;
  write(text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.startsWith("\x1b[2K", i)) {
        this.current = "";
        i += 3;
      } else if (text[i] === "\r") this.#col = 0;
      else if (text[i] === "\n") {
        this.lines.push(this.current);
        this.current = "";
        this.#col = 0;
      } else {
        this.current = this.current.slice(0, this.#col) + text[i] +
          this.current.slice(this.#col + 1);
        this.#col++;
      }
    }
  }
}

/** A fake terminal on a screen: `at(ms)` moves the clock and runs the timer, as setInterval would. */
function fake(columns = 80) {
  const screen = new Screen();
  const writes: string[] = [];
  let now = 0;
  let tick: (() => void) | null = null;
  let interrupt: (() => void) | null = null;
  const terminal = (write: (text: string) => void): ProgressTerminal => ({
    write,
    now: () => now,
    every(ms, fn) {
      assert.equal(ms, 250);
      tick = fn;
      return () => void (tick = null);
    },
    columns: () => columns,
    onInterrupt(fn) {
      interrupt = fn;
      return () => void (interrupt = null);
    },
  });
  const io: CliIo = {
    stdout: (t) => screen.write(t),
    stderr: (t) => {
      writes.push(t);
      screen.write(t);
    },
    env: {},
    cwd: "/",
    stderrIsTerminal: true,
  };
  return {
    screen,
    writes,
    io,
    terminal,
    at(ms: number) {
      now = ms;
      tick?.();
    },
    interrupt: () => interrupt?.(),
    get listening() {
      return interrupt !== null;
    },
    get ticking() {
      return tick !== null;
    },
  };
}

type Event =
  | [at: number, "step", name: string, done?: number, total?: number]
  | [at: number, "tick"]
  | [at: number, "out", text: string]
  | [at: number, "err", text: string]
  | [at: number, "stop"]
  | [at: number, "interrupt"];

const cases: {
  name: string;
  events: Event[];
  columns?: number;
  /** Finished lines and the cursor's line at the end. */
  lines: string[];
  current: string;
  /** How many times the line was drawn. */
  draws: number;
}[] = [
  {
    name: "a command done within the delay draws nothing at all",
    events: [[0, "step", "reading analytics", 0, 11], [500, "tick"], [900, "out", "report\n"], [
      950,
      "stop",
    ]],
    lines: ["report"],
    current: "",
    draws: 0,
  },
  {
    name: "after a second the step, its counts and the time appear",
    events: [[0, "step", "reading analytics", 3, 11], [750, "tick"], [1000, "tick"]],
    lines: [],
    current: "reading analytics 3/11 (1s)",
    draws: 1,
  },
  {
    name: "steps faster than a quarter second are drawn at the next tick, the last one wins",
    events: [
      [0, "step", "fetching usage report page", 1],
      [1000, "tick"],
      [1010, "step", "fetching usage report page", 2],
      [1100, "step", "fetching usage report page", 3],
      [1250, "tick"],
    ],
    lines: [],
    current: "fetching usage report page 3 (1s)",
    draws: 2,
  },
  {
    name: "a step after the quarter second is drawn at once",
    events: [[0, "step", "opening the store"], [1000, "tick"], [
      1300,
      "step",
      "writing traces",
      12345,
    ]],
    lines: [],
    current: "writing traces 12,345 (1s)",
    draws: 2,
  },
  {
    name: "the same text is not drawn again; a new second is",
    events: [[0, "step", "reading traces"], [1000, "tick"], [1250, "tick"], [1500, "tick"], [
      2000,
      "tick",
    ]],
    lines: [],
    current: "reading traces (2s)",
    draws: 2,
  },
  {
    name: "the command's output erases the line first; the next tick draws it again below",
    events: [
      [0, "step", "saving the reports"],
      [1000, "tick"],
      [1100, "err", "saved 2 report(s)\n"],
      [1250, "tick"],
    ],
    lines: ["saved 2 report(s)"],
    current: "saving the reports (1s)",
    draws: 2,
  },
  {
    name: "the end erases the line and nothing is drawn after it",
    events: [[0, "step", "reading analytics", 1, 4], [1000, "tick"], [1100, "stop"], [
      1500,
      "step",
      "late",
    ], [2000, "tick"]],
    lines: [],
    current: "",
    draws: 1,
  },
  {
    name: "output, then the end: the output alone remains",
    events: [[0, "step", "reading traces", 2, 3], [1000, "tick"], [1100, "out", "within\n"], [
      1110,
      "stop",
    ]],
    lines: ["within"],
    current: "",
    draws: 1,
  },
  {
    name: "an interrupt while the line is shown erases it",
    events: [[0, "step", "fetching cost report page", 1], [1000, "tick"], [1200, "interrupt"], [
      1500,
      "tick",
    ]],
    lines: [],
    current: "",
    draws: 1,
  },
  {
    name: "a narrow terminal gets a cut line that cannot wrap",
    columns: 20,
    events: [[0, "step", "fetching usage report page", 17], [1000, "tick"]],
    lines: [],
    current: "fetching usage r...",
    draws: 1,
  },
];

for (const c of cases) {
  Deno.test(`progress line: ${c.name}`, () => {
    const f = fake(c.columns);
    const run = startProgress(f.io, f.terminal);
    for (const e of c.events) {
      if (e[1] === "tick") f.at(e[0]);
      else {
        f.at(e[0]);
        if (e[1] === "step") run.progress.step(e[2], e[3], e[4]);
        if (e[1] === "out") run.io.stdout(e[2]);
        if (e[1] === "err") run.io.stderr(e[2]);
        if (e[1] === "stop") run.stop();
        if (e[1] === "interrupt") f.interrupt();
      }
    }
    assert.deepStrictEqual(f.screen.lines, c.lines);
    assert.equal(f.screen.current, c.current);
    const draws = f.writes.filter((w) => w.startsWith(eraseLine) && w.length > eraseLine.length);
    assert.equal(draws.length, c.draws, JSON.stringify(f.writes));
    for (const d of draws) assert.ok(!d.includes("\n"), "a drawn line never ends a line");
    run.stop();
    assert.equal(f.screen.current, "");
    assert.equal(f.listening, false, "no interrupt listener outlives the line");
    assert.equal(f.ticking, false, "no timer outlives the command");
  });
}

Deno.test("progress line: never drawn where it would not be erased", () => {
  const off: [string, (io: CliIo) => CliIo][] = [
    ["standard error piped or redirected", (io) => ({ ...io, stderrIsTerminal: false })],
    ["an io that does not say (in-process callers)", ({ stderrIsTerminal: _, ...io }) => io],
    ["a dumb terminal", (io) => ({ ...io, env: { TERM: "dumb" } })],
  ];
  for (const [name, change] of off) {
    const f = fake();
    const io = change(f.io);
    const run = startProgress(io, f.terminal);
    assert.equal(run.enabled, false, name);
    assert.equal(run.io, io, `${name}: the command's own io, untouched`);
    run.progress.step("reading analytics", 1, 2);
    f.at(5000);
    run.io.stdout("out\n");
    run.stop();
    assert.deepStrictEqual(f.writes, [], name);
    assert.equal(f.ticking, false, `${name}: no timer`);
  }
});

Deno.test("progressText and elapsedText: counts, time, and names that cannot move the cursor", () => {
  const rows: [Parameters<typeof progressText>, string][] = [
    [[{ name: "opening the store" }, 1200, 80], "opening the store (1s)"],
    [[{ name: "reading analytics", done: 3, total: 8 }, 2999, 80], "reading analytics 3/8 (2s)"],
    [[{ name: "writing traces", done: 12345 }, 61_000, 80], "writing traces 12,345 (1m01s)"],
    [[{ name: "reading reports", done: 0, total: 2 }, 0, 80], "reading reports 0/2 (0s)"],
    [[{ name: "reading \x1b[2Jevil\r.json" }, 1000, 80], "reading ?[2Jevil?.json (1s)"],
    [[{ name: "abcdefghij" }, 1000, 10], "abcdef..."],
    [[{ name: "abc" }, 1000, 0], "..."],
  ];
  for (const [args, want] of rows) assert.equal(progressText(...args), want, JSON.stringify(args));
  const times: [number, string][] = [
    [0, "0s"],
    [-5, "0s"],
    [59_999, "59s"],
    [60_000, "1m00s"],
    [3_599_000, "59m59s"],
    [3_600_000, "1h00m"],
    [7_380_000, "2h03m"],
  ];
  for (const [ms, want] of times) assert.equal(elapsedText(ms), want, String(ms));
});

class Db {
  #log: string[] = [];
  get log() {
    return this.#log;
  }
  async aggregate(name: string): Promise<string> {
    this.#log.push(`start ${name}`);
    await Promise.resolve();
    this.#log.push(`end ${name}`);
    return name.toUpperCase();
  }
  async fail(): Promise<never> {
    await Promise.resolve();
    throw new Error("database gone");
  }
  close(): string {
    return `closed with ${this.#log.length} entries`;
  }
}

Deno.test("countCalls: counts starts and ends, keeps results, errors and other methods", async () => {
  for (const sequential of [false, true]) {
    const db = new Db();
    const counts: string[] = [];
    const counted = countCalls(db, ["aggregate", "fail"], (done, started) => {
      counts.push(`${done}/${started}`);
    }, sequential);
    const results = await Promise.all([counted.aggregate("a"), counted.aggregate("b")]);
    assert.deepStrictEqual(results, ["A", "B"]);
    assert.deepStrictEqual(
      db.log,
      sequential
        ? ["start a", "end a", "start b", "end b"]
        : ["start a", "start b", "end a", "end b"],
      "one at a time when sequential, together otherwise",
    );
    assert.deepStrictEqual(counts, ["0/1", "0/2", "1/2", "2/2"]);
    await assert.rejects(counted.fail(), /database gone/);
    assert.deepStrictEqual(counts.slice(4), ["2/3", "3/3"], "a failed call is done too");
    // A method not counted runs as before, on the object itself (its private fields work).
    assert.equal(counted.close(), "closed with 4 entries");
    // A call after a failed one still runs when sequential.
    assert.equal(await counted.aggregate("c"), "C");
  }
});
