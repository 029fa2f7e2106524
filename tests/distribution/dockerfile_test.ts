import assert from "node:assert/strict";
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCompileArgs, targets } from "../../scripts/compile/mod.ts";
import { loadConfig } from "../../src/config/mod.ts";
import { runCliProcess } from "../support/process.ts";
import {
  copyParts,
  execForm,
  healthcheckCommand,
  type Instruction,
  parseDockerfile,
  stages,
} from "./dockerfile.ts";
import { ciDenoVersion, readRepoText, repoUrl } from "./repo.ts";

const dockerfile = parseDockerfile(await readRepoText("Dockerfile"));
const [build, runtime] = (() => {
  const all = stages(dockerfile);
  return [all[0]!, all.at(-1)!];
})();

const only = (list: readonly Instruction[], keyword: string): Instruction => {
  const found = list.filter((i) => i.keyword === keyword);
  assert.equal(
    found.length,
    1,
    `expected one ${keyword} in the runtime stage, found ${found.length}`,
  );
  return found[0]!;
};

/** The runtime stage's CMD config path: the file the image serves with. */
const servedConfig = (() => {
  const cmd = execForm(only(runtime.instructions, "CMD").args) ?? [];
  return cmd[cmd.indexOf("--config") + 1] ?? "";
})();

Deno.test("Dockerfile reader: continuations, comments inside them, exec form", () => {
  const parsed = parseDockerfile(
    'FROM a:1 AS b\n# c\nRUN x \\\n  # inside\n  && y\n\nCMD ["s", "--config", "/c"]\n',
  );
  assert.deepEqual(parsed.map((i) => [i.keyword, i.args, i.line]), [
    ["FROM", "a:1 AS b", 1],
    ["RUN", "x && y", 3],
    ["CMD", '["s", "--config", "/c"]', 7],
  ]);
  assert.deepEqual(execForm(parsed[2]!.args), ["s", "--config", "/c"]);
  assert.equal(execForm("echo hi"), null);
  assert.deepEqual(healthcheckCommand('--interval=3s CMD ["/x", "health"]'), ["/x", "health"]);
});

Deno.test("Dockerfile: multi-stage, built with the Deno version CI tests with", async () => {
  assert.ok(stages(dockerfile).length >= 2, "a build stage and a runtime stage");
  const want = await ciDenoVersion();
  assert.equal(build.image, `denoland/deno:${want}`, "the build image pins .ci/run's Deno");
  assert.equal(build.platform, "$BUILDPLATFORM", "cross-compiles instead of emulating");
  assert.match(runtime.image, /^[^:@]+(:[^:@]+|@sha256:[0-9a-f]{64})$/, "runtime base is pinned");
  assert.doesNotMatch(runtime.image, /:latest$/);
  // deno compile output needs glibc: a static base (scratch, distroless/static) cannot run it.
  assert.match(runtime.image, /^gcr\.io\/distroless\/cc-/);
});

Deno.test("Dockerfile: dependencies are cached before the source is copied", () => {
  const order = build.instructions.map((i) => `${i.keyword} ${i.args}`);
  const lockCopy = order.findIndex((s) => /^COPY deno\.json deno\.lock /.test(s));
  const install = order.findIndex((s) => /^RUN deno install --frozen/.test(s));
  const srcCopy = order.findIndex((s) => /^COPY src\//.test(s));
  assert.ok(lockCopy !== -1 && install !== -1 && srcCopy !== -1, order.join("\n"));
  assert.ok(lockCopy < install && install < srcCopy, order.join("\n"));
});

Deno.test("Dockerfile: the compile step's flags are ones deno task compile accepts", async () => {
  const args = new Set(build.instructions.filter((i) => i.keyword === "ARG").map((i) => i.args));
  for (const name of ["TARGETARCH", 'VERSION=""', 'COMMIT=""', 'DATE=""']) {
    assert.ok(args.has(name), `ARG ${name} in the build stage`);
  }
  const run = build.instructions.find((i) => i.keyword === "RUN" && i.args.includes("compile"));
  assert.ok(run, "a RUN deno task compile");
  const command = run.args.split("&&")[0]!.trim();
  assert.match(command, /^deno task compile /);
  // Expand the command as the build's /bin/sh would, then hand the words to the real parser.
  type Stamp = { version?: string; commit?: string; date?: string };
  const cases: Array<{ env: Record<string, string>; expect: Stamp }> = [
    { env: { TARGETARCH: "amd64", VERSION: "", COMMIT: "", DATE: "" }, expect: {} },
    {
      env: {
        TARGETARCH: "arm64",
        VERSION: "v1.4.0",
        COMMIT: "0123456789abcdef0123456789abcdef01234567",
        DATE: "2026-11-22T10:00:00+01:00",
      },
      expect: { version: "1.4.0", commit: "0123456789ab", date: "2026-11-22T09:00:00Z" },
    },
  ];
  for (const { env, expect } of cases) {
    const words = await shellWords(command.slice("deno task compile ".length), env);
    const options = parseCompileArgs(words);
    assert.deepEqual(options.targets.map((t) => t.name), [`linux_${env.TARGETARCH}`]);
    assert.equal(options.outDir, "/out");
    const stamp: Stamp = {};
    for (const key of ["version", "commit", "date"] as const) {
      if (options[key] !== undefined) stamp[key] = options[key];
    }
    assert.deepEqual(stamp, expect, "empty build args leave deno.json, git and the clock");
  }
  // Both image platforms have a release target.
  for (const arch of ["amd64", "arm64"]) {
    assert.ok(targets.some((t) => t.name === `linux_${arch}`));
  }
});

async function shellWords(text: string, env: Record<string, string>): Promise<string[]> {
  const out = await new Deno.Command("sh", {
    args: ["-c", `set -- ${text}; printf '%s\\0' "$@"`],
    env,
    clearEnv: true,
    stdout: "piped",
  }).output();
  assert.ok(out.success);
  return new TextDecoder().decode(out.stdout).split("\0").slice(0, -1);
}

Deno.test("Dockerfile: the runtime stage runs as a non-root user", () => {
  const user = only(runtime.instructions, "USER").args;
  const uid = user.split(":")[0]!;
  assert.ok(uid !== "0" && uid !== "root", `USER ${user}`);
  assert.equal(user, "65532:65532", "distroless's nonroot user");
  assert.equal(only(runtime.instructions, "WORKDIR").args, "/app");
});

Deno.test("Dockerfile: /app/data is a volume the runtime user owns", () => {
  assert.equal(only(runtime.instructions, "VOLUME").args, "/app/data");
  const dataCopy = runtime.instructions
    .filter((i) => i.keyword === "COPY")
    .map((i) => copyParts(i.args))
    .find((c) => c.dest === "/app/data");
  assert.ok(dataCopy, "/app/data is created by a COPY (a distroless image has no shell)");
  const uid = only(runtime.instructions, "USER").args;
  assert.equal(dataCopy.flags.get("chown"), uid);
});

Deno.test("Dockerfile: port, health check, entrypoint and default command", () => {
  assert.equal(only(runtime.instructions, "EXPOSE").args, "8080");
  const healthcheck = only(runtime.instructions, "HEALTHCHECK").args;
  const health = healthcheckCommand(healthcheck) ?? [];
  assert.deepEqual(health.slice(0, 2), ["/ongoingai", "health"]);
  // The probe gives up before Docker kills it, so a hung gateway is logged with health's own
  // message instead of "Health check exceeded timeout".
  const dockerSeconds = Number(/--timeout=(\d+)s/.exec(healthcheck)?.[1]);
  const probeMs = Number(health[health.indexOf("--timeout-ms") + 1]);
  assert.ok(probeMs > 0 && probeMs < dockerSeconds * 1000, `${probeMs} ms < ${dockerSeconds} s`);
  assert.deepEqual(execForm(only(runtime.instructions, "ENTRYPOINT").args), ["/ongoingai"]);
  assert.deepEqual(execForm(only(runtime.instructions, "CMD").args), [
    "serve",
    "--config",
    "/app/gateway.config.ts",
  ]);
  const binary = runtime.instructions
    .filter((i) => i.keyword === "COPY")
    .map((i) => copyParts(i.args))
    .find((c) => c.dest === "/ongoingai");
  assert.equal(binary?.flags.get("from"), build.name, "the binary comes from the build stage");
});

Deno.test("Dockerfile: OCI labels name the source and the stamped version", () => {
  const labels = runtime.instructions.filter((i) => i.keyword === "LABEL").map((i) => i.args)
    .join(" ");
  for (const key of ["title", "description", "source", "version", "revision", "created"]) {
    assert.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${key}=`));
  }
  assert.match(labels, /image\.source="https:\/\/github\.com\/ongoingai\/gateway"/);
  assert.match(labels, /image\.version="\$\{VERSION\}"/);
});

Deno.test(".dockerignore: keeps what the build copies and leaves out .git and local data", async () => {
  const patterns = (await readRepoText(".dockerignore")).split("\n").map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  assert.equal(patterns[0], "*", "an allow-list");
  const allowed = patterns.filter((p) => p.startsWith("!")).map((p) => p.slice(1));
  const included = (path: string) =>
    allowed.some((a) => path === a || (a.endsWith("/") && path.startsWith(a)));
  const sources = stages(dockerfile).flatMap((s) => s.instructions)
    .filter((i) => i.keyword === "COPY")
    .map((i) => copyParts(i.args))
    .filter((c) => !c.flags.has("from"))
    .flatMap((c) => c.sources.map((s) => s.replace(/^\.\//, "")));
  assert.ok(sources.length >= 5, sources.join(", "));
  for (const source of sources) assert.ok(included(source), `${source} is in the build context`);
  for (const local of [".git", "dist/ongoingai.js", "data/ongoingai.db", "gateway.config.ts"]) {
    assert.ok(!included(local), `${local} stays out of the build context`);
  }
});

// The file the image serves with, checked by the real CLI, from a directory that holds only it:
// in the image there is no src/ beside it, so it must import "ongoingai", not ./src/mod.ts.
const imageConfigSource = (() => {
  const copied = runtime.instructions
    .filter((i) => i.keyword === "COPY")
    .map((i) => copyParts(i.args))
    .find((c) => c.dest === servedConfig && !c.flags.has("from"));
  return copied?.sources[0];
})();

async function inEmptyDir<T>(fn: (dir: string, config: string) => Promise<T>): Promise<T> {
  assert.ok(imageConfigSource, `a COPY of the served config to ${servedConfig}`);
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-image-config-" });
  try {
    const config = join(dir, "gateway.config.ts");
    await copyFile(fileURLToPath(new URL(imageConfigSource, repoUrl)), config);
    return await fn(dir, config);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("image config: ongoingai check passes it, with no warnings", async () => {
  await inEmptyDir(async (dir, config) => {
    const result = await runCliProcess(["check", "--config", config, "--format", "json"], {
      cwd: dir,
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.valid, true);
    assert.deepEqual(report.warnings, []);
  });
});

Deno.test("image config: 0.0.0.0:8080, SQLite in the volume, and it says what that exposes", async () => {
  await inEmptyDir(async (dir, config) => {
    const loaded = await loadConfig({ path: config, env: {}, cwd: dir });
    assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
    assert.equal(loaded.config.server.host, "0.0.0.0");
    assert.equal(loaded.config.server.port, Number(only(runtime.instructions, "EXPOSE").args));
    assert.equal(loaded.config.storage.driver, "sqlite");
    assert.ok(
      loaded.config.storage.path.startsWith(`${only(runtime.instructions, "VOLUME").args}/`),
      `storage.path ${loaded.config.storage.path} is inside the volume`,
    );
    assert.equal(loaded.config.auth.enabled, false);
    const text = await Deno.readTextFile(config);
    assert.match(text, /-p 127\.0\.0\.1:8080:8080/);
    assert.match(text, /team mode/i);
  });
});

Deno.test("image config: ONGOINGAI_AUTH_ENABLED turns team mode on and then needs the key", async () => {
  await inEmptyDir(async (dir, config) => {
    const args = ["check", "--config", config];
    const missing = await runCliProcess(args, {
      cwd: dir,
      env: { ONGOINGAI_AUTH_ENABLED: "true" },
    });
    assert.equal(missing.code, 1, missing.stdout + missing.stderr);
    assert.match(missing.stderr, /ONGOINGAI_GATEWAY_KEY is not set/);
    const env = { ONGOINGAI_AUTH_ENABLED: "true", ONGOINGAI_GATEWAY_KEY: "k".repeat(48) };
    const given = await runCliProcess(args, { cwd: dir, env });
    assert.equal(given.code, 0, given.stdout + given.stderr);
    const loaded = await loadConfig({ path: config, env, cwd: dir });
    assert.ok(loaded.ok && loaded.config.auth.enabled);
  });
});
