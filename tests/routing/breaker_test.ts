import assert from "node:assert/strict";
import {
  admission,
  breakerPhase,
  type BreakerRecord,
  breakerStep,
  FailureCounts,
} from "../../src/routing/mod.ts";
import { T0 } from "./fixtures.ts";

const policy = { failures: 3, openMs: 10_000 };
const rec = (over: Partial<BreakerRecord> = {}): BreakerRecord => ({
  target: "p/m",
  openedAt: T0,
  openUntil: T0 + 10_000,
  probeUntil: null,
  ...over,
});

Deno.test("breaker admission: closed goes, open skips, half-open lets one probe", () => {
  const cases: [string, BreakerRecord | null, number, string, string][] = [
    ["closed", null, T0, "go", "closed"],
    ["open", rec(), T0 + 9_999, "skip", "open"],
    ["half-open, probe free", rec(), T0 + 10_000, "probe", "half_open"],
    ["half-open, probe taken", rec({ probeUntil: T0 + 20_000 }), T0 + 15_000, "skip", "half_open"],
    [
      "half-open, probe lease over",
      rec({ probeUntil: T0 + 20_000 }),
      T0 + 20_000,
      "probe",
      "half_open",
    ],
  ];
  for (const [name, r, now, want, phase] of cases) {
    assert.equal(admission(r, now), want, name);
    assert.equal(breakerPhase(r, now), phase, name);
  }
});

Deno.test("breaker steps: N consecutive failures open; a success resets; the probe decides", () => {
  const cases: [
    string,
    "success" | "failure" | "neutral",
    number,
    boolean,
    boolean,
    number,
    string | null,
  ][] = [
    // name, effect, failures before, probe, recorded, failures after, transition
    ["1st failure", "failure", 0, false, false, 1, null],
    ["2nd failure", "failure", 1, false, false, 2, null],
    ["3rd failure opens", "failure", 2, false, false, 3, "open"],
    ["success resets", "success", 2, false, false, 0, null],
    ["neutral (a 429, a 401) changes nothing", "neutral", 2, false, false, 2, null],
    ["probe success closes", "success", 0, true, true, 0, "close"],
    ["probe failure re-opens at once", "failure", 0, true, true, 1, "open"],
    ["probe without a verdict releases the probe", "neutral", 0, true, true, 0, "release_probe"],
    ["success while another instance opened it closes it", "success", 0, false, true, 0, "close"],
  ];
  for (const [name, effect, before, probe, recorded, after, transition] of cases) {
    assert.deepEqual(
      breakerStep(effect, before, policy, probe, recorded),
      { failures: after, transition },
      name,
    );
  }
});

Deno.test("failure counts are bounded, oldest forgotten first", () => {
  const f = new FailureCounts(2);
  f.set("a", 1);
  f.set("b", 2);
  f.set("c", 3);
  assert.deepEqual([f.get("a"), f.get("b"), f.get("c")], [0, 2, 3]);
  f.set("b", 0);
  assert.equal(f.get("b"), 0);
});
