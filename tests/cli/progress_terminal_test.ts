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
import { cleanEnv, mainModule, poll, runCliProcess } from "../support/process.ts";

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

/** One tmux server on its own socket, its pane `x` columns wide, kept after its command ends. */
class Tmux {
  readonly socket = `ongoingai-progress-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  #conf: string;
  constructor(dir: string) {
    this.#conf = join(dir, "tmux.conf");
    // The pane stays (with its exit status) after the command ends; no status row.
    Deno.writeTextFileSync(this.#conf, "set -g remain-on-exit on\nset -g status off\n");
  }

  async run(...args: string[]): Promise<string> {
    const out = await new Deno.Command("tmux", {
      args: ["-L", this.socket, "-f", this.#conf, ...args],
      env: cleanEnv({ ANTHROPIC_ADMIN_KEY: adminKey }),
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    assert.equal(out.code, 0, `tmux ${args.join(" ")}: ${text.decode(out.stderr)}`);
    return text.decode(out.stdout);
  }

  start(cwd: string, command: string[]) {
    return this.run("new-session", "-d", "-x", "120", "-y", "30", "-s", "p", "-c", cwd, ...command);
  }

  /** The pane's text, its scrollback included (a long output scrolls its top away). */
  screen = () => this.run("capture-pane", "-p", "-S", "-", "-t", "p");

  /** Resolves with the screen once it matches `pattern`; fails after the poll's deadline. */
  async until(pattern: RegExp): Promise<string> {
    let last = "";
    try {
      return await poll(`a screen matching ${pattern}`, async () => {
        last = await this.screen();
        return pattern.test(last) ? last : undefined;
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}; the screen:\n${last}`);
    }
  }

  /**
   * The command's exit status, once the shell around it has printed it, and the screen without
   * that line. (tmux's own `pane_dead_status` is sometimes never set under load.)
   */
  async ended(): Promise<{ status: number; screen: string }> {
    // Not at the start of a line: a line left behind would have it at its end.
    const screen = await this.until(/\[exit \d+\]$/m);
    const status = Number(/\[exit (\d+)\]$/m.exec(screen)![1]);
    return {
      status,
      screen: screen.replace(/\[exit \d+\]$/m, "").replace(/^Pane is dead.*$/m, ""),
    };
  }

  async kill() {
    await this.run("kill-server").catch(() => {});
  }
}

/**
 * The CLI as a user runs it, under a shell that prints its exit status afterwards. The shell
 * traps SIGINT only to outlive Ctrl-C and print the status: the CLI gets SIGINT as usual.
 */
const cli = (args: string[]) => [
  "sh",
  "-c",
  'trap : INT; "$@"; echo "[exit $?]"',
  "sh",
  Deno.execPath(),
  "run",
  "-A",
  "--unstable-no-legacy-abort",
  mainModule,
  ...args,
];

/** The line as drawn for page `page` of `report`, with its elapsed seconds. */
const line = (report: string, page: number) =>
  new RegExp(`^fetching ${report} page ${page} \\(\\d+s\\)\\s*$`, "m");

/** Anything the progress line could have left: a step, a count's time, an escape. */
// deno-lint-ignore no-control-regex -- an escape or a carriage return left behind is the point
const leftovers = /fetching|reading|opening|\(\d+s\)|\x1b|\r/;

Deno.test("progress on a terminal: reconcile --fetch shows each page, then only its output", async () => {
  const dir = await fixture();
  const tmux = new Tmux(dir);
  const gates = [0, 1, 2].map(() => Promise.withResolvers<void>());
  const stub = adminStub((n) => gates[n - 1]?.promise ?? Promise.resolve());
  try {
    await tmux.start(dir, cli(stub.args(dir)));
    // Each page is answered once its line is on the screen.
    const expected = [line("usage report", 1), line("usage report", 2), line("cost report", 1)];
    for (const [i, pattern] of expected.entries()) {
      await tmux.until(pattern);
      gates[i]!.resolve();
    }
    const { status, screen } = await tmux.ended();
    assert.equal(status, 0, screen);
    assert.match(screen, /within/i, "the command's own output");
    assert.doesNotMatch(screen, leftovers, screen);
  } finally {
    await tmux.kill();
    await stub.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("progress on a terminal: Ctrl-C while the line is shown leaves a clean line", async () => {
  const dir = await fixture();
  const tmux = new Tmux(dir);
  // Never answered: the command is interrupted while it waits.
  const stub = adminStub(() => new Promise(() => {}));
  try {
    await tmux.start(dir, cli(stub.args(dir)));
    await tmux.until(line("usage report", 1));
    await tmux.run("send-keys", "-t", "p", "C-c");
    const { status, screen } = await tmux.ended();
    assert.equal(status, 130, screen);
    assert.doesNotMatch(screen, leftovers, screen);
    assert.equal(screen.trim(), "", "nothing on the screen, not even ^C");
  } finally {
    await tmux.kill();
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
