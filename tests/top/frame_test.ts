import assert from "node:assert/strict";
import {
  allocate,
  colorWanted,
  errorLineOf,
  initialState,
  lineOf,
  plain,
  renderFrame,
  textWidth,
  type TopState,
  withDocument,
  withError,
} from "../../src/top/mod.ts";
import { entry, liveDoc, recent, window } from "./live_fixture.ts";

const now = new Date("2026-12-07T15:06:25.300Z");
const url = "http://127.0.0.1:8080";

function frame(state: TopState, columns = 120, rows = 40, color = false): string[] {
  return renderFrame({ state, columns, rows, now, url, intervalSeconds: 1, color });
}

const hostile = "evil\x1b[2J\x1b]0;title\x07模型🙂" + "x".repeat(300);
const states: [string, TopState][] = [
  ["waiting for the first answer", initialState()],
  ["a document", withDocument(initialState(), liveDoc())],
  [
    "hostile and very long names",
    withDocument(
      initialState({ filter: hostile.slice(0, 200) }),
      liveDoc({
        busiest: {
          models: [entry(hostile)],
          keys: [entry(hostile, { label: hostile })],
          sessions: [entry(hostile, { label: hostile })],
        },
        recent: [recent({ model: hostile, agent: hostile, session_id: hostile })],
      }),
    ),
  ],
  ["an error over a document", withError(withDocument(initialState(), liveDoc()), "x".repeat(500))],
  ["typing a filter", { ...initialState(), draft: "模".repeat(150) }],
  ["help", { ...initialState(), help: true }],
  ["focus", { ...withDocument(initialState(), liveDoc()), focus: "recent", paused: true }],
];

Deno.test("frame: never more rows than the screen, no row wider than it, with or without colour", () => {
  const sizes: [number, number][] = [
    [120, 40],
    [80, 24],
    [200, 60],
    [60, 20],
    [40, 10],
    [20, 5],
    [
      10,
      3,
    ],
    [5, 2],
    [1, 1],
    [0, 0],
  ];
  for (const [name, state] of states) {
    for (const [columns, rows] of sizes) {
      for (const color of [false, true]) {
        const lines = frame(state, columns, rows, color);
        const at = `${name} at ${columns}x${rows}${color ? " in colour" : ""}`;
        assert.ok(lines.length <= rows, `${at}: ${lines.length} rows`);
        if (columns > 0) assert.equal(lines.length, rows, at);
        for (const line of lines) {
          assert.ok(textWidth(plain(line)) <= columns, `${at}: ${JSON.stringify(line)}`);
          assert.ok(!line.includes("\n") && !line.includes("\r"), at);
          // The only escapes are the frame's own colours, and only when colour is on.
          const rest = plain(line);
          assert.ok(!rest.includes("\x1b"), `${at}: a raw escape in ${JSON.stringify(line)}`);
          if (!color) assert.equal(rest, line, at);
        }
      }
    }
  }
});

Deno.test("frame: header, figures, the busiest tables and the latest requests", () => {
  const doc = liveDoc({
    last_10s: window({ unknown_usage_count: 3, unpriced_count: 2 }),
    busiest: {
      models: [entry("gpt-4o-mini", { unknown_usage_count: 2, unpriced_count: 1 })],
      keys: [entry("fp-0a1b2c", { label: "...abcd", requests: 4, unpriced_count: 4 })],
      sessions: [
        entry("s-42", { provider: null, label: "claude-code ana" }),
        entry("s-43", { provider: null, label: null, cost_usd: 0.5, partial_count: 1 }),
      ],
    },
    recent: [
      recent({ total_tokens: null, cost_usd: null, cost_status: "unpriced" }),
      recent({ status: 0, error_code: "client_aborted", time_to_first_token_ms: null }),
      recent({ cost_status: "partial", cost_usd: 0.25 }),
      recent({ total_tokens: null, cost_usd: null, cost_status: "unknown_usage" }),
      recent({ status: 500, total_tokens: 0, cost_usd: null, cost_status: "none" }),
    ],
  });
  const lines = frame({ ...withDocument(initialState({ filter: "gpt" }), doc), sort: "cost" });
  const text = lines.join("\n");
  const has = (pattern: RegExp) => assert.match(text, pattern);
  has(
    /^ ongoingai top {3}http:\/\/127\.0\.0\.1:8080 {2}sort: cost {2}filter: "gpt" {2}15:06:25 UTC$/m,
  );
  has(/^last 10s +2\.3 +1204 \+3 unknown +>=\$0\.0738 \+2 unpriced +4\.3% \(1\/23\)$/m);
  has(/^last 1m +2 +1204 +\$0\.0738 +4\.3% \(1\/120\)$/m);
  const young = liveDoc({ last_minute: window({ seconds: 31.4, truncated: true }) });
  assert.match(frame(withDocument(initialState(), young)).join("\n"), /^last 1m \(31s\)~ +2\.3 /m);
  has(/^open 3 \(1 stream\) {3}queue 4\/10000 {3}dropped 2 \(0 in the last minute\)$/m);
  // The sorted column is marked; unknown and unpriced are said per entry.
  has(/^MODEL +PROVIDER +REQ +ERR +TOKENS +COST↓$/m);
  has(/^gpt-4o-mini +openai +10 +0 +4300 \+2 unknown +>=\$0\.05$/m);
  has(/^\.\.\.abcd +openai fp-0a1b2c +4 +0 +4300 +unpriced$/m);
  has(/^s-42 +claude-code ana +10 +0 +4300 +\$0\.05$/m);
  has(/^s-43 +- +10 +0 +4300 +>=\$0\.50$/m);
  has(/^ENDED +STATUS +LATENCY +TTFT +TOKENS +COST +MODEL +AGENT \/ SESSION$/m);
  has(
    /^15:06:23 +200 +840ms +212ms +unknown +unpriced +openai\/gpt-4o-mini +claude-code s-42 ana$/m,
  );
  has(/^15:06:23 +gone +840ms +- +43 +\$0\.000042 .* \[client_aborted\] claude-code/m);
  has(/^15:06:23 +200 .* >=\$0\.25 /m);
  has(/^15:06:23 +200 +840ms +212ms +unknown +unknown +openai/m);
  has(/^15:06:23 +500 +840ms +212ms +0 +- +openai/m);
  assert.match(lines.at(-1)!, /^updated 15:06:24 {2}s sort/);
  assert.equal(lines.length, 40);
  assert.deepEqual(lines.slice(20, 39), Array(19).fill(""));
});

Deno.test("frame: the status line says what is going on", () => {
  const doc = liveDoc();
  const cases: [string, TopState, RegExp][] = [
    ["connecting", initialState(), /^connecting to http:\/\/127\.0\.0\.1:8080 {2}s sort/],
    ["updated", withDocument(initialState(), doc), /^updated 15:06:24 /],
    [
      "paused",
      { ...withDocument(initialState(), doc), paused: true },
      /^paused at 15:06:24: p or space resumes/,
    ],
    [
      "an error, retried",
      withError(initialState(), "403: this key lacks analytics:read"),
      /^! 403: this key lacks analytics:read {2}\(retrying every 1s\)$/,
    ],
    ["typing", { ...initialState(), draft: "gpt" }, /^filter: gpt_ {2}Enter applies, Esc cancels/],
  ];
  for (const [name, state, want] of cases) assert.match(frame(state).at(-1)!, want, name);
});

Deno.test("frame: unknown queue, paused, scope, help, focus, hostile text", () => {
  const scoped = liveDoc({ pipeline: null, scope: { org_id: "o1", workspace_id: "ws-a" } });
  const paused = frame({ ...withDocument(initialState(), scoped), paused: true }).join("\n");
  assert.match(paused, /^ ongoingai top {3}PAUSED {3}http:.* {2}workspace: ws-a {2}15:06:25 UTC$/m);
  assert.match(paused, /queue n\/a \(needs diagnostics:read\)$/m);
  assert.doesNotMatch(paused, /dropped/);

  const help = frame({ ...initialState(), help: true }).join("\n");
  assert.match(help, /^ {2}s \/ S +next \/ previous sort/m);
  assert.match(help, /^ {2}q, Ctrl-C +quit$/m);

  const focused = frame({ ...withDocument(initialState(), liveDoc()), focus: "keys" });
  assert.ok(focused.some((l) => l.startsWith("PROVIDER KEY")));
  assert.ok(!focused.some((l) => l.startsWith("MODEL") || l.startsWith("ENDED")));

  const evil = frame(states[2]![1]).join("\n");
  assert.ok(!evil.includes("\x1b") && !evil.includes("\x07"));
  assert.match(evil, /evil\ufffd\[2J\ufffd\]0;title\ufffd模型🙂x+…/);
});

Deno.test("frame: colour only around text, and only when wanted", () => {
  const state = withError(withDocument(initialState(), liveDoc()), "gateway down");
  const lines = frame(state, 120, 40, true);
  assert.ok(lines[0]!.startsWith("\x1b[7m ongoingai top \x1b[0m"), lines[0]);
  assert.ok(lines.at(-1)!.includes("\x1b[31mgateway down\x1b[0m"), lines.at(-1));
  assert.deepEqual(lines.map(plain), frame(state, 120, 40, false));
  const cases: [Record<string, string>, boolean, boolean][] = [
    [{ TERM: "xterm-256color" }, true, true],
    [{ TERM: "xterm-256color", NO_COLOR: "1" }, true, false],
    [{ TERM: "xterm-256color", NO_COLOR: "" }, true, true],
    [{ TERM: "dumb" }, true, false],
    [{}, true, false],
    [{ TERM: "xterm" }, false, false],
  ];
  for (const [env, tty, want] of cases) {
    assert.equal(colorWanted(env, tty), want, JSON.stringify(env));
  }
});

Deno.test("frame: rows shared between the panes", () => {
  const cases: [number[], number, number[]][] = [
    // wants (each pane's entries, busiest capped), room, body rows given
    [[5, 5, 5, 30], 33, [5, 5, 5, 14]],
    [[2, 1, 1, 2], 33, [2, 1, 1, 2]],
    [[5, 5, 5, 30], 8, [1, 1, 1, 1]],
    [[5, 5, 5, 30], 10, [2, 2, 1, 1]],
    [[5, 5, 5, 30], 5, [2, 1, 0, 0]],
    [[5, 5, 5, 30], 1, [0, 0, 0, 0]],
    [[30], 20, [19]],
  ];
  for (const [wants, room, want] of cases) assert.deepEqual(allocate(wants, room), want);
});

Deno.test("line mode: one plain line per interval, unknown never zero", () => {
  const cases: [string, Parameters<typeof liveDoc>[0], string][] = [
    [
      "all known",
      {},
      "2026-12-07T15:06:24.000Z req/s=2.3 tok/s=1204 usd/min=0.0738 open=3 streams=1 websockets=0 " +
      "queue=4/10000 dropped=2 errors=1/23",
    ],
    [
      "unknown usage, unpriced, no diagnostics",
      { last_10s: window({ unknown_usage_count: 3, unpriced_count: 2 }), pipeline: null },
      "2026-12-07T15:06:24.000Z req/s=2.3 tok/s=1204 unknown_usage=3 usd/min>=0.0738 " +
      "unpriced=2 open=3 streams=1 websockets=0 queue=n/a errors=1/23",
    ],
    [
      "none known, none priced",
      {
        last_10s: window({
          requests: 2,
          unknown_usage_count: 2,
          unpriced_count: 2,
          tokens_per_second: 0,
          cost_usd_per_minute: 0,
        }),
      },
      "2026-12-07T15:06:24.000Z req/s=2.3 tok/s=unknown unknown_usage=2 usd/min=unpriced " +
      "unpriced=2 open=3 streams=1 websockets=0 queue=4/10000 dropped=2 errors=1/2",
    ],
    [
      "unknown usage makes the cost a lower bound too",
      { last_10s: window({ unknown_usage_count: 1 }) },
      "2026-12-07T15:06:24.000Z req/s=2.3 tok/s=1204 unknown_usage=1 usd/min>=0.0738 open=3 " +
      "streams=1 websockets=0 queue=4/10000 dropped=2 errors=1/23",
    ],
    [
      "none in the cost, some for want of usage",
      {
        last_10s: window({
          requests: 3,
          unknown_usage_count: 1,
          unpriced_count: 2,
          cost_usd_per_minute: 0,
        }),
      },
      "2026-12-07T15:06:24.000Z req/s=2.3 tok/s=1204 unknown_usage=1 usd/min=unknown " +
      "unpriced=2 open=3 streams=1 websockets=0 queue=4/10000 dropped=2 errors=1/3",
    ],
    [
      "a partial price is a lower bound",
      { last_10s: window({ partial_count: 1 }) },
      "2026-12-07T15:06:24.000Z req/s=2.3 tok/s=1204 usd/min>=0.0738 open=3 streams=1 websockets=0 " +
      "queue=4/10000 dropped=2 errors=1/23",
    ],
  ];
  for (const [name, o, want] of cases) assert.equal(lineOf(liveDoc(o)), want, name);
  assert.equal(
    errorLineOf(new Date("2026-12-07T15:06:24.123Z"), "500: boom\x1b[2J"),
    "2026-12-07T15:06:24Z error: 500: boom\ufffd[2J",
  );
  assert.match(lineOf(liveDoc({ generated_at: "x y\x1bz" })), /^x_y\ufffdz req\/s=/);
});

Deno.test("frame and line: open WebSocket relays shown apart from open requests", () => {
  const doc = liveDoc({ open_websockets: 2 });
  const text = frame(withDocument(initialState(), doc)).join("\n");
  assert.match(text, /^open 3 \(1 stream\) {3}websockets 2 {3}queue 4\/10000 /m);
  assert.doesNotMatch(frame(withDocument(initialState(), liveDoc())).join("\n"), /websockets/);
  assert.match(lineOf(doc), / open=3 streams=1 websockets=2 queue=/);
});
