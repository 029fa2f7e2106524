import assert from "node:assert/strict";
import {
  compact,
  cost,
  type CostParts,
  duration,
  percent,
  sanitize,
  textWidth,
  tokens,
  truncate,
  usd,
} from "../../src/top/mod.ts";

Deno.test("text: what the gateway sends is shown as text, never as terminal control", () => {
  const cases: [string, string][] = [
    ["gpt-4o", "gpt-4o"],
    ["a\x1b[2Jb", "a\ufffd[2Jb"],
    ["x\r\ny\tz", "x\ufffd\ufffdy\ufffdz"],
    ["c1\u009bq", "c1\ufffdq"],
    ["del\x7f", "del\ufffd"],
    ["rtl\u202etxt", "rtl\ufffdtxt"],
    ["模型", "模型"],
  ];
  for (const [input, want] of cases) assert.equal(sanitize(input), want, JSON.stringify(input));
});

Deno.test("text: width in terminal cells, truncation with an ellipsis within the width", () => {
  const cases: [string, number, string, number][] = [
    // text, width asked, result, its cells
    ["abcdef", 10, "abcdef", 6],
    ["abcdef", 6, "abcdef", 6],
    ["abcdef", 5, "abcd…", 5],
    ["abcdef", 1, "…", 1],
    ["abcdef", 0, "", 0],
    ["模型名称", 5, "模型…", 5],
    ["模型名称", 4, "模…", 3],
    ["e\u0301te\u0301", 3, "e\u0301te\u0301", 3],
    ["🙂🙂🙂", 4, "🙂…", 3],
  ];
  for (const [text, width, want, cells] of cases) {
    const got = truncate(text, width);
    assert.equal(got, want, `${text} in ${width}`);
    assert.equal(textWidth(got), cells, `${text} in ${width}: cells`);
  }
});

Deno.test("format: rates, money and durations fit a column", () => {
  const cases: [string, string][] = [
    [compact(0), "0"],
    [compact(2.345), "2.35"],
    [compact(2.3), "2.3"],
    [compact(12.44), "12.4"],
    [compact(873.4), "873"],
    [compact(12_345), "12.3k"],
    [compact(123_456), "123k"],
    [compact(4_560_000), "4.56M"],
    [usd(0), "$0"],
    [usd(0.000423), "$0.00042"],
    [usd(0.0123), "$0.0123"],
    [usd(0.05), "$0.05"],
    [usd(0.1), "$0.10"],
    [usd(1.234), "$1.23"],
    [usd(12_345), "$12.3k"],
    [duration(85.4), "85ms"],
    [duration(1240), "1.24s"],
    [duration(12_400), "12.4s"],
    [duration(125_000), "2m05s"],
    [percent(null), "-"],
    [percent(1 / 23), "4.3%"],
    [percent(0.5), "50%"],
  ];
  for (const [got, want] of cases) assert.equal(got, want);
});

Deno.test("format: unknown usage and unpriced requests are said, never a zero", () => {
  const c = (o: Partial<CostParts>): CostParts => ({
    amount: 0.05,
    requests: 10,
    unpriced: 0,
    unknown: 0,
    partial: 0,
    ...o,
  });
  const cases: [string, string, string][] = [
    ["all known", tokens(1204, 0, 10), "1204"],
    ["some unknown", tokens(1204, 3, 10), "1204 +3 unknown"],
    ["none known", tokens(0, 10, 10), "unknown"],
    ["no request: a real zero", tokens(0, 0, 0), "0"],
    ["all priced", cost(c({})), "$0.05"],
    ["some unpriced: a lower bound", cost(c({ unpriced: 2 })), ">=$0.05"],
    ["some unknown usage: a lower bound", cost(c({ unknown: 2 })), ">=$0.05"],
    ["a partial price: a lower bound", cost(c({ partial: 1 })), ">=$0.05"],
    ["none priced", cost(c({ amount: 0, unpriced: 10 })), "unpriced"],
    ["none known", cost(c({ amount: 0, unknown: 10 })), "unknown"],
    ["none in the amount, both kinds", cost(c({ amount: 0, unknown: 4, unpriced: 6 })), "unknown"],
    ["no request: a real zero", cost(c({ amount: 0, requests: 0 })), "$0"],
  ];
  for (const [name, got, want] of cases) assert.equal(got, want, name);
});
