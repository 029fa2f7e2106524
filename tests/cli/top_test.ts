/**
 * `ongoingai top` on a terminal, driven in tmux as a person would (issue 25's "done when"),
 * against a real gateway subprocess (team mode, a local upstream stub): counts rise while
 * requests flow, keys sort, filter, pause and show help, a resize redraws, a gateway that is down
 * is said and retried, and every way out (q, Ctrl-C, SIGTERM) gives the terminal back.
 */
import assert from "node:assert/strict";
import { shellQuote } from "../../src/cli/shell_init.ts";
import { freePort, mainModule, repoRoot } from "../support/process.ts";
import { skipTmux, startTmux, type TmuxPane } from "../support/tmux.ts";
import { opsKey, viewerKey, withGateway } from "../support/top_gateway.ts";

/** `top` in a pane as a user types it, then a shell line that shows how it ended. */
function paneCommand(origin: string): string {
  const top = [Deno.execPath(), "run", "-A", "--unstable-no-legacy-abort", mainModule, "top"]
    .concat(["--url", origin, "--interval", "0.25"])
    .map((a) => shellQuote(a, "sh"))
    .join(" ");
  return `cd ${shellQuote(repoRoot, "sh")} && ${top}; echo TOP-EXITED $?; sleep 60`;
}

/** The busiest models table's row for `model`: its place on screen, requests and errors. */
function modelRow(rows: string[], model: string) {
  // The stub answers with a dated model (gpt-4o-mini-2024-07-18), which the trace records.
  const pattern = new RegExp(`^${model.replaceAll(".", "\\.")}\\S* +openai +(\\d+) +(\\d+) `);
  const at = rows.findIndex((r) => pattern.test(r));
  if (at < 0) return null;
  const m = pattern.exec(rows[at]!)!;
  return { at, requests: Number(m[1]), errors: Number(m[2]) };
}

/** The pane after `top` ended: the shell's screen again, the terminal as it was. */
async function assertRestored(pane: TmuxPane, how: string): Promise<void> {
  const rows = await pane.waitFor(
    `top's exit after ${how}`,
    (r) => r.some((l) => l.startsWith("TOP-EXITED")),
  );
  assert.ok(rows.includes("TOP-EXITED 0"), `${how}: ${rows.join("\n")}`);
  assert.ok(
    !rows.some((r) => r.includes("ongoingai top") || r.includes("REQ/S")),
    `${how}: a frame left`,
  );
  assert.equal(await pane.display("#{alternate_on}"), "0", `${how}: still on the alternate screen`);
  assert.equal(await pane.display("#{cursor_flag}"), "1", `${how}: the cursor is hidden`);
}

Deno.test({
  name: "top: on a terminal (tmux), counts rise, keys sort, filter, pause, and q restores it",
  ignore: skipTmux,
}, async () => {
  await withGateway(async (g) => {
    const pane = await startTmux(paneCommand(g.origin), {
      columns: 120,
      rows: 40,
      env: { ONGOINGAI_GATEWAY_KEY: opsKey },
    });
    try {
      await pane.waitFor(
        "the first frame",
        (r) =>
          r[0]!.includes(" ongoingai top ") && r[0]!.includes("sort: requests") &&
          r.some((l) => l.includes("no request in the last minute")) &&
          r.at(-1)!.startsWith("updated "),
      );

      // Counts rise while requests flow.
      assert.equal(await g.chat("gpt-4o-mini"), 200);
      await pane.waitFor("one request", (r) => modelRow(r, "gpt-4o-mini")?.requests === 1);
      for (const model of ["gpt-4o-mini", "gpt-4o-mini"]) assert.equal(await g.chat(model), 200);
      assert.equal(await g.chat("gpt-4.1-nano", true), 500);
      let rows = await pane.waitFor(
        "four requests",
        (r) =>
          modelRow(r, "gpt-4o-mini")?.requests === 3 && modelRow(r, "gpt-4.1-nano")?.errors === 1,
      );
      assert.ok(modelRow(rows, "gpt-4o-mini")!.at < modelRow(rows, "gpt-4.1-nano")!.at);
      assert.ok(rows.some((r) => /^last 1m( \(\d+s\))? .* 25% \(1\/4\)$/.test(r)), rows.join("\n"));
      assert.ok(rows.some((r) => /^open 0 \(0 streams\) {3}queue \d+\/\d+ {3}dropped 0/.test(r)));

      // S: the previous sort, errors: the failed model first, its column marked.
      await pane.send("S");
      rows = await pane.waitFor("sorted by errors", (r) =>
        r[0]!.includes("sort: errors") &&
        (modelRow(r, "gpt-4.1-nano")?.at ?? 99) < (modelRow(r, "gpt-4o-mini")?.at ?? 0));
      assert.ok(
        rows.some((r) => /^MODEL +PROVIDER +REQ +ERR↓ +TOKENS +COST$/.test(r)),
        rows.join("\n"),
      );
      await pane.send("1");
      await pane.waitFor("sorted by requests", (r) =>
        r[0]!.includes("sort: requests") &&
        (modelRow(r, "gpt-4o-mini")?.at ?? 99) < (modelRow(r, "gpt-4.1-nano")?.at ?? 0));

      // A filter typed, shown while typed, applied by the API.
      await pane.send("/");
      await pane.send("nano", true);
      await pane.waitFor("the filter being typed", (r) => r.at(-1)!.startsWith("filter: nano_"));
      await pane.send("Enter");
      await pane.waitFor(
        "the filter applied",
        (r) =>
          r[0]!.includes(`filter: "nano"`) && modelRow(r, "gpt-4.1-nano") !== null &&
          modelRow(r, "gpt-4o-mini") === null && r.at(-1)!.startsWith("updated "),
      );
      await pane.send("/");
      await pane.send("C-u");
      await pane.send("Enter");
      await pane.waitFor(
        "the filter cleared",
        (r) => !r[0]!.includes("filter:") && modelRow(r, "gpt-4o-mini") !== null,
      );

      // Pause and resume; help and back.
      await pane.send("p");
      await pane.waitFor(
        "paused",
        (r) => r[0]!.includes(" PAUSED ") && r.at(-1)!.startsWith("paused at "),
      );
      await pane.send("Space");
      await pane.waitFor(
        "resumed",
        (r) => !r[0]!.includes("PAUSED") && r.at(-1)!.startsWith("updated "),
      );
      await pane.send("?");
      await pane.waitFor("the help", (r) => r.includes("Keys"));
      await pane.send("Escape");
      await pane.waitFor(
        "the help closed",
        (r) => !r.includes("Keys") && r.some((l) => l.startsWith("MODEL")),
      );

      // A smaller terminal: the frame is drawn again within it.
      await pane.resize(80, 24);
      rows = await pane.waitFor(
        "the frame at 80x24",
        (r) =>
          r.length === 24 && r[0]!.includes(" ongoingai top ") && r[23]!.startsWith("updated "),
      );
      assert.ok(rows.every((r) => r.length <= 80), rows.join("\n"));

      await pane.send("q");
      await assertRestored(pane, "q");
    } finally {
      await pane.close();
    }
  });
});

/** The process `top` runs as: the pane's shell's child. */
async function topPid(pane: TmuxPane): Promise<number> {
  const shell = await pane.display("#{pane_pid}");
  const children = await Deno.readTextFile(`/proc/${shell}/task/${shell}/children`);
  return Number(children.trim().split(/\s+/)[0]);
}

Deno.test({
  name: "top: a gateway that is down is said and retried; Ctrl-C and SIGTERM restore the terminal",
  ignore: skipTmux,
}, async () => {
  const port = freePort();
  const origin = `http://127.0.0.1:${port}`;
  const pane = await startTmux(paneCommand(origin), { columns: 120, rows: 40 });
  try {
    await pane.waitFor(
      "the failure on the status line",
      (r) =>
        /^! http:\/\/127\.0\.0\.1:\d+: connection refused: is the gateway running there \(`ongoingai serve`\)\? {2}\(retrying every 0\.25s\)$/
          .test(r.at(-1)!),
    );
    await withGateway(async () => {
      await pane.waitFor(
        "401 once the gateway is up",
        (r) =>
          r.at(-1)!.startsWith("! 401: the gateway runs in team mode: set ONGOINGAI_GATEWAY_KEY"),
      );
    }, port);
    await pane.send("C-c");
    await assertRestored(pane, "Ctrl-C");
  } finally {
    await pane.close();
  }

  await withGateway(async (g) => {
    const term = await startTmux(paneCommand(g.origin), {
      columns: 100,
      rows: 30,
      // NO_COLOR empty counts as unset (no-color.org): this run is in colour.
      env: { ONGOINGAI_GATEWAY_KEY: viewerKey, NO_COLOR: "" },
    });
    try {
      await term.waitFor(
        "a frame without the queue",
        (r) =>
          r.some((l) => l.includes("queue n/a (needs diagnostics:read)")) &&
          r.at(-1)!.startsWith("updated "),
      );
      const styled = (await term.capture(true)).join("\n");
      assert.ok(styled.includes("\x1b[7m ongoingai top "), "the header in inverse video");
      Deno.kill(await topPid(term), "SIGTERM");
      await assertRestored(term, "SIGTERM");
    } finally {
      await term.close();
    }
  });
});
