/**
 * The `vertex` kind beyond its adapter's readers: which routes a Vertex request can match (its
 * own wire format, so never a Gemini API target, whose paths differ), and the PII stance (no
 * stream text locator: Vertex streams fail closed under stream redaction, see vertex.ts).
 */
import { strictEqual } from "node:assert/strict";
import { validateConfig } from "../../src/config/mod.ts";
import { compileRoutes, resolveRoute } from "../../src/routing/mod.ts";

const claudeModel = "claude-sonnet-4-5@20250929";

Deno.test("vertex routing: a Vertex request matches only routes of Vertex targets", () => {
  const valid = validateConfig({
    providers: { google: { kind: "gemini" }, vertex: { kind: "vertex" } },
    routes: {
      "gemini-api": { targets: [{ provider: "google", model: "gemini-2.5-flash" }] },
      "claude-vertex": { targets: [{ provider: "vertex", model: claudeModel }] },
    },
  }, { env: {} });
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  const table = compileRoutes(valid.config);
  const ask = (kind: "gemini" | "vertex", model: string) =>
    resolveRoute(table, {
      entry: { id: kind === "gemini" ? "google" : "vertex", kind },
      model,
      path: "/v1/x",
      tenant: { org_id: "default", workspace_id: "default", gateway_key_id: null },
      headers: new Headers(),
      bodyBytes: 2,
    })?.name ?? null;
  // A Vertex path (Claude's or Gemini's) is never sent to the Gemini API, whose paths differ.
  strictEqual(ask("vertex", "gemini-api"), null);
  strictEqual(ask("vertex", "claude-vertex"), "claude-vertex");
  strictEqual(ask("gemini", "gemini-api"), "gemini-api");
  strictEqual(ask("gemini", "claude-vertex"), null);
});
