/**
 * A terminal for tests: a private tmux server (its own socket, no user config, a clean
 * environment) running one command in a pane of a fixed size, read with `capture-pane` and
 * typed into with `send-keys`. Waits poll the pane against a deadline, never a fixed sleep.
 * `close()` kills the server and everything in it, and removes its socket.
 */
import { join } from "node:path";
import { cleanEnv } from "./process.ts";

const deadlineMs = 30_000;

/** Whether tmux is on PATH (tests that need it are skipped where it is not, outside CI). */
export function hasTmux(): boolean {
  return (Deno.env.get("PATH") ?? "").split(":").some((dir) => {
    try {
      return Deno.statSync(join(dir, "tmux")).isFile;
    } catch {
      return false;
    }
  });
}

/** Skip a tmux test: no tmux here and not CI (where its absence must fail), or Windows. */
export const skipTmux = Deno.build.os === "windows" ||
  (!hasTmux() && Deno.env.get("CI") === undefined);

export interface TmuxPane {
  /**
   * What the pane shows now, one string per row (trailing spaces trimmed by tmux); with
   * `styled`, with the escape sequences of its colours and attributes; with `history`, the rows
   * scrolled off its top too.
   */
  capture(styled?: boolean, history?: boolean): Promise<string[]>;
  /** Keys as tmux names them: "q", "C-c", "Escape", "Enter", or literal text with `literal`. */
  send(keys: string, literal?: boolean): Promise<void>;
  /** A pane or window format, e.g. "#{alternate_on}". */
  display(format: string): Promise<string>;
  resize(columns: number, rows: number): Promise<void>;
  /** Polls the pane until `test` holds, or fails with the last screen after the deadline. */
  waitFor(what: string, test: (rows: string[]) => boolean): Promise<string[]>;
  close(): Promise<void>;
}

export async function startTmux(
  command: string,
  o: { columns: number; rows: number; env?: Record<string, string>; cwd?: string },
): Promise<TmuxPane> {
  const socket = `ongoingai-top-test-${crypto.randomUUID().slice(0, 8)}`;
  const env = cleanEnv({ LANG: "C.UTF-8", ...o.env });
  const tmux = async (...args: string[]): Promise<string> => {
    const out = await new Deno.Command("tmux", {
      args: ["-u", "-f", "/dev/null", "-L", socket, ...args],
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    if (out.code !== 0) {
      throw new Error(`tmux ${args.join(" ")}: exit ${out.code}: ${text.decode(out.stderr)}`);
    }
    return text.decode(out.stdout);
  };
  await tmux(
    "new-session",
    "-d",
    "-s",
    "t",
    "-x",
    String(o.columns),
    "-y",
    String(o.rows),
    ...(o.cwd === undefined ? [] : ["-c", o.cwd]),
    command,
  );
  const pane: TmuxPane = {
    capture: async (styled = false, history = false) =>
      (await tmux(
        "capture-pane",
        "-p",
        ...(styled ? ["-e"] : []),
        ...(history ? ["-S", "-"] : []),
        "-t",
        "t",
      ))
        .replace(/\n$/, "").split("\n"),
    send: async (keys, literal = false) =>
      void await tmux("send-keys", "-t", "t", ...(literal ? ["-l"] : []), keys),
    display: async (format) => (await tmux("display-message", "-p", "-t", "t", format)).trim(),
    resize: async (columns, rows) =>
      void await tmux("resize-window", "-t", "t", "-x", String(columns), "-y", String(rows)),
    async waitFor(what, test) {
      const deadline = Date.now() + deadlineMs;
      let rows: string[] = [];
      while (Date.now() < deadline) {
        rows = await pane.capture();
        if (test(rows)) return rows;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(
        `${what}: not on screen within ${deadlineMs} ms; the pane:\n${rows.join("\n")}`,
      );
    },
    async close() {
      // The server leaves its socket file behind: removed too.
      const fallback = `${env.TMUX_TMPDIR ?? "/tmp"}/tmux-${Deno.uid()}/${socket}`;
      const path = await tmux("display-message", "-p", "#{socket_path}").catch(() => fallback);
      try {
        await tmux("kill-server");
      } catch {
        // Already gone (its last session ended).
      }
      if (path.trim() !== "") await Deno.remove(path.trim()).catch(() => {});
    },
  };
  return pane;
}
