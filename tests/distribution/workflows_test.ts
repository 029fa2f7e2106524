import assert from "node:assert/strict";
import { join } from "node:path";
import { targets } from "../../scripts/compile/mod.ts";
import { runCliProcess } from "../support/process.ts";
import {
  allSteps,
  ciDenoVersion,
  type Job,
  readRepoText,
  readWorkflow,
  runText,
  type Step,
  type Workflow,
} from "./repo.ts";

const ci = await readWorkflow(".github/workflows/ci.yml");
const release = await readWorkflow(".github/workflows/release.yml");
const example = await readWorkflow("docs/examples/github/ongoingai-check.yml");
const workflows: Record<string, Workflow> = { ci, release, example };

/** Shell continuation lines joined, so one command is one line. */
const joinedLines = (text: string) => text.replace(/\\\n\s*/g, " ");

const stepUsing = (job: Job, action: string): Step | undefined =>
  job.steps.find((s) => s.uses?.split("@")[0] === action);

/** The job that runs `deno task ok`: format, lint, type check and the README's test command. */
async function assertRunsTheChecks(workflow: Workflow, name: string): Promise<Job> {
  const want = await ciDenoVersion();
  const job = Object.values(workflow.jobs).find((j) => /^deno task ok$/m.test(runText(j.steps)));
  assert.ok(job, `${name}: a job runs deno task ok`);
  const run = runText(job.steps);
  assert.match(run, new RegExp(`npm install -g deno@${want.replaceAll(".", "\\.")}\\b`));
  assert.match(run, /apt-get install [^\n]*\bpostgresql\b/, `${name}: PostgreSQL for the tests`);
  assert.match(run, /initdb/, `${name}: fails when PostgreSQL's initdb is missing`);
  const tasks = JSON.parse(await readRepoText("deno.json")).tasks;
  for (const part of ["deno fmt --check", "deno lint", "deno check", "deno task test"]) {
    assert.ok(tasks.ok.includes(part), `deno task ok runs ${part}`);
  }
  const ciRun = await readRepoText(".ci/run");
  assert.match(ciRun, /task test/, ".ci/run runs the same test task");
  return job;
}

Deno.test("ci.yml: on pull requests and pushes to main, read-only", () => {
  assert.ok("pull_request" in ci.on);
  const push = ci.on.push as { branches?: string[] };
  assert.deepEqual(push.branches, ["main"]);
  assert.deepEqual(ci.permissions, { contents: "read" });
  for (const [id, job] of Object.entries(ci.jobs)) {
    assert.equal(job.permissions, undefined, `${id} keeps the read-only default`);
  }
});

Deno.test("ci.yml: runs deno task ok with PostgreSQL and .ci/run's Deno", async () => {
  await assertRunsTheChecks(ci, "ci.yml");
});

Deno.test("ci.yml: builds the bundle and the image, pushes nothing", () => {
  const job = Object.values(ci.jobs).find((j) => /deno task bundle/.test(runText(j.steps)));
  assert.ok(job, "a job runs deno task bundle");
  assert.ok(stepUsing(job, "docker/setup-buildx-action"), "buildx");
  const builds = job.steps.filter((s) => s.uses?.startsWith("docker/build-push-action@"));
  assert.ok(builds.length > 0);
  for (const b of builds) assert.equal(b.with?.push, false);
  const platforms = builds.map((b) => String(b.with?.platforms)).join(",");
  assert.match(platforms, /linux\/amd64/);
  assert.match(platforms, /linux\/arm64/);
  assert.match(runText(job.steps), /State\.Health\.Status/, "waits for the image's HEALTHCHECK");
  assert.ok(!stepUsing(job, "docker/login-action"), "no registry login in CI");
});

Deno.test("release.yml: on v* tags only, nothing published without the tests", async () => {
  assert.deepEqual(Object.keys(release.on), ["push"]);
  assert.deepEqual(release.on.push, { tags: ["v*"] });
  await assertRunsTheChecks(release, "release.yml");
  for (const [id, job] of Object.entries(release.jobs)) {
    if (/^deno task ok$/m.test(runText(job.steps))) continue;
    assert.deepEqual([job.needs].flat(), ["test"], `${id} waits for the tests`);
  }
});

Deno.test("release.yml: permissions are scoped per job", () => {
  assert.deepEqual(release.permissions, {}, "nothing by default");
  const writes: string[] = [];
  for (const [id, job] of Object.entries(release.jobs)) {
    assert.equal(typeof job.permissions, "object", `${id} lists its permissions`);
    for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
      if (level === "write") writes.push(`${id}:${scope}`);
      else assert.equal(level, "read", `${id}:${scope}`);
    }
  }
  const uploads = Object.entries(release.jobs)
    .filter(([, j]) => /gh release/.test(runText(j.steps))).map(([id]) => `${id}:contents`);
  const pushes = Object.entries(release.jobs)
    .filter(([, j]) => j.steps.some((s) => s.with?.push === true)).map(([id]) => `${id}:packages`);
  assert.deepEqual(writes.sort(), [...uploads, ...pushes].sort());
  assert.equal(uploads.length, 1);
  assert.equal(pushes.length, 1);
});

Deno.test("release.yml: compiles every release target with the tag's version", () => {
  const run = joinedLines(runText(allSteps(release)));
  const compile = /deno task compile([^\n]*)/.exec(run);
  assert.ok(compile, "a deno task compile step");
  const args = compile[1]!;
  const listed = /--target\s+(\S+)/.exec(args)?.[1]?.split(",") ?? [];
  assert.deepEqual(listed, targets.map((t) => t.name), "scripts/compile/options.ts targets");
  assert.match(args, /--version "\$version"/);
  assert.match(run, /version="\$\{GITHUB_REF_NAME#v\}"/);
  assert.match(run, /sha256sum -c checksums\.txt/, "checksums verified before upload");
});

Deno.test("release.yml: the GitHub release carries binaries, checksums.txt and install.sh", () => {
  const run = joinedLines(runText(allSteps(release)));
  const create = /gh release create ([^\n]*)/.exec(run);
  assert.ok(create, "gh release create");
  const words = create[1]!.split(/\s+/);
  for (const asset of ["dist/ongoingai_*", "dist/checksums.txt", "install.sh"]) {
    assert.ok(words.includes(asset), `uploads ${asset}`);
  }
  assert.ok(words.includes("--generate-notes"));
  assert.ok(words.includes("--verify-tag"));
  // Every compiled file matches the uploaded glob.
  for (const t of targets) assert.match(`dist/${t.output}`, /^dist\/ongoingai_/);
});

Deno.test("release.yml: multi-arch image on ghcr.io with version, major.minor and latest", () => {
  const job = Object.values(release.jobs).find((j) => stepUsing(j, "docker/metadata-action"));
  assert.ok(job);
  const meta = stepUsing(job, "docker/metadata-action")!;
  assert.equal(meta.with?.images, "ghcr.io/ongoingai/gateway");
  const tags = String(meta.with?.tags).trim().split("\n");
  assert.deepEqual(tags, [
    "type=semver,pattern={{version}}",
    "type=semver,pattern={{major}}.{{minor}}",
    "type=raw,value=latest,enable=${{ !contains(github.ref_name, '-') }}",
  ]);
  const login = stepUsing(job, "docker/login-action");
  assert.equal(login?.with?.registry, "ghcr.io");
  const push = stepUsing(job, "docker/build-push-action")!;
  assert.equal(push.with?.push, true);
  const platforms = String(push.with?.platforms).split(",");
  assert.deepEqual(platforms, ["linux/amd64", "linux/arm64"]);
  // The Dockerfile compiles linux_<TARGETARCH>: each platform needs that release target.
  for (const p of platforms) {
    assert.ok(targets.some((t) => t.name === `linux_${p.split("/")[1]}`), p);
  }
  const buildArgs = String(push.with?.["build-args"]);
  for (const arg of ["VERSION=", "COMMIT=", "DATE="]) assert.ok(buildArgs.includes(arg), arg);
  assert.equal(push.with?.tags, "${{ steps.meta.outputs.tags }}");
});

Deno.test("workflows: every action is pinned to a release, none to a branch", () => {
  for (const [name, workflow] of Object.entries(workflows)) {
    for (const step of allSteps(workflow)) {
      if (step.uses === undefined) continue;
      assert.match(step.uses, /^[\w.-]+\/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/, `${name}`);
    }
  }
});

// Without `shell`, GitHub runs steps with `bash -e {0}`: no pipefail, so `curl -fsSL ... | sh`
// "succeeds" when curl gets a 404 and sh reads nothing. `shell: bash` adds `-o pipefail`.
Deno.test("workflows: every step with a pipe runs with pipefail (shell: bash)", () => {
  for (const [name, workflow] of Object.entries(workflows)) {
    for (const [id, job] of Object.entries(workflow.jobs)) {
      for (const step of job.steps) {
        if (step.run === undefined || !/[^|]\|[^|]/.test(runText([step]))) continue;
        const shell = step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell;
        assert.equal(
          shell,
          "bash",
          `${name} ${id}: "${step.name ?? step.run}" pipes without pipefail`,
        );
      }
    }
  }
});

Deno.test("example workflow: pull requests, pinned install, ongoingai check --format github", () => {
  assert.ok("pull_request" in example.on);
  assert.deepEqual(example.permissions, { contents: "read" });
  const [job] = Object.values(example.jobs);
  assert.ok(job);
  assert.match(String(job.env?.ONGOINGAI_VERSION), /^\d+\.\d+\.\d+$/, "a pinned version");
  const run = runText(job.steps);
  assert.match(run, /releases\/download\/v\$\{ONGOINGAI_VERSION\}\/install\.sh" \| sh/);
  assert.match(run, /ONGOINGAI_INSTALL_DIR=/);
  assert.match(run, /^ongoingai check .*--format github/m);
});

Deno.test("example workflow: its check command annotates a broken config", async () => {
  const [job] = Object.values(example.jobs);
  const line = /^ongoingai (check .*)$/m.exec(runText(job!.steps))?.[1];
  assert.ok(line);
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-ci-example-" });
  try {
    await Deno.writeTextFile(
      join(dir, "gateway.config.ts"),
      'import { defineConfig } from "ongoingai";\n' +
        'export default defineConfig({ server: { port: "eighty" } });\n',
    );
    const result = await runCliProcess(line.split(/\s+/), { cwd: dir });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /^::error file=gateway\.config\.ts,.*title=server\.port::/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
