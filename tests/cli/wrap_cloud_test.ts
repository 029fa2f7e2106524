/**
 * `wrap --via bedrock|vertex -- claude`: the variables Claude Code 2.1.332 reads for Bedrock and
 * Vertex (names checked in its binary), where the region and project come from, and what is
 * refused. The process tests run the real CLI with a stand-in `claude` that prints its
 * environment.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  bedrockRegionOf,
  claudeCloud,
  claudeCloudNote,
  vertexLocationOf,
  viaEnv,
  type ViaProvider,
  type ViaRequest,
} from "../../src/cli/wrap_cloud.ts";
import { runCliProcess } from "../support/process.ts";
import { withFiles } from "../config/temp_files.ts";

const origin = "http://127.0.0.1:8080";
const bedrock: ViaProvider = {
  id: "bedrock",
  kind: "bedrock",
  prefix: "/bedrock",
  upstream: "https://bedrock-runtime.eu-west-1.amazonaws.com",
};
const vertex: ViaProvider = {
  id: "vertex",
  kind: "vertex",
  prefix: "/vertex",
  upstream: "https://us-east5-aiplatform.googleapis.com",
};
const openai: ViaProvider = {
  id: "openai",
  kind: "openai",
  prefix: "/openai",
  upstream: "https://api.openai.com",
};

Deno.test("wrap --via: the variables for Claude Code on Bedrock and Vertex", () => {
  const cases: {
    name: string;
    providers: ViaProvider[];
    request: ViaRequest;
    env?: Record<string, string>;
    want: Record<string, string> | RegExp;
    unset?: string[];
  }[] = [
    {
      name: "bedrock: region from the provider's upstream",
      providers: [openai, bedrock],
      request: { kind: "bedrock" },
      env: { AWS_REGION: "us-west-2" },
      want: {
        CLAUDE_CODE_USE_BEDROCK: "1",
        ANTHROPIC_BEDROCK_BASE_URL: `${origin}/bedrock`,
        CLAUDE_CODE_SKIP_BEDROCK_AUTH: "1",
        AWS_REGION: "eu-west-1",
      },
      unset: ["CLAUDE_CODE_USE_VERTEX"],
    },
    {
      name: "bedrock: --region wins",
      providers: [bedrock],
      request: { kind: "bedrock", region: "us-east-1" },
      want: {
        CLAUDE_CODE_USE_BEDROCK: "1",
        ANTHROPIC_BEDROCK_BASE_URL: `${origin}/bedrock`,
        CLAUDE_CODE_SKIP_BEDROCK_AUTH: "1",
        AWS_REGION: "us-east-1",
      },
    },
    {
      name: "bedrock: an upstream without a region falls back to AWS_REGION",
      providers: [{ ...bedrock, id: "aws", prefix: "/aws", upstream: "http://127.0.0.1:9000" }],
      request: { kind: "bedrock" },
      env: { AWS_REGION: "ap-northeast-1" },
      want: {
        CLAUDE_CODE_USE_BEDROCK: "1",
        ANTHROPIC_BEDROCK_BASE_URL: `${origin}/aws`,
        CLAUDE_CODE_SKIP_BEDROCK_AUTH: "1",
        AWS_REGION: "ap-northeast-1",
      },
    },
    {
      name: "bedrock: the provider named bedrock before another of the kind",
      providers: [{ ...bedrock, id: "other", prefix: "/other" }, bedrock],
      request: { kind: "bedrock" },
      want: {
        CLAUDE_CODE_USE_BEDROCK: "1",
        ANTHROPIC_BEDROCK_BASE_URL: `${origin}/bedrock`,
        CLAUDE_CODE_SKIP_BEDROCK_AUTH: "1",
        AWS_REGION: "eu-west-1",
      },
    },
    {
      name: "bedrock: no region anywhere",
      providers: [{ ...bedrock, upstream: "http://127.0.0.1:9000" }],
      request: { kind: "bedrock" },
      want: /no AWS region.*pass --region/,
    },
    {
      name: "bedrock: a region that is not one",
      providers: [bedrock],
      request: { kind: "bedrock", region: "eu west" },
      want: /--region "eu west" is not an AWS region/,
    },
    {
      name: "no provider of the kind",
      providers: [openai, vertex],
      request: { kind: "bedrock" },
      want: /config has no provider of kind bedrock/,
    },
    {
      name: "vertex: location from the upstream, project from --project",
      providers: [vertex],
      request: { kind: "vertex", project: "my-project-1" },
      env: { CLAUDE_CODE_USE_BEDROCK: "1" },
      want: {
        CLAUDE_CODE_USE_VERTEX: "1",
        ANTHROPIC_VERTEX_BASE_URL: `${origin}/vertex/v1`,
        ANTHROPIC_VERTEX_PROJECT_ID: "my-project-1",
        CLOUD_ML_REGION: "us-east5",
        CLAUDE_CODE_SKIP_VERTEX_AUTH: "1",
      },
      unset: ["CLAUDE_CODE_USE_BEDROCK"],
    },
    {
      name: "vertex: the global endpoint, project from the environment",
      providers: [{ ...vertex, upstream: "https://aiplatform.googleapis.com" }],
      request: { kind: "vertex" },
      env: { ANTHROPIC_VERTEX_PROJECT_ID: "env-project" },
      want: {
        CLAUDE_CODE_USE_VERTEX: "1",
        ANTHROPIC_VERTEX_BASE_URL: `${origin}/vertex/v1`,
        ANTHROPIC_VERTEX_PROJECT_ID: "env-project",
        CLOUD_ML_REGION: "global",
        CLAUDE_CODE_SKIP_VERTEX_AUTH: "1",
      },
    },
    {
      name: "vertex: --region wins over the upstream",
      providers: [vertex],
      request: { kind: "vertex", region: "europe-west1" },
      env: { GOOGLE_CLOUD_PROJECT: "gcp-project" },
      want: {
        CLAUDE_CODE_USE_VERTEX: "1",
        ANTHROPIC_VERTEX_BASE_URL: `${origin}/vertex/v1`,
        ANTHROPIC_VERTEX_PROJECT_ID: "gcp-project",
        CLOUD_ML_REGION: "europe-west1",
        CLAUDE_CODE_SKIP_VERTEX_AUTH: "1",
      },
    },
    {
      name: "vertex: no project",
      providers: [vertex],
      request: { kind: "vertex" },
      want: /no Google Cloud project: pass --project/,
    },
    {
      name: "vertex: a project id that is not one",
      providers: [vertex],
      request: { kind: "vertex", project: "My Project" },
      want: /--project "My Project" is not a Google Cloud project id/,
    },
    {
      name: "vertex: no location",
      providers: [{ ...vertex, upstream: "http://127.0.0.1:9000" }],
      request: { kind: "vertex", project: "my-project-1" },
      want: /no Vertex location.*pass --region/,
    },
  ];
  for (const c of cases) {
    const got = viaEnv(c.providers, origin, c.request, c.env ?? {});
    if (c.want instanceof RegExp) {
      assert.ok(!got.ok, c.name);
      assert.match(got.message, c.want, c.name);
      continue;
    }
    assert.ok(got.ok, `${c.name}: ${got.ok ? "" : got.message}`);
    assert.deepEqual(got.set, c.want, c.name);
    if (c.unset) assert.deepEqual(got.unset, c.unset, c.name);
  }
});

Deno.test("wrap --via: regions read from upstream hosts", () => {
  const cases: [string, string | null, string | null][] = [
    ["https://bedrock-runtime.us-east-1.amazonaws.com", "us-east-1", null],
    ["https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com/", "us-gov-west-1", null],
    ["https://bedrock.us-east-1.amazonaws.com", null, null],
    ["https://us-central1-aiplatform.googleapis.com", null, "us-central1"],
    ["https://aiplatform.googleapis.com/", null, "global"],
    ["https://evil.example/bedrock-runtime.us-east-1.amazonaws.com", null, null],
    ["not a url", null, null],
  ];
  for (const [url, aws, gcp] of cases) {
    assert.equal(bedrockRegionOf(url), aws, url);
    assert.equal(vertexLocationOf(url), gcp, url);
  }
});

Deno.test("wrap: Claude Code already sent to a cloud directly is named", () => {
  assert.match(claudeCloudNote({ CLAUDE_CODE_USE_BEDROCK: "1" })!, /wrap --via bedrock/);
  assert.match(claudeCloudNote({ CLAUDE_CODE_USE_VERTEX: "true" })!, /wrap --via vertex/);
  assert.equal(claudeCloudNote({ CLAUDE_CODE_USE_BEDROCK: "0" }), null);
  assert.equal(claudeCloudNote({}), null);
});

const yaml = "server: { host: 127.0.0.1, port: 8089 }\n";

Deno.test("wrap --via: refused for other agents, unknown kinds and stray flags", async () => {
  await withFiles({ "ongoingai.yaml": yaml }, async (dir) => {
    const cases: [string[], RegExp][] = [
      [["--via", "bedrock", "--", "codex"], /--via bedrock is for Claude Code.*not codex/],
      [["--via", "azure", "--", "claude"], /invalid --via "azure": bedrock or vertex/],
      [["--region", "us-east-1", "--", "claude"], /--region and --project go with --via/],
      [
        ["--via", "bedrock", "--project", "p-123456", "--", "claude"],
        /--project goes with --via vertex/,
      ],
    ];
    for (const [args, want] of cases) {
      const r = await runCliProcess(["wrap", ...args], { cwd: dir, env: { ONGOINGAI_USER: "" } });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, want, args.join(" "));
    }
    const r = await runCliProcess(["wrap", "--via", "vertex", "--", "claude"], {
      cwd: dir,
      env: { ONGOINGAI_USER: "" },
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /config has no provider of kind vertex/);
  });
});

Deno.test("wrap --via: --print shows the cloud variables, unsets the other cloud's switch", async () => {
  const config = yaml + "providers:\n" +
    '  bedrock: { kind: bedrock, upstream: "https://bedrock-runtime.eu-west-1.amazonaws.com" }\n';
  await withFiles({ "ongoingai.yaml": config }, async (dir) => {
    const marker = join(dir, "ran");
    const claude = join(dir, "claude");
    await Deno.writeTextFile(claude, `#!/bin/sh\ntouch '${marker}'\n`);
    await Deno.chmod(claude, 0o755);
    const r = await runCliProcess(
      ["wrap", "--print", "--via", "bedrock", "--", claude, "-p", "hi"],
      {
        cwd: dir,
        env: { ONGOINGAI_USER: "", CLAUDE_CODE_USE_VERTEX: "1", AWS_REGION: "us-west-2" },
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const url = "http://127.0.0.1:8089";
    assert.equal(
      r.stdout,
      "unset CLAUDE_CODE_USE_VERTEX\n" +
        `export OPENAI_BASE_URL='${url}/openai/v1'\n` +
        `export OPENAI_API_BASE='${url}/openai/v1'\n` +
        `export ANTHROPIC_BASE_URL='${url}/anthropic'\n` +
        "export CLAUDE_CODE_USE_BEDROCK='1'\n" +
        `export ANTHROPIC_BEDROCK_BASE_URL='${url}/bedrock'\n` +
        "export CLAUDE_CODE_SKIP_BEDROCK_AUTH='1'\n" +
        "export AWS_REGION='eu-west-1'\n" +
        `'${claude}' '-p' 'hi'\n`,
    );
    await assert.rejects(Deno.stat(marker), Deno.errors.NotFound);
  });
});

Deno.test("wrap --via: the cloud step unsets only what the environment has", () => {
  const via = claudeCloud("vertex", [vertex], origin, { project: "my-project-1" }, {
    CLAUDE_CODE_USE_BEDROCK: "1",
  }, "claude");
  assert.ok(!("message" in via));
  assert.deepEqual(via.unset, ["CLAUDE_CODE_USE_BEDROCK"]);
  const clean = claudeCloud("vertex", [vertex], origin, { project: "my-project-1" }, {}, "claude");
  assert.ok(!("message" in clean));
  assert.deepEqual(clean.unset, []);
  const none = claudeCloud(null, [], origin, {}, { CLAUDE_CODE_USE_VERTEX: "1" }, "/bin/claude");
  assert.ok(!("message" in none));
  assert.deepEqual(none.set, {});
  assert.match(none.notes[0]!, /CLAUDE_CODE_USE_VERTEX is set/);
  const other = claudeCloud(null, [], origin, {}, { CLAUDE_CODE_USE_VERTEX: "1" }, "aider");
  assert.deepEqual(other, { set: {}, unset: [], notes: [] });
  const missing = claudeCloud("bedrock", [vertex], origin, {}, {}, "claude");
  assert.ok("message" in missing && /no provider of kind bedrock/.test(missing.message));
});
