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

const agree: [
  Same<typeof Source.defineConfig, typeof Dts.defineConfig>,
  Same<typeof Source.env, typeof Dts.env>,
  Same<Source.GatewayConfigInput, Dts.GatewayConfigInput>,
  Same<Source.GatewayConfig, Dts.GatewayConfig>,
  Same<Source.EnvRef, Dts.EnvRef>,
  Same<Source.PiiPolicy, Dts.PiiPolicy>,
  Same<Source.PiiConfig, Dts.PiiConfig>,
  Same<Source.PiiCustomDetector, Dts.PiiCustomDetector>,
  Same<Source.PiiScope, Dts.PiiScope>,
  Same<Source.ProviderConfig, Dts.ProviderConfig>,
  Same<Source.AuthKeyConfig, Dts.AuthKeyConfig>,
  Same<Source.ModelPriceInput, Dts.ModelPriceInput>,
  Same<Source.Permission, Dts.Permission>,
  Same<Source.PiiMode, Dts.PiiMode>,
  Same<Source.ProviderKind, Dts.ProviderKind>,
  Same<Source.Role, Dts.Role>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];

Deno.test("config types: every public type agrees with src/mod.ts (checked at compile time)", () => {
  assert.ok(agree.every((v) => v === true));
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
