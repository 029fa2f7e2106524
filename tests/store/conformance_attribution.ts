/**
 * Attribution cases of the store conformance suite (issue 18, item 3): grouping by developer,
 * agent and session, the sessions view, and the session filter of the trace list. Both stores
 * run them, so their numbers must agree.
 */
import assert from "node:assert/strict";
import type { AnalyticsQuery, TraceStore } from "../../src/store/mod.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const codex = { agent: "codex", agent_version: "0.171.0" };
const claude = { agent: "claude-code", agent_version: "2.1.332" };
const s1 = "01a24c4c-221f-7292-8afe-3e9679c05007";
const s2 = "9e8e37f1-452f-433c-80ff-6a412fa20ab6";

/** Two sessions of two developers, a probe, a traffic without attribution, another tenant. */
export function attributionHistory(): Trace[] {
  const t = (timestamp: string, o: Partial<Trace>) => makeTrace({ timestamp, ...o });
  return [
    t("2026-03-02T10:05:00.000Z", {
      ...codex,
      session_id: s1,
      developer: "alice",
      agent_request_kind: "prewarm",
      model: "gpt-6.2-sol",
      estimated_cost_usd: 0.001,
    }),
    t("2026-03-02T10:40:00.000Z", {
      ...codex,
      session_id: s1,
      developer: "alice",
      agent_turn_id: "turn-1",
      model: "gpt-6.2-sol",
      estimated_cost_usd: 0.002,
    }),
    t("2026-03-02T11:20:00.000Z", {
      ...codex,
      session_id: s1,
      developer: "alice",
      model: "gpt-5.5",
      estimated_cost_usd: null,
      cost_status: "unpriced",
    }),
    // Claude Code's start-up probe: no model, no usage, no cost.
    t("2026-03-02T10:50:00.000Z", {
      ...claude,
      session_id: s2,
      developer: "bob",
      request_method: "HEAD",
      request_path: "/anthropic/api/hello",
      model: "unknown",
      input_tokens: null,
      output_tokens: null,
      total_tokens: null,
      cached_input_tokens: null,
      cache_write_tokens: null,
      reasoning_tokens: null,
      usage_status: "none",
      estimated_cost_usd: null,
      cost_status: "none",
    }),
    t("2026-03-02T10:51:00.000Z", {
      ...claude,
      session_id: s2,
      developer: "bob",
      provider: "anthropic",
      model: "claude-opus-5-5",
      estimated_cost_usd: 0.5,
      response_status: 529,
    }),
    t("2026-03-02T10:52:00.000Z", { model: "gpt-4o-mini", estimated_cost_usd: 0.25 }),
    t("2026-03-02T10:53:00.000Z", {
      ...codex,
      org_id: "org-b",
      session_id: s1,
      developer: "mallory",
      estimated_cost_usd: 7,
    }),
  ];
}

type Row = [string | null, number, number | null, number];

async function grouped(store: TraceStore, query: AnalyticsQuery): Promise<Row[]> {
  return (await store.aggregate(query)).map((r) => [
    r.group,
    r.request_count,
    r.total_cost_usd === null ? null : Math.round(r.total_cost_usd * 1e9) / 1e9,
    r.unpriced_count,
  ]);
}

const scope = { org_id: "default", workspace_id: "default" };

export const attributionCases: { name: string; run(store: TraceStore): Promise<void> }[] = [
  {
    name: "group by developer and agent, whole hours from rollups or edges from traces",
    async run(store) {
      await store.writeBatch(attributionHistory());
      // from 10:30 cuts the first hour: its part comes from the traces, the rest from rollups.
      for (const from of [undefined, "2026-03-02T10:00:00.000Z"]) {
        const q = from === undefined ? { scope } : { scope, from };
        assert.deepStrictEqual(await grouped(store, { ...q, group_by: "developer" }), [
          ["alice", 3, 0.003, 1],
          ["bob", 2, 0.5, 0],
          [null, 1, 0.25, 0],
        ]);
        assert.deepStrictEqual(await grouped(store, { ...q, group_by: "agent" }), [
          ["codex", 3, 0.003, 1],
          ["claude-code", 2, 0.5, 0],
          [null, 1, 0.25, 0],
        ]);
        // Per session: the sessions view, the same figures (sessions are not an aggregate group).
        const sessions = await store.sessions({ ...q, limit: 10 });
        assert.deepStrictEqual(
          sessions.map((r) => [r.session_id, r.request_count, round(r.total_cost_usd)]),
          [[s1, 3, 0.003], [s2, 2, 0.5]],
        );
      }
      // Review M4: an untyped caller asking aggregates per session is refused, not answered with
      // one row per session of the range.
      for (const q of [{ group_by: "session" }, { group_by: "session", bucket: "hour" }]) {
        await assert.rejects(store.aggregate(q as never), /not an aggregate dimension/);
        await assert.rejects(store.percentiles(q as never), /not an aggregate dimension/);
      }
      assert.deepStrictEqual(
        await grouped(store, { scope, from: "2026-03-02T10:30:00.000Z", group_by: "developer" }),
        [["alice", 2, 0.002, 1], ["bob", 2, 0.5, 0], [null, 1, 0.25, 0]],
      );
    },
  },
  {
    name: "grouping by developer stays in the tenant",
    async run(store) {
      await store.writeBatch(attributionHistory());
      assert.deepStrictEqual(
        await grouped(store, {
          scope: { org_id: "org-b", workspace_id: "default" },
          group_by: "developer",
        }),
        [["mallory", 1, 7, 0]],
      );
    },
  },
  {
    name: "sessions: most recent first, with agent, developer, totals, models and probes apart",
    async run(store) {
      await store.writeBatch(attributionHistory());
      const rows = await store.sessions({ scope, limit: 10 });
      assert.deepStrictEqual(rows.map((r) => ({ ...r, total_cost_usd: round(r.total_cost_usd) })), [
        {
          org_id: "default",
          workspace_id: "default",
          session_id: s1,
          agent: "codex",
          developer: "alice",
          first_seen_at: "2026-03-02T10:05:00.000Z",
          last_seen_at: "2026-03-02T11:20:00.000Z",
          request_count: 3,
          input_tokens: 36,
          output_tokens: 90,
          total_tokens: 126,
          cached_input_tokens: 0,
          cache_write_tokens: 0,
          reasoning_tokens: 0,
          total_cost_usd: 0.003,
          priced_count: 2,
          partial_count: 0,
          unpriced_count: 1,
          unknown_usage_count: 0,
          error_count: 0,
          non_generation_count: 0,
          models: [
            { model: "gpt-6.2-sol", request_count: 2 },
            { model: "gpt-5.5", request_count: 1 },
          ],
        },
        {
          org_id: "default",
          workspace_id: "default",
          session_id: s2,
          agent: "claude-code",
          developer: "bob",
          first_seen_at: "2026-03-02T10:50:00.000Z",
          last_seen_at: "2026-03-02T10:51:00.000Z",
          request_count: 2,
          input_tokens: 12,
          output_tokens: 30,
          total_tokens: 42,
          cached_input_tokens: 0,
          cache_write_tokens: 0,
          reasoning_tokens: 0,
          total_cost_usd: 0.5,
          priced_count: 1,
          partial_count: 0,
          unpriced_count: 0,
          unknown_usage_count: 0,
          error_count: 1,
          non_generation_count: 1,
          models: [{ model: "claude-opus-5-5", request_count: 1 }],
        },
      ]);
    },
  },
  {
    name: "sessions: limit, filters and a session with nothing priced",
    async run(store) {
      await store.writeBatch(attributionHistory());
      const ids = async (q: Parameters<TraceStore["sessions"]>[0]) =>
        (await store.sessions(q)).map((
          r,
        ) => [r.session_id, r.request_count, round(r.total_cost_usd)]);
      assert.deepStrictEqual(await ids({ scope, limit: 1 }), [[s1, 3, 0.003]]);
      assert.deepStrictEqual(await ids({ scope, limit: 10, developer: "bob" }), [[s2, 2, 0.5]]);
      assert.deepStrictEqual(await ids({ scope, limit: 10, agent: "codex", model: "gpt-5.5" }), [
        [s1, 1, null],
      ]);
      assert.deepStrictEqual(await ids({ scope, limit: 10, to: "2026-03-02T10:50:30.000Z" }), [
        [s2, 1, 0],
        [s1, 2, 0.003],
      ]);
      assert.deepStrictEqual(
        await ids({ scope: { org_id: "x", workspace_id: "y" }, limit: 5 }),
        [],
      );
    },
  },
  {
    // Review L6: unscoped (the CLI report), two tenants' sessions with one id were merged into one
    // row (4 requests, 7.003 USD), tenants mixed.
    name: "sessions unscoped: one id in two tenants is two sessions, each with its tenant",
    async run(store) {
      await store.writeBatch([
        ...attributionHistory(),
        makeTrace({
          timestamp: "2026-03-02T10:54:00.000Z",
          session_id: s1,
          org_id: "org-b",
          workspace_id: "ws-2",
          developer: "trent",
          estimated_cost_usd: 1,
        }),
      ]);
      const rows = async (q: Parameters<TraceStore["sessions"]>[0]) =>
        (await store.sessions(q)).map((r) => [
          r.org_id,
          r.workspace_id,
          r.session_id,
          r.developer,
          r.request_count,
          round(r.total_cost_usd),
        ]);
      assert.deepStrictEqual(await rows({ limit: 10, session_id: s1 }), [
        ["default", "default", s1, "alice", 3, 0.003],
        ["org-b", "ws-2", s1, "trent", 1, 1],
        ["org-b", "default", s1, "mallory", 1, 7],
      ]);
      // The limit counts sessions, not ids: the first is default's s1 alone, not merged.
      assert.deepStrictEqual(await rows({ limit: 1 }), [[
        "default",
        "default",
        s1,
        "alice",
        3,
        0.003,
      ]]);
      assert.deepStrictEqual(await rows({ limit: 3 }), [
        ["default", "default", s1, "alice", 3, 0.003],
        ["org-b", "ws-2", s1, "trent", 1, 1],
        ["org-b", "default", s1, "mallory", 1, 7],
      ]);
      // Scoped, a tenant sees its own session only.
      assert.deepStrictEqual(
        await rows({ scope: { org_id: "org-b", workspace_id: "ws-2" }, limit: 10 }),
        [["org-b", "ws-2", s1, "trent", 1, 1]],
      );
    },
  },
  {
    name: "the trace list filters by session",
    async run(store) {
      await store.writeBatch(attributionHistory());
      const page = await store.listTraces({ scope, session_id: s2, limit: 10 });
      assert.deepStrictEqual(page.items.map((t) => t.model), ["claude-opus-5-5", "unknown"]);
      assert.equal(await store.countTraces({ session_id: s1 }), 4);
    },
  },
];

const round = (x: number | null) => (x === null ? null : Math.round(x * 1e9) / 1e9);
