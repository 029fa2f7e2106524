/**
 * Verifies a store's whole audit chain, page by page (bounded memory): the pure walk of
 * audit_chain.ts over `auditChain`, then the tail against the store's head.
 */
import { type AuditProblem, auditWalkStart, checkAuditTail, walkAuditPage } from "./audit_chain.ts";
import type { AuditStore } from "./audit_store.ts";

export interface AuditVerifyResult {
  ok: boolean;
  /** Entries found valid before the first problem (all of them when ok). */
  checked: number;
  /** The head the store records. */
  head: { seq: number; hash: string };
  /** The first problem, by seq; null when the chain is valid. */
  problem: AuditProblem | null;
}

/**
 * An entry past the head read before the walk is fine when the head has moved on since (an
 * append during the walk); one past the head as it is now was written behind the store's back,
 * or the head was reset (or its row deleted) to hide a cut.
 */
async function pastHead(
  store: Pick<AuditStore, "auditChain" | "auditHead">,
  head: { seq: number; hash: string },
): Promise<AuditProblem | null> {
  const [beyond] = await store.auditChain(head.seq + 1, 1);
  if (beyond === undefined) return null;
  const now = await store.auditHead();
  if (now.seq >= beyond.seq) return null;
  return {
    kind: "changed",
    seq: beyond.seq,
    message: `audit entry ${beyond.seq} lies past the head (seq ${now.seq}): the head was ` +
      "reset or the entry was written behind the store's back",
  };
}

export async function verifyAuditChain(
  store: Pick<AuditStore, "auditChain" | "auditHead">,
  pageSize = 1000,
): Promise<AuditVerifyResult> {
  // The head first: entries appended while the walk runs lie past it and are not judged.
  const head = await store.auditHead();
  let state = auditWalkStart;
  while (state.nextSeq <= head.seq) {
    const page = (await store.auditChain(state.nextSeq, pageSize))
      .filter((e) => e.seq <= head.seq);
    if (page.length === 0) break;
    let walked = walkAuditPage(state, page);
    if ("problem" in walked && walked.problem.kind === "changed") {
      // A swap's partner may sit on the next page: look there before calling it a change.
      const after = await store.auditChain(page[page.length - 1]!.seq + 1, pageSize);
      walked = walkAuditPage(state, page, after.filter((e) => e.seq <= head.seq));
    }
    if ("problem" in walked) {
      return { ok: false, checked: state.checked, head, problem: walked.problem };
    }
    state = walked.state;
  }
  const tail = checkAuditTail(state, head) ?? await pastHead(store, head);
  return { ok: tail === null, checked: state.checked, head, problem: tail };
}
