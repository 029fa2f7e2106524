import assert from "node:assert/strict";
import { parse } from "yaml";
import { main, openApiPath, renderOpenApi } from "../../scripts/openapi.ts";
import {
  allowedMethods,
  type Endpoint,
  endpoints,
  openApiDocument,
} from "../../src/api/contract/mod.ts";
import { VERSION } from "../../src/version.ts";
import { apiFixture } from "./api_fixture.ts";
import { z } from "zod";

Deno.test("openapi/openapi.yaml is the generated document (else run: deno task openapi)", async () => {
  const committed = await Deno.readTextFile(openApiPath).catch(() => "");
  assert.ok(
    committed === renderOpenApi(),
    "openapi/openapi.yaml is stale or missing: regenerate it with `deno task openapi` and commit it",
  );
  assert.deepEqual(parse(committed), openApiDocument(endpoints, { version: VERSION }));
});

Deno.test("deno task openapi --check agrees, and refuses unknown arguments", async () => {
  assert.equal(await main(["--check"]), 0);
  assert.equal(await main(["--bogus"]), 2);
});

Deno.test("GET /api/openapi.json serves the document with the running version, uncached", async () => {
  const fx = await apiFixture([]);
  try {
    const res = await fx.get("/api/openapi.json");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.deepEqual(await res.json(), openApiDocument(endpoints, { version: "1.2.3" }));
  } finally {
    await fx.close();
  }
});

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

Deno.test("the document is self-consistent", async (t) => {
  const doc = openApiDocument(endpoints, { version: VERSION });
  await t.step("OpenAPI 3.1 with the gateway key scheme and no operation requiring it", () => {
    assert.equal(doc.openapi, "3.1.0");
    assert.deepEqual(doc.components.securitySchemes, {
      GatewayKeyAuth: { type: "apiKey", in: "header", name: "X-OngoingAI-Gateway-Key" },
    });
    assert.ok(!("security" in doc));
  });
  await t.step("every $ref names a component", () => {
    for (const ref of refs(doc)) {
      const name = ref.replace("#/components/schemas/", "");
      assert.ok(ref.startsWith("#/components/schemas/") && name in doc.components.schemas, ref);
    }
  });
  await t.step("every component is used", () => {
    const used = new Set(refs(doc).map((r) => r.replace("#/components/schemas/", "")));
    for (const name of Object.keys(doc.components.schemas)) assert.ok(used.has(name), name);
  });
  await t.step("path parameters match the path templates", () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const op of Object.values(item)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
        assert.deepEqual(declared.sort(), inPath, path);
      }
    }
  });
  await t.step("query parameters are the ones the handlers parse", () => {
    for (const e of endpoints) {
      const op = doc.paths[e.path]![e.method]!;
      const query = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
      assert.deepEqual(query, Object.keys(e.query?.shape ?? {}), e.path);
    }
  });
  await t.step("integers are documented as integers with their bounds", () => {
    const limit = doc.paths["/api/traces"]!.get!.parameters!.find((p) => p.name === "limit");
    assert.deepEqual(limit?.schema, { default: 50, type: "integer", minimum: 1, maximum: 200 });
  });
});

Deno.test("generator: one name for two schemas, or one operation twice, is an error", () => {
  const a = z.object({ a: z.string() }).meta({ id: "OpenApiTestClash" });
  const b = z.object({ b: z.string() }).meta({ id: "OpenApiTestClash" });
  const base = endpoints[0]!;
  const ok = (schema: z.ZodType): Endpoint => ({
    ...base,
    responses: { 200: { description: "x", schema } },
  });
  const other = (e: Endpoint): Endpoint => ({ ...e, path: "/other", operationId: "other" });
  assert.doesNotThrow(() => openApiDocument([ok(a), other(ok(a))], { version: "x" }));
  assert.throws(
    () => openApiDocument([ok(a), other(ok(b))], { version: "x" }),
    /two different schemas are named OpenApiTestClash/,
  );
  assert.throws(() => openApiDocument([ok(a), ok(a)], { version: "x" }), /declared twice/);
});

Deno.test("405 table: every registry path, HEAD wherever GET", () => {
  const allow = allowedMethods(endpoints);
  assert.equal(allow.get("/api/traces/:id"), "GET, HEAD");
  assert.equal(allow.get("/api/openapi.json"), "GET, HEAD");
  assert.equal(allow.size, new Set(endpoints.map((e) => e.path)).size);
});
