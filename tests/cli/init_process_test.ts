/**
 * `ongoingai init` as a user meets it: the real CLI in an empty directory outside the source
 * tree, then `ongoingai check` on what it wrote, and the editor setup type-checking the config with
 * only the written files: `deno check` through the written deno.json, and TypeScript through the
 * written tsconfig.json. A type error in the config must be caught by both.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import ts from "typescript";
import { cleanEnv, runCliProcess } from "../support/process.ts";

const text = new TextDecoder();

async function withEmptyDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-init-" }));
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function denoCheck(dir: string): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--config", "deno.json", "gateway.config.ts", "policies/default.ts"],
    cwd: dir,
    env: cleanEnv(),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, output: text.decode(out.stdout) + text.decode(out.stderr) };
}

/** What VS Code's TypeScript reports for the project the written tsconfig.json describes. */
function tsconfigProblems(dir: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(dir, "tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error("tsconfig.json did not parse");
  assert.deepEqual(parsed.errors, []);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  return ts.getPreEmitDiagnostics(program).map((d) =>
    `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`
  );
}

Deno.test("init in an empty directory: check passes, deno check and tsc type-check the config", async () => {
  await withEmptyDir(async (dir) => {
    const written = await runCliProcess(["init"], { cwd: dir });
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stdout, /^wrote gateway\.config\.ts$/m);

    const check = await runCliProcess(["check"], { cwd: dir });
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout, "config is valid: gateway.config.ts\n");

    const typed = await denoCheck(dir);
    assert.equal(typed.code, 0, typed.output);
    assert.deepEqual(tsconfigProblems(dir), []);

    // The example policy's custom detector is live, and its validator rules out the test badge.
    const scan = await runCliProcess(["pii", "scan"], {
      cwd: dir,
      input: '{"note":"badges EMP-123456 and EMP-000000"}',
    });
    assert.equal(scan.code, 0, scan.stderr);
    assert.match(scan.stdout, /1 finding: employee_id 1/);
    assert.match(scan.stdout, /\[EMPLOYEE_ID_REDACTED:[0-9a-f]+\] and EMP-000000/);
  });
});

Deno.test("init: a type error in the config is caught by deno check, tsc and ongoingai check", async () => {
  await withEmptyDir(async (dir) => {
    assert.equal((await runCliProcess(["init"], { cwd: dir })).code, 0);
    const path = join(dir, "gateway.config.ts");
    const config = await Deno.readTextFile(path);
    const broken = config.replace("port: 8080", 'port: "x"');
    assert.notEqual(broken, config, "the starter config sets port: 8080");
    await Deno.writeTextFile(path, broken);

    const typed = await denoCheck(dir);
    assert.notEqual(typed.code, 0, typed.output);
    assert.match(typed.output, /TS2322/);
    assert.match(typed.output, /Type 'string' is not assignable to type 'number/);
    assert.match(typed.output, /gateway\.config\.ts/);

    const problems = tsconfigProblems(dir);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(
      problems[0]!,
      /gateway\.config\.ts: Type 'string' is not assignable to type 'number/,
    );

    const check = await runCliProcess(["check"], { cwd: dir });
    assert.equal(check.code, 1);
    assert.match(check.stderr, /server\.port/);
  });
});
