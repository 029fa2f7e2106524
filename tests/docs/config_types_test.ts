/**
 * The declaration file `ongoingai init` hands out (src/cli/init/ongoingai.d.ts) is current, and
 * says what the source says: each public type of src/mod.ts and its counterpart in the file are
 * assignable both ways. `deno test` type-checks this file, so a disagreement fails before any
 * test runs.
 */
import assert from "node:assert/strict";
import { main } from "../../scripts/config_types.ts";
import { npmPaths, standaloneProblems } from "../../scripts/config_types/mod.ts";
import type * as Dts from "../../src/cli/init/ongoingai.d.ts";
import type * as Source from "../../src/mod.ts";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Each public name: its type in the source, and in the generated file. */
interface Pairs {
  defineConfig: [typeof Source.defineConfig, typeof Dts.defineConfig];
  env: [typeof Source.env, typeof Dts.env];
  GatewayConfigInput: [Source.GatewayConfigInput, Dts.GatewayConfigInput];
  GatewayConfig: [Source.GatewayConfig, Dts.GatewayConfig];
  EnvRef: [Source.EnvRef, Dts.EnvRef];
  PiiPolicy: [Source.PiiPolicy, Dts.PiiPolicy];
  PiiConfig: [Source.PiiConfig, Dts.PiiConfig];
  PiiCustomDetector: [Source.PiiCustomDetector, Dts.PiiCustomDetector];
  PiiScope: [Source.PiiScope, Dts.PiiScope];
  ProviderConfig: [Source.ProviderConfig, Dts.ProviderConfig];
  AuthKeyConfig: [Source.AuthKeyConfig, Dts.AuthKeyConfig];
  ModelPriceInput: [Source.ModelPriceInput, Dts.ModelPriceInput];
  Permission: [Source.Permission, Dts.Permission];
  PiiMode: [Source.PiiMode, Dts.PiiMode];
  ProviderKind: [Source.ProviderKind, Dts.ProviderKind];
  Role: [Source.Role, Dts.Role];
}

/** The names whose two types differ: if any, `agree` below fails to compile (hover to see). */
type Disagreeing = {
  [K in keyof Pairs]: Same<Pairs[K][0], Pairs[K][1]> extends true ? never : K;
}[keyof Pairs];

const agree: [Disagreeing] extends [never] ? true : Disagreeing = true;

Deno.test("config types: every public type agrees with src/mod.ts (checked at compile time)", () => {
  assert.equal(agree, true);
});

Deno.test("config types: the committed ongoingai.d.ts is what deno task config-types writes", async () => {
  assert.equal(await main(["--check"]), 0, "stale: run deno task config-types");
});

Deno.test("config types: the committed file type-checks alone; a missing name is reported", async () => {
  const committed = await Deno.readTextFile(
    new URL("../../src/cli/init/ongoingai.d.ts", import.meta.url),
  );
  assert.deepEqual(standaloneProblems(committed), []);
  const broken = standaloneProblems("export type A = { b: Missing };\n");
  assert.equal(broken.length, 1);
  assert.match(broken[0]!, /:1: Cannot find name 'Missing'/);
});

Deno.test("config types: deno.json npm imports map to Deno's npm cache", () => {
  assert.deepEqual(
    npmPaths({
      zod: "npm:zod@4.6.7",
      "hono/": "npm:/hono@4.13.19/",
      "@scope/pkg": "npm:@scope/pkg@1.2.3",
      local: "./src/mod.ts",
    }, "/cache"),
    {
      zod: ["/cache/registry.npmjs.org/zod/4.6.7"],
      "hono/*": ["/cache/registry.npmjs.org/hono/4.13.19/*"],
      "@scope/pkg": ["/cache/registry.npmjs.org/@scope/pkg/1.2.3"],
    },
  );
});
