/**
 * Redaction in slices under a budget (issue 16, item 2): the meter's arithmetic, the driver,
 * windowed scanning of long strings (same findings as one scan), the cut before storage, the
 * budget verdicts, and work that grows linearly with the findings.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { validateConfig } from "../../src/config/mod.ts";
import {
  drain,
  drive,
  Meter,
  ScanBudgetExceeded,
  type Steps,
  unmetered,
} from "../../src/pii/budget.ts";
import { compilePolicies } from "../../src/pii/mod.ts";
import type { AppliedPolicy } from "../../src/pii/policy.ts";
import { inspectRequest } from "../../src/pii/guard.ts";
import { redactBodySteps } from "../../src/pii/redact_body.ts";
import { scanSteps, type WindowLimits } from "../../src/pii/scan_steps.ts";
import { redactionMargin, redactStoredBody, storedInput } from "../../src/pii/storage.ts";
import type { Finding, RedactRules } from "../../src/pii/types.ts";

function applied(mode: "redact_storage" | "redact_upstream" | "block" = "redact_upstream") {
  const result = validateConfig({ pii: { mode, replacement: { hash_salt: "s" } } }, { env: {} });
  if (!result.ok) throw new Error("config");
  const p = compilePolicies(result.config.pii, result.config.pii_mode);
  return { mode, policy: p.base, rules: p.rulesFor(p.base, "default") } as AppliedPolicy;
}
const real = applied();

/** A clock the test moves. */
function clock() {
  const c = { t: 0, now: () => c.t };
  return c;
}

Deno.test("Meter: slices, active time and findings against the budget", () => {
  const c = clock();
  const m = new Meter({ budget: { timeMs: 100, maxFindings: 5 }, sliceMs: 10, now: c.now });
  const rows: [advance: number, due: boolean | "throws"][] = [
    [5, false],
    [5, true], // the slice has used its 10 ms
  ];
  for (const [advance, want] of rows) {
    c.t += advance;
    assert.equal(m.due(), want);
  }
  m.paused();
  c.t += 1_000; // paused: other requests ran, not counted
  m.resumed();
  assert.equal(m.due(), false);
  assert.ok(m.activeMs === 10, `active ${m.activeMs}`);
  c.t += 89;
  assert.equal(m.due(), true);
  c.t += 2; // 101 ms of active time
  assert.throws(() => m.due(), (e) => e instanceof ScanBudgetExceeded && e.limit === "time");
  m.found(5);
  assert.throws(
    () => m.found(1),
    (e) =>
      e instanceof ScanBudgetExceeded && e.limit === "findings" &&
      e.key === "pii.scan_budget.max_findings",
  );
});

Deno.test("Meter: without a budget nothing throws; unmetered never pauses", () => {
  const c = clock();
  const m = new Meter({ sliceMs: 10, now: c.now });
  c.t += 1e9;
  m.found(1e9);
  assert.equal(m.due(), true);
  assert.equal(unmetered().due(), false);
});

function* pauses(n: number): Steps<string> {
  for (let i = 0; i < n; i++) yield;
  return `after ${n}`;
}

Deno.test("drive: a result without a pause comes back directly, with pauses as a promise", async () => {
  let turns = 0;
  const pause = () => (turns++, Promise.resolve());
  assert.equal(drive(pauses(0), unmetered(), pause), "after 0");
  const later = drive(pauses(3), unmetered(), pause);
  assert.ok(later instanceof Promise);
  assert.equal(await later, "after 3");
  assert.equal(turns, 3);
  assert.equal(drain(pauses(5)), "after 5");
});

const small: WindowLimits = {
  windowChars: 300,
  leftContext: 100,
  rightMargin: 200,
  maxOpenMatch: 5000,
};

function windowed(text: string): Finding[] {
  return drain(scanSteps(text, real.rules.scan, unmetered(), small));
}

const piece = fc.constantFrom(
  "jane.doe@example.com",
  "+1 (555) 123-4567",
  "4111 1111 1111 1111",
  "DE89 3704 0044 0532 0130 00",
  "123-45-6789",
  "SSN 123456789",
  "192.168.10.1",
  "2001:db8::8a2e:370:7334",
  "sk-proj-abcdefghijklmnopqrstuvwxyz0123",
  "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
  "-----BEGIN RSA PRIVATE KEY-----\nMIIEow" + "A".repeat(700) + "\n-----END RSA PRIVATE KEY-----",
  "hello world",
  "x".repeat(90),
  " ",
  "\n",
  "。",
  "@",
  ".",
  "5",
);

/** Every character some finding covers. */
function covered(findings: readonly Finding[]): Set<number> {
  const out = new Set<number>();
  for (const f of findings) for (let i = f.start; i < f.end; i++) out.add(i);
  return out;
}

Deno.test("scanSteps: windows find what one scan of the whole string finds", () => {
  fc.assert(
    fc.property(fc.array(piece, { minLength: 10, maxLength: 120 }), fc.nat(50), (pieces, pad) => {
      const text = " ".repeat(pad) + pieces.join(" ");
      assert.deepEqual(windowed(text), real.rules.scan(text));
    }),
    { numRuns: 300 },
  );
});

Deno.test("scanSteps: values run together are covered at least as one scan covers them", () => {
  // "…KEY-----jane@example.comjane@…": where one e-mail match ends decides where the next may
  // start, so a window may split such a run differently (here: more of it redacted, never less).
  fc.assert(
    fc.property(fc.array(piece, { minLength: 10, maxLength: 120 }), (pieces) => {
      const text = pieces.join("");
      const got = windowed(text);
      for (let k = 1; k < got.length; k++) assert.ok(got[k]!.start >= got[k - 1]!.end);
      const have = covered(got);
      for (const i of covered(real.rules.scan(text))) assert.ok(have.has(i), `offset ${i}`);
    }),
    { numRuns: 300 },
  );
});

Deno.test("scanSteps: a private key block longer than a window is found whole", () => {
  const key = "-----BEGIN PRIVATE KEY-----\n" + "QUJD".repeat(400) +
    "\n-----END PRIVATE KEY-----";
  const text = "x ".repeat(200) + key + " mail jane@example.com";
  const found = windowed(text);
  assert.deepEqual(found, real.rules.scan(text));
  assert.equal(text.slice(found[0]!.start, found[0]!.end), key);
});

Deno.test("scanSteps: a long base64 string is not scanned, as in one scan", () => {
  const text = "data:image/png;base64," + "QUJDRA".repeat(1000);
  assert.deepEqual(windowed(text), []);
});

/** `n` addresses in one JSON string. */
function emailsBody(n: number): Uint8Array {
  const content = Array.from({ length: n }, (_, i) => `user${i}@example.com`).join(" ");
  return new TextEncoder().encode(JSON.stringify({ messages: [{ role: "user", content }] }));
}

Deno.test("storedInput: only the cap plus the margin is redacted for storage", () => {
  const bytes = new Uint8Array(5000);
  const rows: [max: number, truncated: boolean, wantLength: number, wantTruncated: boolean][] = [
    [5000, false, 5000, false],
    [5000 - redactionMargin, false, 5000, false],
    [5000 - redactionMargin - 1, false, 4999, true],
    [100, false, 100 + redactionMargin, true],
    [100, true, 100 + redactionMargin, true],
    [10_000, true, 5000, true],
  ];
  for (const [max, truncated, wantLength, wantTruncated] of rows) {
    const got = storedInput(bytes, max, truncated);
    assert.deepEqual([got.bytes.length, got.truncated], [wantLength, wantTruncated], `${max}`);
  }
});

Deno.test("redactStoredBody: a large body is cut before redaction; what is stored holds no address", async () => {
  const counts = {};
  const max = 4096;
  const bytes = emailsBody(100_000);
  const out = await redactStoredBody(bytes, "application/json", applied("redact_storage"), {
    max,
    truncated: false,
    counts,
  });
  assert.ok(typeof out === "object");
  const text = new TextDecoder().decode(out.bytes);
  assert.ok(out.truncated && out.bytes.length <= max);
  assert.doesNotMatch(text, /user\d+@example/);
  // Only the first max + margin bytes were looked at (about 22 bytes per address).
  const found = (counts as Record<string, number>).email!;
  assert.ok(found > 100 && found < 300, `${found} findings`);
});

Deno.test("redactStoredBody: past the findings budget the body is dropped with the reason", async () => {
  const out = await redactStoredBody(emailsBody(2_000), "application/json", real, {
    max: 1 << 20,
    truncated: false,
    counts: {},
    budget: { timeMs: 60_000, maxFindings: 1_000 },
  });
  assert.equal(out, "scan_budget_findings");
});

Deno.test("inspectRequest: over budget is a verdict of its own, under it the body is redacted", async () => {
  const headers = new Headers({ "content-type": "application/json" });
  const body = emailsBody(2_000) as Uint8Array<ArrayBuffer>;
  const rows = [
    { mode: "redact_upstream", maxFindings: 1_999, want: "over_budget" },
    { mode: "block", maxFindings: 1_999, want: "over_budget" },
    { mode: "redact_upstream", maxFindings: 2_000, want: "forward" },
    { mode: "block", maxFindings: 2_000, want: "block" },
  ] as const;
  for (const r of rows) {
    const verdict = await inspectRequest(applied(r.mode), body, headers, {
      budget: { timeMs: 60_000, maxFindings: r.maxFindings },
    });
    assert.equal(verdict.kind, r.want, `${r.mode} ${r.maxFindings}`);
  }
});

/** Counts what redaction costs: characters given to the detectors, placeholders made. */
function counting(rules: RedactRules) {
  const work = { scanned: 0, placeholders: 0 };
  const counted: RedactRules = {
    ...rules,
    scan: (text) => (work.scanned += text.length, rules.scan(text)),
    placeholder: (type, value) => (work.placeholders++, rules.placeholder(type, value)),
  };
  return { work, counted };
}

Deno.test("redaction work grows linearly with the findings (10x addresses, about 10x work)", () => {
  const measure = (n: number) => {
    const { work, counted } = counting(real.rules);
    const bytes = emailsBody(n);
    drain(redactBodySteps(bytes, "application/json", counted, {}, unmetered()));
    return { ...work, bytes: bytes.length };
  };
  const a = measure(20_000);
  const b = measure(200_000);
  assert.equal(b.placeholders, 10 * a.placeholders);
  // Windows overlap by a few hundred characters out of 64 Ki: scanned text tracks the body.
  assert.ok(b.scanned / b.bytes < 1.1, `scanned ${b.scanned} of ${b.bytes}`);
  assert.ok(b.scanned / a.scanned < 11.5, `10x findings scanned ${b.scanned / a.scanned}x`);
});

Deno.test("a large body is redacted in many short slices", async () => {
  const c = { t: 0 };
  // Each look at the clock costs 1 ms of fake time: slices of 2 ms are then a few steps each.
  const meter = new Meter({ sliceMs: 2, now: () => ++c.t });
  let turns = 0;
  const out = await drive(
    redactBodySteps(emailsBody(50_000), "application/json", real.rules, {}, meter),
    meter,
    () => (turns++, Promise.resolve()),
  );
  assert.ok(!("failed" in out) && out.counts.email === 50_000);
  assert.ok(turns > 10, `${turns} pauses`);
});

Deno.test("big strings: quoting and encoding piece by piece give the one-go bytes", async () => {
  const { encodeSteps, jsonLiteralSteps, pieceChars } = await import(
    "../../src/pii/big_strings.ts"
  );
  const unit = ["a", "é", "😀", "\ud800", "\udc00", '"', "\\", "\n", "\u0001", "€"];
  for (const offset of [0, 1, 2, 3]) {
    // A surrogate pair (and lone halves) at every piece boundary, shifted by `offset`.
    let s = "x".repeat(pieceChars - 1 - offset);
    for (let i = 0; s.length < pieceChars * 3 + 7; i++) s += unit[i % unit.length]! + "😀";
    assert.equal(drain(jsonLiteralSteps(s, unmetered())), JSON.stringify(s), `quote ${offset}`);
    assert.deepEqual(
      drain(encodeSteps(s, unmetered())),
      new TextEncoder().encode(s),
      `encode ${offset}`,
    );
  }
});

Deno.test("big bodies: decoded piece by piece, a character split between pieces included", () => {
  // 512 KiB pieces: three-byte and four-byte characters straddle every boundary somewhere.
  const text = JSON.stringify({ content: "€😀 ".repeat(200_000) + " jane@example.com" });
  const bytes = new TextEncoder().encode(text);
  const out = drain(redactBodySteps(bytes, "application/json", real.rules, {}, unmetered()));
  assert.ok(!("failed" in out) && out.counts.email === 1);
  const want = text.replace(
    "jane@example.com",
    real.rules.placeholder("EMAIL", "jane@example.com"),
  );
  assert.equal(new TextDecoder().decode(out.bytes), want);
  const broken = bytes.slice();
  broken[700_000] = 0xff;
  assert.deepEqual(
    drain(redactBodySteps(broken, "application/json", real.rules, {}, unmetered())),
    { failed: "not_utf8" },
  );
});

Deno.test("redactStoredBody: a detector that throws drops the stored body (fail closed)", async () => {
  const broken = {
    ...real,
    rules: {
      ...real.rules,
      scan: () => {
        throw new Error("validator bug");
      },
    },
  };
  const body = new TextEncoder().encode(JSON.stringify({ content: "jane@example.com" }));
  const opts = { max: 1 << 20, truncated: false, counts: {} };
  assert.equal(await redactStoredBody(body, "application/json", broken, opts), "redaction_failed");
});
