/**
 * `%2F` in a path: refused everywhere, unless the kind of the provider the path reaches allows it
 * in its one segment (a stub kind shaped like Bedrock's `/model/{modelId}/...`, where the AWS SDK
 * encodes an ARN's `/`); even then never a dot or empty segment once `%2F` is read as `/`.
 */
import assert from "node:assert/strict";
import type { ResolvedProvider } from "../../src/config/mod.ts";
import { GatewayError } from "../../src/errors/mod.ts";
import { encodedSlashOnlyIn, providerAdapters, providerKinds } from "../../src/providers/mod.ts";
import type { ProviderAdapter } from "../../src/providers/mod.ts";
import { encodedSlashRule, parseTarget } from "../../src/proxy/mod.ts";

const provider = (id: string, prefix: string): ResolvedProvider => ({
  id,
  kind: "anthropic",
  prefix,
  upstream: "https://upstream.test",
  prices: {},
  stream_usage: false,
});

/** The stub kind: `%2F` only in the model id of `/model/{modelId}/...`. */
const stub: Pick<ProviderAdapter, "allowsEncodedSlash"> = {
  allowsEncodedSlash: (path) => path.startsWith("/model/") && encodedSlashOnlyIn(path, 1),
};
const bedrockish = provider("bedrock", "/bedrock");
const plain = provider("anthropic", "/anthropic");
const providers = [bedrockish, plain];
const rule = encodedSlashRule(
  providers,
  (p) => p === bedrockish ? stub : providerAdapters[p.kind],
);

const arn = "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc";

const accepted: [string, string][] = [
  ["an ARN model id", `/bedrock/model/${arn}/converse`],
  ["lower-case %2f", "/bedrock/model/arn%3Aaws%3Abedrock%3Ax%2fy/invoke"],
  ["two %2F in the one segment", "/bedrock/model/a%2Fb%2Fc/converse-stream"],
];
for (const [name, path] of accepted) {
  Deno.test(`encoded slash: accepted for the allowing kind: ${name}`, () => {
    assert.deepEqual(parseTarget(`http://gw${path}?x=1`, "gw", rule), { path, search: "?x=1" });
  });
}

const refused: [string, string][] = [
  ["another segment of the allowing kind", "/bedrock/model/m/con%2Fverse"],
  ["the allowing kind's other paths", "/bedrock/foo%2Fbar/converse"],
  ["a kind that allows none", "/anthropic/v1/messages%2Fx"],
  ["no provider (the API)", "/api/traces%2Fx"],
  ["a dot segment once decoded", "/bedrock/model/..%2F..%2Fx/converse"],
  ["a single dot once decoded", "/bedrock/model/.%2Fx/converse"],
  ["an empty segment once decoded", "/bedrock/model/a%2F%2Fb/converse"],
  ["a trailing encoded slash", "/bedrock/model/a%2F/converse"],
  ["dot segments stay refused", "/bedrock/model/../converse"],
  ["encoded backslash stays refused", "/bedrock/model/a%5Cb/converse"],
];
for (const [name, path] of refused) {
  Deno.test(`encoded slash: refused: ${name}`, () => {
    assert.throws(
      () => parseTarget(`http://gw${path}`, "gw", rule),
      (e) => e instanceof GatewayError && e.code === "invalid_path",
    );
  });
}

Deno.test("encoded slash: without a rule (the API's parse), none is accepted", () => {
  assert.throws(() => parseTarget(`http://gw/bedrock/model/${arn}/converse`, "gw"));
});

Deno.test("encoded slash: no kind allows one outside an ARN model id (Bedrock's own hook)", () => {
  const everyKind = encodedSlashRule(
    providerKinds.map((k) => ({ ...provider(k, `/${k}`), kind: k })),
    (p) => providerAdapters[p.kind],
  );
  for (const kind of providerKinds) {
    if (kind !== "bedrock") {
      assert.equal(providerAdapters[kind].allowsEncodedSlash, undefined, kind);
    }
    assert.equal(everyKind(`/${kind}/model/a%2Fb/converse`), false, kind);
  }
});

Deno.test("encodedSlashOnlyIn: %2F only inside the named segment", () => {
  const rows: [string, number, boolean][] = [
    ["/model/a%2Fb/converse", 1, true],
    ["/model/a%2Fb/converse", 0, false],
    ["/model/a/converse", 1, true],
    ["/model%2Fx/a/converse", 1, false],
    ["/model/a/b%2f", 1, false],
    ["/model/a%2Fb/converse?x=%2F", 1, true],
  ];
  for (const [path, index, want] of rows) {
    assert.equal(encodedSlashOnlyIn(path, index), want, `${path} @${index}`);
  }
});
