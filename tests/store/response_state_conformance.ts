/**
 * The Responses store conformance suite (src/store/response_states.ts), run against SQLite
 * (sqlite_response_states_test.ts, also on the worker thread) and PostgreSQL
 * (postgres_response_states_test.ts). Expiry is tested with times far in the past or future of
 * the real clock, never by waiting.
 */
import assert from "node:assert/strict";
import {
  maxResponseStateBytes,
  type NewResponseState,
  ResponseStateError,
  type ResponseStateErrorCode,
  type ResponseStateStore,
  type TraceStore,
} from "../../src/store/mod.ts";

export type OpenFreshResponseStore = () => Promise<TraceStore & ResponseStateStore>;

export const tenantA = { org_id: "org-a", workspace_id: "ws-1" };
/** Same org, another workspace: a different tenant all the same. */
export const tenantB = { org_id: "org-a", workspace_id: "ws-2" };

const limits = { maxHops: 100, maxBytes: 1_000_000 };

/** A live state (expires in 2999); `over` replaces any field. */
export function newState(id: string, over: Partial<NewResponseState> = {}): NewResponseState {
  return {
    scope: tenantA,
    id,
    previousId: null,
    model: "gpt-5.1",
    createdAt: "2026-05-01T10:00:00.000Z",
    expiresAt: "2999-01-01T00:00:00.000Z",
    state: { messages: [{ role: "user", content: `turn ${id}` }], response: { id } },
    ...over,
  };
}

/** Expired long ago by the real clock. */
const expired = { createdAt: "2020-01-01T00:00:00.000Z", expiresAt: "2020-01-31T00:00:00.000Z" };

export const isStateError = (code: ResponseStateErrorCode, text?: RegExp) => (e: unknown) =>
  e instanceof ResponseStateError && e.code === code && e.name === "ResponseStateError" &&
  (text === undefined || text.test(e.message));

/** Puts a chain r1 <- r2 <- ... <- rN in tenant A; returns the ids. */
async function putChain(s: ResponseStateStore, n: number, prefix = "r"): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) {
    const id = `${prefix}${i}`;
    await s.putResponseState(newState(id, { previousId: ids.at(-1) ?? null }));
    ids.push(id);
  }
  return ids;
}

export function runResponseStateConformance(
  label: string,
  open: OpenFreshResponseStore,
  options: { ignore?: string } = {},
): void {
  const test = (name: string, fn: (store: TraceStore & ResponseStateStore) => Promise<void>) =>
    Deno.test({
      name: `${label} response store: ${name}`,
      ignore: options.ignore !== undefined,
      sanitizeResources: false,
      fn: async () => {
        const store = await open();
        try {
          await fn(store);
        } finally {
          await store.close();
        }
      },
    });

  test("put then get: every field back, the state's JSON byte for byte", async (s) => {
    // Key order and a non-ASCII string survive (PostgreSQL jsonb would reorder the keys).
    const state = { z: 1, a: { y: [1, 2.5, null], b: "héllo \u{1F600}" }, m: true };
    await s.putResponseState(newState("resp_1", { state, createdAt: "2026-05-01T12:00:00+02:00" }));
    const got = await s.getResponseState(tenantA, "resp_1");
    assert.deepStrictEqual(got, {
      id: "resp_1",
      previousId: null,
      model: "gpt-5.1",
      createdAt: "2026-05-01T10:00:00.000Z",
      expiresAt: "2999-01-01T00:00:00.000Z",
      state,
    });
    assert.equal(JSON.stringify(got!.state), JSON.stringify(state));
    assert.equal(await s.getResponseState(tenantA, "resp_missing"), null);
  });

  test("a tenant never reads, chains or deletes another's state; ids are per tenant", async (s) => {
    await s.putResponseState(newState("resp_a"));
    assert.equal(await s.getResponseState(tenantB, "resp_a"), null);
    assert.equal(
      await s.getResponseState({ org_id: "org-b", workspace_id: "ws-1" }, "resp_a"),
      null,
    );
    assert.equal(await s.responseChain(tenantB, "resp_a", limits), null);
    assert.equal(await s.deleteResponseState(tenantB, "resp_a"), false);
    assert.equal((await s.getResponseState(tenantA, "resp_a"))?.id, "resp_a");
    // B's own state under the same id is B's alone.
    await s.putResponseState(newState("resp_a", { scope: tenantB, state: { owner: "b" } }));
    assert.deepStrictEqual((await s.getResponseState(tenantB, "resp_a"))?.state, { owner: "b" });
    assert.equal((await s.getResponseState(tenantA, "resp_a"))?.state.owner, undefined);
    // A chain never crosses into another tenant: B's r2 names A's r1, which B cannot see.
    await s.putResponseState(newState("r1"));
    await s.putResponseState(newState("r2", { scope: tenantB, previousId: "r1" }));
    await assert.rejects(
      s.responseChain(tenantB, "r2", limits),
      isStateError("chain_broken", /needs response r1/),
    );
  });

  test("an expired state is not returned, chained or deleted", async (s) => {
    await s.putResponseState(newState("old", expired));
    assert.equal(await s.getResponseState(tenantA, "old"), null);
    assert.equal(await s.responseChain(tenantA, "old", limits), null);
    assert.equal(await s.deleteResponseState(tenantA, "old"), false);
  });

  test("a chain comes back oldest first, from any turn", async (s) => {
    const ids = await putChain(s, 4);
    const chain = await s.responseChain(tenantA, "r4", limits);
    assert.deepStrictEqual(chain?.map((c) => c.id), ids);
    assert.deepStrictEqual(chain?.map((c) => c.previousId), [null, "r1", "r2", "r3"]);
    assert.deepStrictEqual(chain?.[2]?.state, newState("r3").state);
    assert.deepStrictEqual(
      (await s.responseChain(tenantA, "r2", limits))?.map((c) => c.id),
      ["r1", "r2"],
    );
    assert.deepStrictEqual(
      (await s.responseChain(tenantA, "r1", limits))?.map((c) => c.id),
      ["r1"],
    );
    assert.equal(await s.responseChain(tenantA, "r9", limits), null);
  });

  test("the hop limit counts states, the id's own included", async (s) => {
    await putChain(s, 5);
    assert.equal((await s.responseChain(tenantA, "r5", { ...limits, maxHops: 5 }))?.length, 5);
    await assert.rejects(
      s.responseChain(tenantA, "r5", { ...limits, maxHops: 4 }),
      isStateError("chain_hops", /longer than 4 responses \(the hop limit\)/),
    );
    assert.equal((await s.responseChain(tenantA, "r4", { ...limits, maxHops: 4 }))?.length, 4);
  });

  test("the byte limit is the chain's serialised states together", async (s) => {
    const ids = await putChain(s, 3);
    const total = ids.reduce((n, id) => n + JSON.stringify(newState(id).state).length, 0);
    const chain = await s.responseChain(tenantA, "r3", { ...limits, maxBytes: total });
    assert.equal(chain?.length, 3);
    await assert.rejects(
      s.responseChain(tenantA, "r3", { ...limits, maxBytes: total - 1 }),
      isStateError("chain_bytes", new RegExp(`more than ${total - 1} bytes \\(the byte limit\\)`)),
    );
  });

  test("a cycle is refused by name, whichever turn it is entered from", async (s) => {
    await s.putResponseState(newState("c1", { previousId: "c3" }));
    await s.putResponseState(newState("c2", { previousId: "c1" }));
    await s.putResponseState(newState("c3", { previousId: "c2" }));
    for (const id of ["c1", "c2", "c3"]) {
      await assert.rejects(
        s.responseChain(tenantA, id, limits),
        isStateError("chain_cycle", new RegExp(`chain of response ${id} loops back`)),
      );
    }
    // A cycle longer than the hop limit is over the hop limit first.
    await assert.rejects(
      s.responseChain(tenantA, "c3", { ...limits, maxHops: 2 }),
      isStateError("chain_hops"),
    );
  });

  test("a deleted or expired earlier turn breaks the chain, naming it", async (s) => {
    await putChain(s, 3);
    assert.equal(await s.deleteResponseState(tenantA, "r2"), true);
    await assert.rejects(
      s.responseChain(tenantA, "r3", limits),
      isStateError("chain_broken", /needs response r2, which expired or was deleted/),
    );
    await s.putResponseState(newState("e1", expired));
    await s.putResponseState(newState("e2", { previousId: "e1" }));
    await assert.rejects(s.responseChain(tenantA, "e2", limits), isStateError("chain_broken"));
  });

  test("delete: true once, then false; a missing id is false", async (s) => {
    await s.putResponseState(newState("d1"));
    assert.equal(await s.deleteResponseState(tenantA, "d1"), true);
    assert.equal(await s.getResponseState(tenantA, "d1"), null);
    assert.equal(await s.deleteResponseState(tenantA, "d1"), false);
    assert.equal(await s.deleteResponseState(tenantA, "never"), false);
  });

  test("purge deletes every tenant's expired states, bounded, and nothing live", async (s) => {
    const soon = { expiresAt: "2990-01-01T00:00:00.000Z" };
    await s.putResponseState(newState("p1", soon));
    await s.putResponseState(newState("p2", { ...soon, scope: tenantB }));
    await s.putResponseState(newState("p3", soon));
    await s.putResponseState(newState("live", { expiresAt: "3100-01-01T00:00:00.000Z" }));
    const at = "3000-01-01T00:00:00.000Z";
    assert.equal(await s.purgeExpiredResponseStates(at, 2), 2);
    assert.equal(await s.purgeExpiredResponseStates(at), 1);
    assert.equal(await s.purgeExpiredResponseStates(at), 0);
    // Purged rows are gone even for a reader whose clock is before their expiry.
    assert.equal(await s.getResponseState(tenantA, "p1"), null);
    assert.equal(await s.getResponseState(tenantB, "p2"), null);
    assert.equal((await s.getResponseState(tenantA, "live"))?.id, "live");
    // An expiry exactly at `now` is expired.
    await s.putResponseState(newState("edge", { expiresAt: "3050-01-01T00:00:00.000Z" }));
    assert.equal(await s.purgeExpiredResponseStates("3050-01-01T00:00:00.000Z"), 1);
    await assert.rejects(s.purgeExpiredResponseStates(at, 0), RangeError);
    await assert.rejects(s.purgeExpiredResponseStates("yesterday"), /now is not an RFC 3339/);
  });

  test("each put purges expired states as it goes, so they never pile up", async (s) => {
    for (let i = 0; i < 6; i++) await s.putResponseState(newState(`x${i}`, expired));
    await s.putResponseState(newState("fresh"));
    // Every put deleted the ones before it: none is left for the retention purge.
    assert.equal(await s.purgeExpiredResponseStates(new Date().toISOString()), 0);
    assert.equal((await s.getResponseState(tenantA, "fresh"))?.id, "fresh");
  });

  test("a second put of a live id is refused, the first kept; an expired one is replaced", async (s) => {
    await s.putResponseState(newState("dup", { state: { first: true } }));
    await assert.rejects(
      s.putResponseState(newState("dup", { state: { first: false } })),
      isStateError("duplicate_id", /response dup is already stored; response ids are unique/),
    );
    assert.deepStrictEqual((await s.getResponseState(tenantA, "dup"))?.state, { first: true });
    // An expired state is gone for every reader: its id takes a new state.
    await s.putResponseState(newState("gone", { ...expired, state: { old: true } }));
    await s.putResponseState(newState("gone", { previousId: "dup", state: { old: false } }));
    const replaced = await s.getResponseState(tenantA, "gone");
    assert.deepStrictEqual([replaced?.previousId, replaced?.state], ["dup", { old: false }]);
    await assert.rejects(s.putResponseState(newState("gone")), isStateError("duplicate_id"));
  });

  test("two concurrent puts of one id: exactly one is stored, the other refused", async (s) => {
    for (let round = 0; round < 5; round++) {
      const id = `race${round}`;
      const results = await Promise.allSettled([
        s.putResponseState(newState(id, { state: { by: "one" } })),
        s.putResponseState(newState(id, { state: { by: "two" } })),
      ]);
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r) => r.status === "rejected");
      assert.equal(won.length, 1);
      assert.ok(isStateError("duplicate_id")((lost[0] as PromiseRejectedResult).reason));
      const winner = results[0]!.status === "fulfilled" ? "one" : "two";
      assert.deepStrictEqual((await s.getResponseState(tenantA, id))?.state, { by: winner });
    }
  });

  test("a state over the byte cap is refused with its size, and not kept", async (s) => {
    const atCap = maxResponseStateBytes - JSON.stringify({ t: "" }).length;
    await s.putResponseState(newState("cap", { state: { t: "x".repeat(atCap) } }));
    assert.equal((await s.getResponseState(tenantA, "cap"))?.state.t, "x".repeat(atCap));
    await assert.rejects(
      s.putResponseState(newState("big", { state: { t: "x".repeat(atCap + 1) } })),
      isStateError(
        "state_too_large",
        new RegExp(
          `${maxResponseStateBytes + 1} bytes serialised, over the ${maxResponseStateBytes}`,
        ),
      ),
    );
    // Counted in UTF-8: under the cap in UTF-16 units, over it in bytes.
    const wide = "é".repeat(maxResponseStateBytes / 2);
    await assert.rejects(
      s.putResponseState(newState("wide", { state: { t: wide } })),
      isStateError("state_too_large"),
    );
    assert.equal(await s.getResponseState(tenantA, "big"), null);
    assert.equal(await s.getResponseState(tenantA, "wide"), null);
  });

  test("malformed input is refused before any SQL, saying what was wrong", async (s) => {
    const bad: [Partial<NewResponseState>, RegExp][] = [
      [{ scope: { org_id: "o" } as never }, /org_id and workspace_id strings/],
      [{ id: "" }, /response id must be a non-empty string/],
      [{ id: "r".repeat(513) }, /at most 512 characters/],
      [{ previousId: "self" }, /cannot continue from itself/],
      [{ model: 7 as never }, /model must be a non-empty string/],
      [{ createdAt: "May 1st" }, /createdAt is not an RFC 3339 timestamp/],
      [{ expiresAt: "2026-05-01T09:00:00Z" }, /expiresAt .* must be after createdAt/],
      [{ state: [] as never }, /must be a JSON object/],
      [{ state: { n: 1n } as never }, /must be JSON-serialisable/],
    ];
    for (const [over, message] of bad) {
      await assert.rejects(s.putResponseState(newState("self", over)), message);
    }
    assert.equal(await s.getResponseState(tenantA, "self"), null);
    await assert.rejects(s.getResponseState(tenantA, ""), TypeError);
    await assert.rejects(s.getResponseState(undefined as never, "x"), /needs a scope/);
    for (const bounds of [{ maxHops: 0 }, { maxHops: 1001 }, { maxBytes: 0 }, { maxBytes: 1.5 }]) {
      await assert.rejects(s.responseChain(tenantA, "x", { ...limits, ...bounds }), RangeError);
    }
  });
}
