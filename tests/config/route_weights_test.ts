/**
 * Weight 0, in config and in the policy: a route target or a pool key of weight 0 is a last
 * resort (used only when every one with a weight is unavailable), accepted by `check`; a negative
 * weight is refused with what to write instead; a list where every weight is 0 warns. And the
 * policy does what the config promises (the weighted order, the key pick).
 */
import assert from "node:assert/strict";
import { assertIssueAt, configOf, errorsOf, type IssueRow, loadFrom } from "./temp_files.ts";
import { KeyPool, type KeyScope, orderTargets, targetId } from "../../src/routing/mod.ts";
import { compileRoutes, LatencyTracker } from "../../src/routing/mod.ts";

const pool = (keys: string) =>
  `server: { host: 127.0.0.1 }\nproviders:\n  openai:\n    keys:\n${keys}`;
const weighted = (targets: string) =>
  `routes:\n  x:\n    strategy: weighted\n    targets:\n${targets}`;

type Issue = Pick<IssueRow, "path" | "message">;

interface Row {
  name: string;
  yaml: string;
  /** null: valid without a warning of its own. */
  error: Issue | null;
  warning: Issue | null;
}

const rows: Row[] = [
  {
    name: "a target of weight 0 is a valid last resort",
    yaml: weighted(
      "      - { provider: openai, model: a, weight: 3 }\n" +
        "      - { provider: openai, model: b, weight: 0 }\n",
    ),
    error: null,
    warning: null,
  },
  {
    name: "a negative target weight is refused, saying what 0 means",
    yaml: weighted("      - { provider: openai, model: a, weight: -2 }\n"),
    error: {
      path: "routes.x.targets[0].weight",
      message: /must be 0 or more: 0 makes the target a last resort \(used only when every/,
    },
    warning: null,
  },
  {
    name: "every target of weight 0 warns: nothing to weigh",
    yaml: weighted(
      "      - { provider: openai, model: a, weight: 0 }\n" +
        "      - { provider: openai, model: b, weight: 0 }\n",
    ),
    error: null,
    warning: {
      path: "routes.x.targets",
      message: /every target has weight 0 .* tried in the listed order/,
    },
  },
  {
    name: "a pool key of weight 0 is a valid last resort",
    yaml: pool(
      "      - { id: a, key: sk-a-1234567 }\n      - { id: b, key: sk-b-1234567, weight: 0 }\n",
    ),
    error: null,
    warning: null,
  },
  {
    name: "a negative key weight is refused, saying what 0 means",
    yaml: pool("      - { id: a, key: sk-a-1234567, weight: -1 }\n"),
    error: {
      path: "providers.openai.keys[0].weight",
      message: /must be 0 or more: 0 makes the key a last resort/,
    },
    warning: null,
  },
  {
    name: "every key of weight 0 warns: the first usable one takes every request",
    yaml: pool(
      "      - { id: a, key: sk-a-1234567, weight: 0 }\n" +
        "      - { id: b, key: sk-b-1234567, weight: 0 }\n",
    ),
    error: null,
    warning: {
      path: "providers.openai.keys",
      message: /every key has weight 0 .* first usable key/,
    },
  },
];

for (const row of rows) {
  Deno.test(`weights: ${row.name}`, async () => {
    const result = await loadFrom({ "ongoingai.yaml": row.yaml });
    if (row.error !== null) {
      assertIssueAt(errorsOf(result), { name: row.name, yaml: row.yaml, ...row.error });
      return;
    }
    assert.ok(result.ok, JSON.stringify(result));
    const weightWarnings = result.warnings.filter((w) => /weight/.test(w.message));
    if (row.warning === null) assert.deepEqual(weightWarnings, []);
    else assertIssueAt(result.warnings, { name: row.name, yaml: row.yaml, ...row.warning });
  });
}

Deno.test("weights: the weighted order puts weight 0 after every weighted target, for any draw", async () => {
  const config = configOf(
    await loadFrom({
      "ongoingai.yaml": weighted(
        "      - { provider: openai, model: last, weight: 0 }\n" +
          "      - { provider: openai, model: a, weight: 1 }\n" +
          "      - { provider: openai, model: b, weight: 3 }\n",
      ),
    }),
  );
  const compiled = compileRoutes(config).routes.get("x");
  assert.ok(compiled?.kind === "static");
  const route = compiled.route;
  assert.deepEqual(route.targets.map((t) => t.weight), [0, 1, 3]);
  for (const r of [0, 0.1, 0.3, 0.6, 0.99]) {
    const order = orderTargets(route, {
      now: 0,
      random: () => r,
      latency: new LatencyTracker(),
      sticky: null,
    });
    assert.equal(targetId(route.targets[order.at(-1)!]!), "openai/last", `random ${r}`);
  }
});

Deno.test("weights: a pool key of weight 0 only when every weighted key is unavailable", () => {
  const keys = new KeyPool("openai", [
    { id: "spare", weight: 0 },
    { id: "a", weight: 1, rpm: 1 },
    { id: "b", weight: 2, rpm: 1 },
  ]);
  const none = (_: KeyScope) => null;
  const picks = [0, 0.99, 0, 0.5].map((r) => keys.pick(0, () => r, none)?.id ?? null);
  assert.deepEqual(picks, ["a", "b", "spare", "spare"], "a and b at their rpm: the spare");
  const disabled = (s: KeyScope) => s.id === "spare" ? "disabled" as const : null;
  assert.equal(keys.pick(0, () => 0, disabled), null, "no key left");
});
