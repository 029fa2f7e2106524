/** `regressions`: which goal figures got worse than the previous run by more than 10%. */
import assert from "node:assert/strict";
import type { Goal } from "../../bench/goals.ts";
import {
  pickPrevious,
  regressionLines,
  regressions,
  sameMachine,
} from "../../bench/regressions.ts";
import type { MachineInfo } from "../../bench/machine.ts";

const goal = (
  where: string,
  better: "higher" | "lower",
  value: number | boolean | null,
): Goal => ({ goal: where, target: "", where, better, value, met: null });

Deno.test("regressions: direction, threshold, zero and booleans", () => {
  const cases: [string, Goal, number | boolean | null, number | null | "none"][] = [
    ["throughput down 20%", goal("ratio", "higher", 0.8), 1.0, 0.2],
    ["throughput down 5%", goal("ratio", "higher", 0.95), 1.0, "none"],
    ["throughput up", goal("ratio", "higher", 1.2), 1.0, "none"],
    ["latency up 50%", goal("p99", "lower", 3), 2, 0.5],
    ["latency up 10% exactly", goal("p99", "lower", 2.2), 2, "none"],
    ["latency down", goal("p99", "lower", 1), 2, "none"],
    ["drops from 0 to 3", goal("dropped", "lower", 3), 0, null],
    ["drops stay 0", goal("dropped", "lower", 0), 0, "none"],
    ["negative added latency (noise) to positive", goal("p50", "lower", 0.2), -0.1, null],
    ["cap respected turns false", goal("cap", "higher", false), true, null],
    ["cap stays true", goal("cap", "higher", true), true, "none"],
    ["no previous figure", goal("p99", "lower", 5), null, "none"],
    ["no figure now", goal("p99", "lower", null), 2, "none"],
  ];
  for (const [name, now, was, expected] of cases) {
    const found = regressions([now], [{ ...now, value: was }]);
    if (expected === "none") assert.deepEqual(found, [], name);
    else {
      assert.equal(found.length, 1, name);
      assert.equal(found[0]!.worse_by, expected, name);
    }
  }
  assert.deepEqual(regressions([goal("p99", "lower", 9)], null), [], "no previous run");
});

Deno.test("regressionLines: one line each, or that there is none", () => {
  assert.match(regressionLines([])[0]!, /No goal figure is more than 10% worse/);
  const lines = regressionLines(regressions([goal("p99", "lower", 3)], [goal("p99", "lower", 2)]));
  assert.deepEqual(lines, ["- ⚠️ `p99` (p99): 2 → 3, 50% worse"]);
});

Deno.test("pickPrevious: the newest run on the same machine, else the newest, said so", () => {
  const machine = (cpu_model: string, cores = 2) => ({ cpu_model, cores }) as MachineInfo;
  const run = (id: string, m: MachineInfo) => ({ id, machine: m });
  const here = machine("AMD EPYC");
  const history = [
    run("newest, other cpu", machine("Intel Xeon")),
    run("older, same cpu, more cores", machine("AMD EPYC", 8)),
    run("oldest, same machine", machine("AMD EPYC")),
  ];
  assert.deepEqual(pickPrevious(history, here), { run: history[2], sameMachine: true });
  assert.deepEqual(pickPrevious(history.slice(0, 2), here), {
    run: history[0],
    sameMachine: false,
  });
  assert.equal(pickPrevious([], here), null);
  assert.equal(sameMachine(here, machine("AMD EPYC")), true);
});
