/**
 * A written trace is no longer reachable from the writer, even while the queue never empties:
 * with bodies captured, consumed queue slots that kept their traces held a gigabyte (issue 23).
 * Checked with real garbage collection, in a process started with `--expose-gc`.
 */
import assert from "node:assert/strict";

Deno.test("trace writer: written traces (and their bodies) are not kept by the queue", async () => {
  const probe = new URL("./writer_release_probe.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", probe],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const { written, alive } = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(written, 8);
  assert.equal(alive, 0, `${alive} of ${written} written bodies still reachable`);
});
