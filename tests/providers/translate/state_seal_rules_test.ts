/**
 * The seal's rules one by one: the bytes against an independent AES-GCM/HKDF (node:crypto) with
 * fixed IVs, forged / other tenant / other route refused with the field named, sizes over the
 * cap dropped with a note, the per-request bound, Chat ids the map no longer holds, the map's
 * own bounds.
 */
import assert from "node:assert/strict";
import { createCipheriv, createHmac, hkdfSync } from "node:crypto";
import {
  chatCallPrefix,
  type ContentBlock,
  deriveStateKey,
  maxSealedChars,
  maxSealedStates,
  MemoryStateMap,
  noSampling,
  notIssued,
  type Protocol,
  type Request,
  type SealContext,
  sealPrefix,
  sealResponse,
  sealTenant,
  TranslationError,
  unsealRequest,
} from "../../../src/providers/translate/mod.ts";
import { openText, sealText } from "../../../src/providers/translate/state_seal.ts";
import {
  answer,
  call,
  codes,
  fixedRandom,
  key,
  sealCtx,
  state,
  testSecret,
} from "./state_seal_support.ts";

function request(assistant: ContentBlock[], after: ContentBlock[] = []): Request {
  return {
    model: "m",
    instructions: [],
    messages: [
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: assistant },
      ...(after.length === 0 ? [] : [{ role: "user" as const, content: after }]),
    ],
    tools: [],
    toolChoice: null,
    parallelToolCalls: null,
    maxOutputTokens: 100,
    sampling: noSampling,
    stop: [],
    responseFormat: null,
    reasoning: null,
    stream: false,
    user: null,
    previousResponseId: null,
  };
}

function base64url(b: Uint8Array): string {
  return btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function hkdf(info: string): Uint8Array {
  return new Uint8Array(hkdfSync(
    "sha256",
    new TextEncoder().encode(testSecret),
    new TextEncoder().encode("ongoingai-thinking-state"),
    new TextEncoder().encode(info),
    32,
  ));
}

Deno.test("the seal is AES-256-GCM under an HKDF-SHA-256 key, key id and IV first, as node:crypto computes it", async () => {
  const scope = { tenant: "tenant|a", route: "route-1" };
  const plain = '{"o":"gemini.generate","m":"g","v":"SIG","i":null}';
  const sealed = await sealText(key, scope, plain, fixedRandom(7));
  const raw = hkdf("ongoingai-thinking/v1 seal");
  const kid = new Uint8Array(
    createHmac("sha256", hkdf("ongoingai-thinking/v1 chat call id"))
      .update("ongoingai-thinking/v1 id").digest(),
  ).slice(0, 3);
  const iv = fixedRandom(7)(12);
  const c = createCipheriv("aes-256-gcm", raw, iv);
  c.setAAD(new TextEncoder().encode("ongoingai-thinking/v1|tenant%7Ca|route-1"));
  const body = new Uint8Array([...c.update(plain, "utf8"), ...c.final(), ...c.getAuthTag()]);
  assert.equal(sealed, sealPrefix + base64url(new Uint8Array([...kid, ...iv, ...body])));
  assert.deepEqual(await openText(key, scope, sealed), { kind: "opened", text: plain });
  // The `|` inside the tenant is escaped: the same bytes cannot be claimed by another split.
  assert.deepEqual(await openText(key, { tenant: "tenant", route: "a|route-1" }, sealed), {
    kind: "refused",
  });
});

/** One sealed state per slot client, and the ways it is refused. */
async function sealedThinking(client: Protocol, ctx: SealContext): Promise<ContentBlock[]> {
  const res = await sealResponse(
    answer("claude-x", [{
      type: "thinking",
      text: "plan",
      kind: "full",
      state: state("gemini.generate", "SIG_G"),
    }]),
    ctx,
  );
  assert.ok((res.content[0] as { state: { value: string } }).state.value.startsWith(sealPrefix));
  void client;
  return res.content;
}

function flip(value: string, at: number): string {
  const c = value[at] === "A" ? "B" : "A";
  return value.slice(0, at) + c + value.slice(at + 1);
}

const refusals: {
  name: string;
  scope?: { tenant: string; route: string };
  mutate?: (v: string) => string;
}[] = [
  { name: "forged tag", mutate: (v) => flip(v, v.length - 3) },
  { name: "forged plaintext", mutate: (v) => flip(v, sealPrefix.length + 20) },
  { name: "truncated", mutate: (v) => v.slice(0, 30) },
  { name: "not base64url", mutate: (v) => v + "!" },
  { name: "over the cap", mutate: (v) => v + "A".repeat(maxSealedChars) },
  { name: "another tenant", scope: { tenant: "tenant-b", route: "route-1" } },
  { name: "another route", scope: { tenant: "tenant-a", route: "route-2" } },
];

for (const client of ["anthropic.messages", "openai.responses"] as const) {
  for (const r of refusals) {
    Deno.test(`${client}: ${r.name} is refused naming the field`, async () => {
      const content = await sealedThinking(client, sealCtx(client));
      const b = content[0] as Extract<ContentBlock, { type: "thinking" }>;
      const value = r.mutate === undefined ? b.state!.value : r.mutate(b.state!.value);
      const ir = request([{ ...b, state: { ...b.state!, value } }]);
      const back = sealCtx(client, r.scope === undefined ? {} : { scope: r.scope });
      const slot = client === "openai.responses" ? "encrypted_content" : "signature";
      await assert.rejects(
        () => unsealRequest(ir, back),
        (e: unknown) =>
          e instanceof TranslationError && e.field === `messages[1].content[0].${slot}` &&
          e.reason === notIssued,
      );
    });
  }
}

Deno.test("a value the client's own provider made (no og1.) is left for the encoders", async () => {
  const ir = request([{
    type: "thinking",
    text: "x",
    kind: "full",
    state: state("anthropic.messages", "REAL_ANTHROPIC_SIGNATURE"),
  }]);
  const ctx = sealCtx("anthropic.messages");
  assert.deepEqual(await unsealRequest(ir, ctx), ir);
});

Deno.test("Chat: a forged id, or one minted for another tenant or route, is refused", async () => {
  const ctx = sealCtx("openai.chat");
  const res = await sealResponse(answer("g", [call("c0", state("gemini.generate", "S"))]), ctx);
  const id = (res.content[0] as { id: string }).id;
  const cases: [string, string, Partial<SealContext>][] = [
    ["forged", id.slice(0, chatCallPrefix.length + 4) + "A".repeat(24), {}],
    ["bit flipped", flip(id, id.length - 2), {}],
    ["other tenant", id, { scope: { tenant: "tenant-b", route: "route-1" } }],
    ["other route", id, { scope: { tenant: "tenant-a", route: "route-2" } }],
  ];
  for (const [name, bad, over] of cases) {
    const back = sealCtx("openai.chat", { stateMap: ctx.stateMap, ...over });
    const withCall = request([{ ...(call(bad) as Extract<ContentBlock, { type: "tool_call" }>) }]);
    await assert.rejects(
      () => unsealRequest(withCall, back),
      (e: unknown) =>
        e instanceof TranslationError && e.field === "messages[1].content[0].id" &&
        e.reason === notIssued,
      name,
    );
    // A result whose call is not in the request is checked too.
    const resultOnly = request([{ type: "text", text: "…" }], [{
      type: "tool_result",
      callId: bad,
      name: null,
      content: [],
      isError: false,
    }]);
    await assert.rejects(
      () => unsealRequest(resultOnly, back),
      (e: unknown) =>
        e instanceof TranslationError && e.field === "messages[2].content[0].tool_call_id",
      name,
    );
  }
});

Deno.test("Chat: an id the map no longer holds keeps the gateway's id, noted", async () => {
  const ctx = sealCtx("openai.chat");
  const res = await sealResponse(answer("g", [call("c0", state("gemini.generate", "S"))]), ctx);
  const id = (res.content[0] as { id: string }).id;
  const back = sealCtx("openai.chat"); // a fresh map: a restart
  const ir = await unsealRequest(
    request([call(id)], [{
      type: "tool_result",
      callId: id,
      name: null,
      content: [],
      isError: false,
    }]),
    back,
  );
  const c = ir.messages[1]!.content[0] as Extract<ContentBlock, { type: "tool_call" }>;
  assert.equal(c.id, id);
  assert.equal(c.state, null);
  assert.equal((ir.messages[2]!.content[0] as { callId: string }).callId, id);
  assert.deepEqual(codes(back.notes), ["thinking_state_dropped messages[1].content[0].id"]);
});

Deno.test("sizes: a state that seals over the cap is dropped with a note, one under it travels", async () => {
  // base64url grows by 4/3: 190 000 characters seal to about 253 400, 200 000 to about 266 700.
  for (const [length, travels] of [[190_000, true], [200_000, false]] as const) {
    const value = "v".repeat(length);
    for (const client of ["anthropic.messages", "openai.responses", "openai.chat"] as const) {
      const ctx = sealCtx(client);
      const res = await sealResponse(
        answer("g", [call("c0", state("gemini.generate", value))]),
        ctx,
      );
      const c = res.content.find((b) => b.type === "tool_call") as { id: string };
      const carried = client === "openai.chat"
        ? c.id.startsWith(chatCallPrefix)
        : res.content.length === 2;
      assert.equal(carried, travels, `${client} ${length}`);
      assert.equal(
        codes(ctx.notes).some((n) => n.startsWith("thinking_state_dropped")),
        !travels,
        `${client} ${length}`,
      );
    }
  }
});

Deno.test("a redacted block too large to seal is left out of the answer, noted", async () => {
  const ctx = sealCtx("anthropic.messages");
  const res = await sealResponse(
    answer("c", [
      { type: "redacted_thinking", state: state("bedrock.converse", "r".repeat(200_000)) },
      { type: "text", text: "ok" },
    ]),
    ctx,
  );
  assert.deepEqual(res.content.map((b) => b.type), ["text"]);
  assert.deepEqual(codes(ctx.notes), ["thinking_state_dropped content[0]"]);
});

Deno.test(`at most ${maxSealedStates} sealed states are opened per request: the oldest drop`, async () => {
  const ctx = sealCtx("anthropic.messages");
  const blocks: ContentBlock[] = [];
  for (let i = 0; i <= maxSealedStates; i++) {
    blocks.push({
      type: "thinking",
      text: `t${i}`,
      kind: "full",
      state: state("gemini.generate", `S${i}`),
    });
  }
  // Two answers: one answer seals at most the bound itself.
  const first = await sealResponse(answer("g", blocks.slice(0, 1)), sealCtx("anthropic.messages"));
  const rest = await sealResponse(answer("g", blocks.slice(1)), sealCtx("anthropic.messages"));
  const ir = await unsealRequest(request([...first.content, ...rest.content]), ctx);
  const states = ir.messages[1]!.content.map((b) => b.type === "thinking" ? b.state?.value : "");
  assert.equal(states[0], undefined, "the oldest is not opened");
  assert.equal(states[1], "S1");
  assert.equal(states[maxSealedStates], `S${maxSealedStates}`);
  assert.deepEqual(codes(ctx.notes), ["thinking_state_dropped messages[1].content[0].signature"]);
  // And an answer seals at most as many: the rest drop, noted.
  const more = sealCtx("anthropic.messages");
  await sealResponse(answer("g", blocks), more);
  assert.deepEqual(codes(more.notes), [`thinking_state_dropped content[${maxSealedStates}]`]);
});

Deno.test("Chat: thinking state with no tool call after it has no slot, noted once", async () => {
  const ctx = sealCtx("openai.chat");
  const res = await sealResponse(
    answer("c", [
      { type: "thinking", text: "t", kind: "full", state: state("anthropic.messages", "S") },
      { type: "text", text: "done" },
    ]),
    ctx,
  );
  assert.deepEqual(res.content.map((b) => b.type === "thinking" ? b.state : b.type), [
    null,
    "text",
  ]);
  assert.deepEqual(codes(ctx.notes), ["thinking_state_dropped content[0]"]);
});

Deno.test("Chat: the thinking a client echoes is replaced by the blocks the gateway kept", async () => {
  const ctx = sealCtx("openai.chat");
  const res = await sealResponse(
    answer("c", [
      { type: "thinking", text: "plan", kind: "full", state: state("anthropic.messages", "S") },
      { type: "redacted_thinking", state: state("anthropic.messages", "R") },
      { type: "text", text: "ok" },
      call("toolu_1"),
    ]),
    ctx,
  );
  assert.deepEqual(res.content.map((b) => b.type), ["thinking", "text", "tool_call"]);
  const echoed = res.content.map((b) => b.type === "thinking" ? { ...b, text: "plan" } : b);
  const back = sealCtx("openai.chat", { stateMap: ctx.stateMap });
  const ir = await unsealRequest(request(echoed), back);
  assert.deepEqual(ir.messages[1]!.content.map((b) => b.type), [
    "thinking",
    "redacted_thinking",
    "text",
    "tool_call",
  ]);
  const t = ir.messages[1]!.content[0] as Extract<ContentBlock, { type: "thinking" }>;
  assert.deepEqual(t.state, {
    origin: "anthropic.messages",
    model: "c",
    value: "S",
    itemId: null,
  });
});

Deno.test("the seal records the route's model over the answer's own name", async () => {
  const ctx = sealCtx("anthropic.messages", { model: "claude-sonnet" });
  const res = await sealResponse(
    answer("claude-sonnet-20990101", [{
      type: "thinking",
      text: "t",
      kind: "full",
      state: state("bedrock.converse", "S"),
    }]),
    ctx,
  );
  const ir = await unsealRequest(request(res.content), sealCtx("anthropic.messages"));
  const t = ir.messages[1]!.content[0] as Extract<ContentBlock, { type: "thinking" }>;
  assert.equal(t.state?.model, "claude-sonnet");
  assert.equal(t.state?.origin, "bedrock.converse");
});

Deno.test("fixed IVs give the same sealed bytes; another IV gives others that open the same", async () => {
  const a = await sealResponse(
    answer("g", [call("c0", state("gemini.generate", "S"))]),
    sealCtx("anthropic.messages"),
  );
  const b = await sealResponse(
    answer("g", [call("c0", state("gemini.generate", "S"))]),
    sealCtx("anthropic.messages"),
  );
  const c = await sealResponse(
    answer("g", [call("c0", state("gemini.generate", "S"))]),
    sealCtx("anthropic.messages", { random: fixedRandom(99) }),
  );
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const back = sealCtx("anthropic.messages");
  assert.deepEqual(
    await unsealRequest(request(a.content), back),
    await unsealRequest(request(c.content), back),
  );
});

Deno.test("MemoryStateMap: bounded by entries and characters, least recently used out first", async () => {
  const map = new MemoryStateMap({ maxEntries: 2, maxChars: 10 });
  const k = (id: string) => ({ tenant: "t", route: "r", id });
  await map.put(k("a"), "1111");
  await map.put(k("b"), "2222");
  assert.equal(await map.get(k("a")), "1111"); // a is now the most recent
  await map.put(k("c"), "3333");
  assert.equal(await map.get(k("b")), null);
  assert.equal(await map.get(k("a")), "1111");
  await map.put(k("d"), "4444444444");
  assert.equal(map.size, 1, "characters bound");
  await map.put(k("e"), "x".repeat(11));
  assert.equal(await map.get(k("e")), null, "a value over the whole bound is not kept");
  assert.equal(await map.get({ tenant: "t2", route: "r", id: "d" }), null, "tenant scoped");
});

Deno.test("no second spelling: every other character at the end of a seal is refused", async () => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  // Three lengths, so the last character carries 0, 2 and 4 unused bits.
  for (const signature of ["SIG", "SIGX", "SIGXY"]) {
    const res = await sealResponse(
      answer("m", [{
        type: "thinking",
        text: "t",
        kind: "full",
        state: state("gemini.generate", signature),
      }]),
      sealCtx("anthropic.messages"),
    );
    const b = res.content[0] as Extract<ContentBlock, { type: "thinking" }>;
    const value = b.state!.value;
    for (const at of [value.length - 1, value.length - 2]) {
      for (const c of alphabet) {
        if (c === value[at]) continue;
        const changed = value.slice(0, at) + c + value.slice(at + 1);
        const ir = request([{ ...b, state: { ...b.state!, value: changed } }]);
        await assert.rejects(
          () => unsealRequest(ir, sealCtx("anthropic.messages")),
          TranslationError,
          `${signature} ${at} ${c}`,
        );
      }
    }
  }
});

Deno.test("sealed under another key (a restart without state_key): dropped with a note, not refused", async () => {
  const other = await deriveStateKey("another secret, as after a restart");
  const ctx = sealCtx("anthropic.messages", { key: other });
  const res = await sealResponse(
    answer("g", [
      { type: "thinking", text: "t", kind: "full", state: state("gemini.generate", "S") },
      call("c0", state("gemini.generate", "C")),
    ]),
    ctx,
  );
  const back = sealCtx("anthropic.messages");
  const ir = await unsealRequest(request(res.content), back);
  assert.deepEqual(ir.messages[1]!.content.map((b) => b.type === "thinking" ? b.state : b.type), [
    null,
    "tool_call",
  ]);
  assert.deepEqual(codes(back.notes), [
    "thinking_state_dropped messages[1].content[0].signature",
    "thinking_state_dropped messages[1].content[1].signature",
  ]);
  // Chat ids minted under another key: kept as they are, noted.
  const chat = sealCtx("openai.chat", { key: other });
  const sealed = await sealResponse(answer("g", [call("c0", state("gemini.generate", "C"))]), chat);
  const id = (sealed.content[0] as { id: string }).id;
  const chatBack = sealCtx("openai.chat", { stateMap: chat.stateMap });
  const opened = await unsealRequest(
    request([call(id)], [{
      type: "tool_result",
      callId: id,
      name: null,
      content: [],
      isError: false,
    }]),
    chatBack,
  );
  assert.equal((opened.messages[1]!.content[0] as { id: string }).id, id);
  assert.deepEqual(codes(chatBack.notes), ["thinking_state_dropped messages[1].content[0].id"]);
});

Deno.test("sealTenant: org and workspace, percent-encoded, so no two scopes give one tenant", () => {
  assert.equal(sealTenant({ org_id: "default", workspace_id: "default" }), "default/default");
  assert.notEqual(
    sealTenant({ org_id: "a/b", workspace_id: "c" }),
    sealTenant({ org_id: "a", workspace_id: "b/c" }),
  );
});
