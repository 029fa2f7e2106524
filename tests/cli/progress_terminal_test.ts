/**
 * The progress line on a real terminal: `ongoingai reconcile --fetch`, a real CLI subprocess, in
 * a tmux pane, against a local stub of Anthropic's Admin API that holds each page until the test
 * has seen the line for it on the screen (so nothing depends on the machine's speed). The line
 * shows the page being fetched and the time, the finished screen holds the command's output and
 * nothing of the line, Ctrl-C leaves nothing either, and with standard error piped not one byte
 * of it is written.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/mod.ts";
import { days, reports, trace } from "../testdata/reconcile_month.ts";
import { mainModule, poll, runCliProcess } from "../support/process.ts";
import { startTmux, type TmuxPane } from "../support/tmux.ts";

const adminKey = "sk-ant-admin-progress";

async function fixture(): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-progress-" });
  Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), "storage:\n  path: traces.db\n");
  const store = await openSqliteStore({ path: join(dir, "traces.db") });
  await store.writeBatch(days.flatMap((d) => [0, 1, 2].map((i) => trace(d, i))));
  await store.close();
  return dir;
}

/**
 * The Admin API's two reports, the usage report in two pages; request `n` (from 1) is answered
 * once `hold(n)` resolves, or at once when the stub closes.
 */
function adminStub(hold: (n: number) => Promise<void>) {
  const { usage, cost } = reports(() => 1);
  const pages: Record<string, unknown[]> = {
    "/v1/organizations/usage_report/messages": [
      { ...usage, data: usage.data.slice(0, 2), has_more: true, next_page: "p2" },
      { ...usage, data: usage.data.slice(2) },
    ],
    "/v1/organizations/cost_report": [cost],
  };
  let closing!: () => void;
  const closed = new Promise<void>((resolve) => (closing = resolve));
  let requests = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const url = new URL(req.url);
    await Promise.race([hold(++requests), closed]);
    const list = pages[url.pathname] ?? [];
    return Response.json(list[url.searchParams.get("page") === "p2" ? 1 : 0] ?? {});
  });
  const args = (dir: string) => [
    "reconcile",
    "--provider",
    "anthropic",
    "--fetch",
    "--from",
    days[0]!,
    "--to",
    days.at(-1)!,
    "--admin-url",
    `http://127.0.0.1:${server.addr.port}`,
    "--config",
    join(dir, "ongoingai.yaml"),
  ];
  return {
    args,
    async close() {
      closing();
      await server.shutdown();
    },
  };
}

/** The pane's text, its scrollback included (a long output scrolls its top away). */
const screen = async (pane: TmuxPane) => (await pane.capture(false, true)).join("\n");

/** Resolves with the screen once it matches `pattern`; fails after the wait's deadline. */
async function until(pane: TmuxPane, pattern: RegExp): Promise<string> {
  let text = "";
  await poll(`a screen matching ${pattern}`, async () => {
    text = await screen(pane);
    return pattern.test(text) ? text : undefined;
  }).catch((err) => {
    throw new Error(`${(err as Error).message}; the screen:\n${text}`);
  });
  return text;
}

/**
 * The command's exit status, once the shell around it has printed it, and the screen without
 * that line.
 */
async function ended(pane: TmuxPane): Promise<{ status: number; screen: string }> {
  // Not at the start of a line: a line left behind would have it at its end.
  const text = await until(pane, /\[exit \d+\]$/m);
  const status = Number(/\[exit (\d+)\]$/m.exec(text)![1]);
  return { status, screen: text.replace(/\[exit \d+\]$/m, "") };
}

const quoted = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/**
 * The CLI as a user runs it, under a shell that prints its exit status afterwards and then
 * keeps the pane (the test closes it). The shell traps SIGINT only to outlive Ctrl-C and print
 * the status: the CLI gets SIGINT as usual.
 */
const cli = (args: string[]) =>
  [
    "sh",
    "-c",
    'trap : INT; "$@"; echo "[exit $?]"; sleep 600',
    "sh",
    Deno.execPath(),
    "run",
    "-A",
    "--unstable-no-legacy-abort",
    mainModule,
    ...args,
  ].map(quoted).join(" ");

/** The reconcile command in a 120 × 30 pane, in the fixture's directory. */
const terminal = (dir: string, args: string[]) =>
  startTmux(cli(args), {
    columns: 120,
    rows: 30,
    cwd: dir,
    env: { ANTHROPIC_ADMIN_KEY: adminKey },
  });

/** The line as drawn for page `page` of `report`, with its elapsed seconds. */
const line = (report: string, page: number) =>
  new RegExp(`^fetching ${report} page ${page} \\(\\d+s\\)\\s*$`, "m");

/** Anything the progress line could have left: a step, a count's time, an escape. */
// deno-lint-ignore no-control-regex -- an escape or a carriage return left behind is the point
const leftovers = /fetching|reading|opening|\(\d+s\)|\x1b|\r/;

Deno.test("progress on a terminal: reconcile --fetch shows each page, then only its output", async () => {
  const dir = await fixture();
  const gates = [0, 1, 2].map(() => Promise.withResolvers<void>());
  const stub = adminStub((n) => gates[n - 1]?.promise ?? Promise.resolve());
  const tmux = await terminal(dir, stub.args(dir));
  try {
    // Each page is answered once its line is on the screen.
    const expected = [line("usage report", 1), line("usage report", 2), line("cost report", 1)];
    for (const [i, pattern] of expected.entries()) {
      await until(tmux, pattern);
      gates[i]!.resolve();
    }
    const { status, screen } = await ended(tmux);
    assert.equal(status, 0, screen);
    assert.match(screen, /within/i, "the command's own output");
    assert.doesNotMatch(screen, leftovers, screen);
  } finally {
    await tmux.close();
    await stub.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("progress on a terminal: Ctrl-C while the line is shown leaves a clean line", async () => {
  const dir = await fixture();
  // Never answered: the command is interrupted while it waits.
  const stub = adminStub(() => new Promise(() => {}));
  const tmux = await terminal(dir, stub.args(dir));
  try {
    await until(tmux, line("usage report", 1));
    await tmux.send("C-c");
    const { status, screen } = await ended(tmux);
    assert.equal(status, 130, screen);
    assert.doesNotMatch(screen, leftovers, screen);
    assert.equal(screen.trim(), "", "nothing on the screen, not even ^C");
  } finally {
    await tmux.close();
    await stub.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("progress off a terminal: with standard error piped, not one byte of it", async () => {
  const dir = await fixture();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Longer than the line's delay: on a terminal it would have been drawn.
  const stub = adminStub((n) =>
    n === 1 ? new Promise((resolve) => (timer = setTimeout(resolve, 1500))) : Promise.resolve()
  );
  try {
    const run = await runCliProcess(stub.args(dir), {
      cwd: dir,
      env: { ANTHROPIC_ADMIN_KEY: adminKey },
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /within/i);
    assert.equal(run.stderr, "");
    assert.doesNotMatch(run.stdout, leftovers);
  } finally {
    clearTimeout(timer);
    await stub.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
