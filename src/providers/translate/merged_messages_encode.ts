/**
 * The message list of the two block-based targets (Anthropic Messages, Bedrock Converse): both
 * refuse an empty message and alternate roles strictly, and both want tool results first in
 * their user message. One loop, so the two encoders cannot drift apart.
 */
import type { ContentBlock, Request } from "./ir.ts";
import type { Obj } from "./json.ts";
import type { Notes } from "./notes.ts";

/** How one target writes a block, and which of its blocks are tool results. */
export interface BlockTarget {
  /** The provider's name, for the note on a message left empty. */
  name: string;
  encodeBlock(b: ContentBlock, field: string, model: string, notes: Notes): Obj | null;
  isToolResult(b: Obj): boolean;
}

/** Consecutive messages of one role merge (Chat's tool messages then a user message); a
 *  message left empty by drops goes, noted (plan section 11); tool results lead their user
 *  message. */
export function encodeMergedMessages(req: Request, notes: Notes, target: BlockTarget): Obj[] {
  const out: { role: string; content: Obj[] }[] = [];
  req.messages.forEach((m, i) => {
    const blocks: Obj[] = [];
    m.content.forEach((b, j) => {
      const encoded = target.encodeBlock(b, `messages[${i}].content[${j}]`, req.model, notes);
      if (encoded !== null) blocks.push(encoded);
    });
    if (blocks.length === 0) {
      const reason = `nothing in this message could be sent to ${target.name}`;
      notes.add("dropped", `messages[${i}]`, reason);
      return;
    }
    const last = out[out.length - 1];
    if (last !== undefined && last.role === m.role) last.content.push(...blocks);
    else out.push({ role: m.role, content: blocks });
  });
  const rank = (b: Obj) => target.isToolResult(b) ? 0 : 1;
  for (const m of out) {
    if (m.role === "user") m.content.sort((a, b) => rank(a) - rank(b));
  }
  return out;
}
