import assert from "node:assert/strict";
import { createLogger, redactingLogger } from "../../src/log/mod.ts";
import { createSecretRedactor, credentialRedacted as R } from "../../src/telemetry/mod.ts";

const secret = 'team-"alpha"-password-42';

const cases: [string, "text" | "json", string, Record<string, unknown>][] = [
  ["message and string field, text", "text", `bad ${secret}`, { path: `/v1/${secret}/x` }],
  ["message and string field, json", "json", `bad ${secret}`, { path: `/v1/${secret}/x` }],
  ["a nested field, text", "text", "reload", { problems: [`token ${secret}`] }],
  ["a nested field, json", "json", "reload", { detail: { key: secret, n: 1 } }],
];

for (const [name, format, msg, fields] of cases) {
  Deno.test(`redactingLogger: ${name}`, () => {
    const lines: string[] = [];
    const redact = createSecretRedactor([secret]);
    const log = redactingLogger(
      createLogger({ format, write: (l) => lines.push(l) }),
      () => redact,
    );
    log.warn(msg, fields);
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.includes(R), lines[0]);
    assert.ok(!lines[0]!.includes("alpha"), lines[0]);
  });
}

Deno.test("redactingLogger: asked per line (a reload's secrets apply at once); null passes through", () => {
  const lines: string[] = [];
  let current: ((v: string) => string) | null = null;
  const log = redactingLogger(
    createLogger({ format: "json", write: (l) => lines.push(l) }),
    () => current,
  );
  const fields = { n: 3, ok: true, none: null };
  log.info(`model ${secret}`, fields);
  current = createSecretRedactor([secret]);
  log.info(`model ${secret}`, fields);
  assert.equal(JSON.parse(lines[0]!).msg, `model ${secret}`);
  assert.equal(JSON.parse(lines[1]!).msg, `model ${R}`);
  assert.deepEqual([JSON.parse(lines[1]!).n, JSON.parse(lines[1]!).ok], [3, true]);
});
