/** Reading wrk's report, whose units change with magnitude. */
import assert from "node:assert/strict";
import { parseWrk } from "../../bench/wrk.ts";
import { percentiles } from "../../bench/stats.ts";

const report = (latency: string, p99: string, extra = "") =>
  `Running 10s test @ http://127.0.0.1:1/v1/chat/completions
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   ${latency}  518.21us   8.95ms   88.06%
    Req/Sec    48.33k    10.49k   58.30k    83.87%
  Latency Distribution
     50%  612.00us
     75%    0.90ms
     90%    1.20ms
     99%    ${p99}
  148885 requests in 10.10s, 164.56MB read
${extra}Requests/sec:  14741.09
Transfer/sec:     16.29MB
`;

Deno.test("parseWrk reads rates, percentiles in every unit, and failures", async (t) => {
  const cases = [
    { name: "clean run, ms", out: report("693.75us", "3.02ms"), p99: 3.02, errors: 0, timeouts: 0 },
    { name: "seconds unit", out: report("1.20s", "2.50s"), p99: 2500, errors: 0, timeouts: 0 },
    {
      name: "non-2xx and socket errors count as errors, timeouts apart",
      out: report(
        "1.00ms",
        "5.00ms",
        "  Socket errors: connect 1, read 2, write 3, timeout 4\n  Non-2xx or 3xx responses: 10\n",
      ),
      p99: 5,
      errors: 16,
      timeouts: 4,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = parseWrk(c.out, 10);
      assert.equal(r.rps, 14741.1);
      assert.equal(r.requests, 148885);
      assert.equal(r.mb_per_s, 16.3);
      assert.equal(r.latency_ms.p50, 0.612);
      assert.equal(r.latency_ms.p99, c.p99);
      assert.equal(r.latency_ms.max, 8.95);
      assert.equal(r.errors, c.errors);
      assert.equal(r.timeouts, c.timeouts);
    });
  }
});

Deno.test("parseWrk refuses output that is not a wrk report", () => {
  assert.throws(
    () => parseWrk("unable to connect to 127.0.0.1:1 Connection refused", 1),
    /wrk report/,
  );
});

Deno.test("percentiles are nearest-rank and empty samples give zeros with count 0", () => {
  const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.deepEqual(percentiles(xs), { p50: 50, p90: 90, p99: 99, max: 100, count: 100 });
  assert.deepEqual(percentiles([]), { p50: 0, p90: 0, p99: 0, max: 0, count: 0 });
});
