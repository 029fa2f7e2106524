/**
 * Which file is read: --config, else ONGOINGAI_CONFIG, else ./gateway.config.ts, else
 * ./ongoingai.yaml (or .yml), else the built-in defaults.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/mod.ts";
import { withFiles } from "./temp_files.ts";

const ts = (port: number) => `export default { server: { port: ${port} } };\n`;
const yaml = (port: number) => `server:\n  port: ${port}\n`;

interface Row {
  name: string;
  files: Record<string, string>;
  path?: string;
  env?: Record<string, string>;
  /** File name the config came from (relative to the directory), or null for defaults. */
  source: string | null;
  port: number;
}

const rows: Row[] = [
  { name: "nothing present: built-in defaults", files: {}, source: null, port: 8080 },
  {
    name: "ongoingai.yaml",
    files: { "ongoingai.yaml": yaml(1001) },
    source: "ongoingai.yaml",
    port: 1001,
  },
  {
    name: "ongoingai.yml",
    files: { "ongoingai.yml": yaml(1002) },
    source: "ongoingai.yml",
    port: 1002,
  },
  {
    name: "gateway.config.ts before ongoingai.yaml",
    files: { "gateway.config.ts": ts(1003), "ongoingai.yaml": yaml(1004) },
    source: "gateway.config.ts",
    port: 1003,
  },
  {
    name: "ongoingai.yaml before ongoingai.yml",
    files: { "ongoingai.yaml": yaml(1005), "ongoingai.yml": yaml(1006) },
    source: "ongoingai.yaml",
    port: 1005,
  },
  {
    name: "ONGOINGAI_CONFIG before the default names",
    files: { "gateway.config.ts": ts(1007), "conf/team.yaml": yaml(1008) },
    env: { ONGOINGAI_CONFIG: "conf/team.yaml" },
    source: "conf/team.yaml",
    port: 1008,
  },
  {
    name: "--config before ONGOINGAI_CONFIG",
    files: { "a.json": '{"server":{"port":1009}}', "b.yaml": yaml(1010) },
    path: "a.json",
    env: { ONGOINGAI_CONFIG: "b.yaml" },
    source: "a.json",
    port: 1009,
  },
  {
    name: "an empty ONGOINGAI_CONFIG is ignored",
    files: { "ongoingai.yaml": yaml(1011) },
    env: { ONGOINGAI_CONFIG: "" },
    source: "ongoingai.yaml",
    port: 1011,
  },
  {
    name: "--config with a .mts file",
    files: { "cfg/gw.mts": ts(1012) },
    path: "cfg/gw.mts",
    source: "cfg/gw.mts",
    port: 1012,
  },
];

for (const row of rows) {
  Deno.test(`discovery: ${row.name}`, async () => {
    await withFiles(row.files, async (dir) => {
      const result = await loadConfig({ path: row.path, env: row.env ?? {}, cwd: dir });
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.source, row.source === null ? null : `${dir}/${row.source}`);
      assert.equal(result.config.server.port, row.port);
    });
  });
}

const failures: Array<
  { name: string; path?: string; env?: Record<string, string>; message: RegExp }
> = [
  {
    name: "--config naming a missing file",
    path: "nope.yaml",
    message: /--config names "nope.yaml", which does not exist/,
  },
  {
    name: "ONGOINGAI_CONFIG naming a missing file",
    env: { ONGOINGAI_CONFIG: "missing.ts" },
    message: /ONGOINGAI_CONFIG names "missing.ts", which does not exist/,
  },
  {
    name: "--config with an unknown extension",
    path: "config.toml",
    message: /not a config file type/,
  },
  { name: "--config naming a directory", path: "adir.yaml", message: /which is a directory/ },
];

for (const row of failures) {
  Deno.test(`discovery error: ${row.name}`, async () => {
    await withFiles({ "config.toml": "", "adir.yaml/x": "" }, async (dir) => {
      const result = await loadConfig({ path: row.path, env: row.env ?? {}, cwd: dir });
      assert.ok(!result.ok);
      assert.equal(result.errors.length, 1);
      assert.match(result.errors[0]?.message ?? "", row.message);
      assert.ok(result.source?.startsWith(dir), "the source is the absolute path that was named");
    });
  });
}

// shell-init, wrap and health (issue 16 item 6): a TypeScript config is code, read only when named.
Deno.test("discovery with typescript: explicit skips ./gateway.config.ts unless it is named", async () => {
  const { skippedTsConfig } = await import("../../src/config/mod.ts");
  const explicitRows: {
    name: string;
    files: Record<string, string>;
    path?: string;
    env?: Record<string, string>;
    source: string | null;
    port: number;
    skipped: boolean;
  }[] = [
    {
      name: "only gateway.config.ts: defaults",
      files: { "gateway.config.ts": ts(2001) },
      source: null,
      port: 8080,
      skipped: true,
    },
    {
      name: "gateway.config.ts and ongoingai.yaml: the YAML",
      files: { "gateway.config.ts": ts(2002), "ongoingai.yaml": yaml(2003) },
      source: "ongoingai.yaml",
      port: 2003,
      skipped: true,
    },
    {
      name: "named with --config: read",
      files: { "gateway.config.ts": ts(2004) },
      path: "gateway.config.ts",
      source: "gateway.config.ts",
      port: 2004,
      skipped: false,
    },
    {
      name: "named by ONGOINGAI_CONFIG: read",
      files: { "gateway.config.ts": ts(2005) },
      env: { ONGOINGAI_CONFIG: "gateway.config.ts" },
      source: "gateway.config.ts",
      port: 2005,
      skipped: false,
    },
    { name: "nothing present", files: {}, source: null, port: 8080, skipped: false },
  ];
  for (const row of explicitRows) {
    await withFiles(row.files, async (dir) => {
      const options = {
        path: row.path,
        env: row.env ?? {},
        cwd: dir,
        typescript: "explicit" as const,
      };
      const result = await loadConfig(options);
      assert.ok(result.ok, row.name);
      assert.equal(result.source === null ? null : result.source.slice(dir.length + 1), row.source);
      assert.equal(result.config.server.port, row.port, row.name);
      assert.equal(skippedTsConfig(options) !== null, row.skipped, row.name);
    });
  }
});
