/**
 * Streaming redaction of text in scripts without spaces (Chinese, Japanese, Thai), with the
 * built-in detectors: release points of `release: "builtins"`, and the forced release at
 * `maxHold` keeping back a value that straddles it.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import fc from "fast-check";
import { builtinDetectorNames, builtinDetectors, createScan } from "../../src/pii/detectors/mod.ts";
import { customDetector } from "../../src/pii/detectors/mod.ts";
import { redactText } from "../../src/pii/redact_text.ts";
import {
  HeldText,
  type HeldTextLimits,
  type HeldTextRules,
} from "../../src/pii/stream/held_text.ts";
import { createSseRedactor } from "../../src/pii/stream/mod.ts";
import type { RedactRules } from "../../src/pii/types.ts";
import { pipeThroughPieces } from "../providers/replay.ts";
import { clientView, cutString, dec, enc, parseSse, wireFormats } from "./sse_replay.ts";
import { corpus, placeholder, rules as fixtureRules } from "./stream_fixture.ts";

const scan = createScan(builtinDetectorNames.map((n) => builtinDetectors[n]));
const whitespace: RedactRules = { scan, isDeniedField: () => false, placeholder };
const builtins: RedactRules & HeldTextRules = { ...whitespace, release: "builtins" };

const v = {
  email: "jane.doe@example.com",
  jp: "090-1234-5678",
  intl: "+81 90 1234 5678",
  card: "4111 1111 1111 1111",
  iban: "DE89 3704 0044 0532 0130 00",
  ip: "192.168.10.20",
  idn: "用户@example.com",
  cyr: "иван.петров@example.ru",
};

/** Sentences with values glued to text in scripts without spaces, and a few edge cases. */
export const cjkCorpus: string[] = [
  `メールアドレスは${v.email}です。お電話は${v.jp}までどうぞ。`,
  `ご不明な点やご質問がございましたら担当者の田中までいつでもお気軽にご連絡くださいませなお担当者の個人用のメールアドレスは${v.email}です`,
  `请联系${v.email}或者拨打${v.intl}，谢谢！`,
  `卡号：${v.card}，账户${v.iban}。`,
  `服务器地址是${v.ip}，用户邮箱${v.idn}。`,
  `連絡先は${v.idn}です`,
  `用户_jane@example.com和用户.名@example.com`,
  `ติดต่อ${v.email}ได้เลยครับที่${v.jp}`,
  `메일은 ${v.email}으로, 전화는 ${v.jp}로 주세요.`,
  `Пишите на${v.cyr}или звоните${v.jp}.`,
  `絵文字\u{1F600}${v.email}\u{1F4E7}と、ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ。`,
  `${"あ".repeat(70)}@example.com と ${"あ".repeat(63)}@example.com`,
  `電話は${v.jp}\u3000です`,
];

function oneShot(text: string, rules: HeldTextRules) {
  return redactText(text, rules);
}

/** Feeds the pieces; checks the output so far stays a prefix of the one-shot result. */
function streamed(pieces: string[], rules: HeldTextRules, limits: Partial<HeldTextLimits> = {}) {
  const expected = oneShot(pieces.join(""), rules).text;
  const held = new HeldText(rules, limits);
  let out = "";
  let maxHeld = 0;
  for (const p of pieces) {
    out += held.push(p);
    maxHeld = Math.max(maxHeld, held.held);
    ok(expected.startsWith(out), `emitted ${JSON.stringify(out)} is not a prefix of the result`);
  }
  out += held.flush();
  return { text: out, counts: held.counts, maxHeld };
}

Deno.test("held text (CJK): every split point gives the one-shot result, both release modes", () => {
  for (const rules of [whitespace, builtins] as HeldTextRules[]) {
    for (const text of cjkCorpus) {
      const expected = oneShot(text, rules);
      for (let i = 0; i <= text.length; i++) {
        const r = streamed([text.slice(0, i), text.slice(i)], rules);
        strictEqual(r.text, expected.text, `${rules.release ?? "whitespace"}: ${text} @ ${i}`);
      }
      const r = streamed(Array.from(text), rules);
      strictEqual(r.text, expected.text, `${text} one character at a time`);
      deepStrictEqual(r.counts, expected.counts, text);
    }
  }
});

Deno.test("held text (CJK): the built-in scan finds the values the corpus was written with", () => {
  const all = oneShot(cjkCorpus.join("\n"), whitespace).text;
  for (const value of Object.values(v)) ok(!all.includes(value), `${value} not found: ${all}`);
});

const textArb = fc.array(fc.constantFrom(...cjkCorpus, ...corpus), { minLength: 1, maxLength: 4 })
  .chain((
    parts,
  ) =>
    fc.array(fc.constantFrom("", "。", " ", "\n", "、"), {
      minLength: parts.length,
      maxLength: parts.length,
    }).map((seps) => parts.map((p, i) => p + seps[i]).join(""))
  );

Deno.test("property (CJK): any chunking gives the one-shot redaction, both release modes", () => {
  fc.assert(
    fc.property(
      textArb,
      fc.array(fc.nat(), { maxLength: 40 }),
      fc.boolean(),
      (text, offsets, useBuiltins) => {
        const rules = useBuiltins ? builtins : whitespace;
        const r = streamed(cutString(text, offsets), rules);
        const expected = oneShot(text, rules);
        strictEqual(r.text, expected.text);
        deepStrictEqual(r.counts, expected.counts);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("property (CJK): never emits a value one-shot redaction hides, small context", () => {
  fc.assert(
    fc.property(textArb, fc.array(fc.nat(), { maxLength: 40 }), (text, offsets) => {
      const r = streamed(cutString(text, offsets), builtins, { context: 8 });
      // Values glued to a word ("…5678Contact") are no value in one-shot redaction either.
      const hidden = oneShot(text, builtins).text;
      for (const value of Object.values(v)) {
        if (!hidden.includes(value)) ok(!r.text.includes(value), `${value}: ${r.text}`);
      }
    }),
    { numRuns: 300 },
  );
});

Deno.test("held text (CJK): builtins release Japanese by clause, not in 4 KiB bursts", () => {
  const sentence = "ご不明な点やご質問がございましたら、担当者の田中までお気軽にご連絡ください。";
  const text = sentence.repeat(200);
  const r = streamed(Array.from(text), builtins);
  strictEqual(r.text, text);
  // The longest clause is 17 characters; the punctuation after it releases it.
  ok(r.maxHeld <= 20, `held up to ${r.maxHeld}`);
  // The default waits for whitespace, up to maxHold.
  ok(streamed(Array.from(text), whitespace).maxHeld > 4000);
});

Deno.test("held text (CJK): a run without punctuation is held at most 64 characters", () => {
  const text = "あいうえおかきくけこ".repeat(100);
  const r = streamed(Array.from(text), builtins);
  strictEqual(r.text, text);
  ok(r.maxHeld <= 65, `held up to ${r.maxHeld}`);
});

Deno.test("held text (CJK): release points, step by step", async (t) => {
  const cases: { name: string; pieces: string[]; steps: string[] }[] = [
    {
      name: "ideographic full stop releases the clause",
      pieces: ["こんにちは", "。今日は", "晴れ"],
      steps: ["", "こんにちは。", ""],
    },
    {
      name: "a Latin letter after kana releases the kana",
      pieces: ["メールは", "jane.do", "e@example.com", "です", "。"],
      steps: ["", "メールは", "", "[EMAIL_REDACTED:20]", "です。"],
    },
    {
      name: "kana then @ is held: it may be a local part",
      pieces: ["連絡先は用户", "@exam", "ple.com", "です"],
      steps: ["", "", "", "[EMAIL_REDACTED:18]"],
    },
    {
      name: "a phone number ends at the kana after it",
      pieces: ["電話は090-12", "34-5678", "です。"],
      steps: ["電話は", "", "[PHONE_REDACTED:13]です。"],
    },
    {
      name: "emoji are release points, never split",
      pieces: ["\u{1F600}", "\ud83d", "\ude00x"],
      steps: ["\u{1F600}", "", "\u{1F600}"],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const held = new HeldText(builtins);
      deepStrictEqual(c.pieces.map((p) => held.push(p)), c.steps);
    });
  }
});

Deno.test("held text: a forced release keeps back a value that straddles maxHold", async (t) => {
  const text = "あ".repeat(4093) + "090-1234-5678です。";
  for (
    const [name, rules] of [["built-in scan", whitespace], ["fixture scan", fixtureRules]] as const
  ) {
    await t.step(name, () => {
      const expected = oneShot(text, rules).text;
      for (const size of [1, 2, 3, 5, 7]) {
        const pieces = text.match(new RegExp(`[\\s\\S]{1,${size}}`, "g"))!;
        const r = streamed(pieces, rules);
        strictEqual(r.text, expected, `pieces of ${size}`);
        ok(!r.text.includes("090-1"), r.text.slice(-40));
      }
    });
  }
});

Deno.test("held text: a forced release does not split a surrogate pair", () => {
  const held = new HeldText(whitespace, { maxHold: 16 });
  let out = "";
  for (let i = 0; i < 40; i++) out += held.push("\u{1F600}");
  out += held.flush();
  strictEqual(out, "\u{1F600}".repeat(40));
  const held2 = new HeldText(whitespace, { maxHold: 16 });
  for (let i = 0; i < 40; i++) {
    const piece = held2.push("\u{1F600}");
    ok(!/[\ud800-\udbff]$/.test(piece), "ends with a high surrogate");
  }
});

Deno.test("held text: a custom detector spanning CJK text still works by default", () => {
  const custom: HeldTextRules = {
    scan: createScan([
      ...builtinDetectorNames.map((n) => builtinDetectors[n]),
      customDetector({ name: "person", pattern: /田中太郎/ }),
    ]),
    placeholder,
  };
  const text = "担当者は田中太郎です。メールは" + v.email + "です。";
  const expected = oneShot(text, custom).text;
  ok(expected.includes("[PERSON_REDACTED:4]"), expected);
  for (let i = 0; i <= text.length; i++) {
    strictEqual(streamed([text.slice(0, i), text.slice(i)], custom).text, expected, `@ ${i}`);
  }
});

Deno.test("SSE (CJK): any chunking of delta events gives the one-shot text per choice", async () => {
  const opts = { ...wireFormats.openai, rules: builtins, mode: "redact" as const };
  await fc.assert(
    fc.asyncProperty(textArb, fc.array(fc.nat(), { maxLength: 20 }), async (text, offsets) => {
      const events = cutString(text, offsets).map((piece) =>
        `data: ${
          JSON.stringify({
            id: "c",
            choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
          })
        }\n\n`
      ).join("") + "data: [DONE]\n\n";
      const out = dec.decode(
        await pipeThroughPieces([enc.encode(events)], createSseRedactor(opts)),
      );
      const view = clientView(parseSse(out), opts.locate);
      strictEqual(view.text["choices/0/content"] ?? "", oneShot(text, builtins).text);
    }),
    { numRuns: 150 },
  );
});
