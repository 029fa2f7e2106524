import assert from "node:assert/strict";
import { createLogger } from "../../src/log/mod.ts";

function capture(format: "text" | "json", level?: "debug" | "info" | "warn" | "error") {
  const lines: string[] = [];
  const log = createLogger({
    format,
    ...(level ? { level } : {}),
    write: (l) => void lines.push(l),
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
  });
  return { lines, log };
}

Deno.test("text log lines are single lines with quoted values when needed", () => {
  const { lines, log } = capture("text");
  log.info("listening", { address: "http://0.0.0.0:8080", note: "two words", n: 3 });
  assert.deepEqual(lines, [
    '2026-01-02T03:04:05.000Z INFO  listening address=http://0.0.0.0:8080 note="two words" n=3\n',
  ]);
});

Deno.test("log injection: newlines and JSON fragments cannot forge a line", () => {
  for (const format of ["text", "json"] as const) {
    const { lines, log } = capture(format);
    log.warn("model\nFAKE LINE", { model: 'x\n{"level":"error"}\r\u001b[31m' });
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.indexOf("\n"), lines[0]!.length - 1, format);
    assert.ok(!lines[0]!.includes("\u001b"), format);
  }
});

Deno.test("json log lines parse and carry level, msg and fields", () => {
  const { lines, log } = capture("json");
  log.error("boom", { code: "x" });
  assert.deepEqual(JSON.parse(lines[0]!), {
    time: "2026-01-02T03:04:05.000Z",
    level: "error",
    msg: "boom",
    code: "x",
  });
});

Deno.test("levels below the minimum are dropped", () => {
  const { lines, log } = capture("text", "warn");
  log.debug("a");
  log.info("b");
  log.warn("c");
  assert.equal(lines.length, 1);
});
