/**
 * `check` refuses a route target whose kind names the model in the request path when its
 * adapter cannot aim a request at another model (no `withModel`): what, and what to do. The
 * kinds of today name the model in the body and are never refused for it.
 */
import assert from "node:assert/strict";
import { pathModelRefusal } from "../../src/config/semantic_routes.ts";
import { modelLocationOf, providerAdapters, providerKinds } from "../../src/providers/mod.ts";

const at = ["routes", "main", "targets", 0, "provider"];

Deno.test("pathModelRefusal: a path-model kind without withModel is refused with a hint", () => {
  const issue = pathModelRefusal({ id: "aws", kind: "openai" }, "path", {}, at);
  assert.ok(issue !== null);
  assert.deepEqual(issue.at, at);
  assert.match(issue.message, /providers\.aws .* names the model in the request path/);
  assert.match(issue.hint!, /providers\.aws through its own prefix without a route/);
});

Deno.test("pathModelRefusal: withModel, or a body-model kind, passes", () => {
  const withModel = { withModel: (r: { path: string; body: null }) => r };
  assert.equal(pathModelRefusal({ id: "aws", kind: "openai" }, "path", withModel, at), null);
  assert.equal(pathModelRefusal({ id: "o", kind: "openai" }, "body", {}, at), null);
});

Deno.test("pathModelRefusal: no kind this build serves is refused", () => {
  for (const kind of providerKinds) {
    const issue = pathModelRefusal(
      { id: kind, kind },
      modelLocationOf[kind],
      providerAdapters[kind],
      at,
    );
    assert.equal(issue, null, kind);
  }
});

Deno.test("pathModelRefusal: a path-model kind without withModel is", () => {
  const issue = pathModelRefusal({ id: "g", kind: "gemini" }, "path", {}, at);
  assert.ok(issue !== null);
});
