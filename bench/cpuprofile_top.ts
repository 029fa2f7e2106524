/**
 * The functions a `.cpuprofile` spent its samples in: self time per function (name, file, line),
 * highest first, and the share of the whole profile. Idle and GC are listed as V8 names them.
 *
 * Usage: deno run -A bench/cpuprofile_top.ts FILE [--top 30]
 */
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { top: { type: "string", default: "30" } },
});
const profile = JSON.parse(await Deno.readTextFile(positionals[0]!)) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0, idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]!)!;
  const dt = profile.timeDeltas[i] ?? 0;
  const f = node.callFrame;
  const file = f.url.replace(/^.*\/(src|bench|node_modules)\//, "$1/");
  const key = `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
  if (f.functionName === "(idle)") idle += dt;
  total += dt;
  self.set(key, (self.get(key) ?? 0) + dt);
}
const busy = total - idle;
console.log(`profile ${(total / 1e6).toFixed(2)} s, busy ${(busy / 1e6).toFixed(2)} s`);
console.log("| self ms | % of busy | function |\n| ---: | ---: | --- |");
const rows = [...self].filter(([k]) => !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]);
for (const [key, us] of rows.slice(0, Number(values.top))) {
  console.log(`| ${(us / 1000).toFixed(0)} | ${(100 * us / busy).toFixed(1)} | ${key} |`);
}
