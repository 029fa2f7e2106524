/**
 * The codecs of this session behind one shape, for the golden and property tests: decode and
 * encode a request or an answer of a protocol, with the options every cell uses here.
 */
import {
  decodeAnthropicRequest,
  decodeAnthropicResponse,
  decodeChatRequest,
  decodeChatResponse,
  encodeAnthropicRequest,
  encodeAnthropicResponse,
  encodeChatRequest,
  encodeChatResponse,
  type Notes,
  openaiChatOptions,
  openaiDialect,
  type Request,
  type Response,
} from "../../../src/providers/translate/mod.ts";

export type TestedProtocol = "anthropic.messages" | "openai.chat";
export const testedProtocols: readonly TestedProtocol[] = ["anthropic.messages", "openai.chat"];

/** Anthropic targets get a max_tokens default and budgets (no adaptive thinking) in these cells. */
export const anthropicOptions = { defaultMaxTokens: 16000, adaptiveThinking: false };
/** Codec goldens re-encode what they decoded, so adaptive stays adaptive there. */
export const anthropicRoundOptions = { defaultMaxTokens: null, adaptiveThinking: true };
export const created = 1765000000;
export interface Codec {
  decodeRequest(body: unknown, notes: Notes): Request;
  encodeRequest(req: Request, notes: Notes, roundTrip?: boolean): unknown;
  decodeResponse(body: unknown, notes: Notes): Response;
  encodeResponse(res: Response, notes: Notes): unknown;
}

export const codecs: Readonly<Record<TestedProtocol, Codec>> = {
  "anthropic.messages": {
    decodeRequest: (b, n) => decodeAnthropicRequest(b, n),
    encodeRequest: (r, n, round) =>
      encodeAnthropicRequest(r, round ? anthropicRoundOptions : anthropicOptions, n),
    decodeResponse: (b, n) => decodeAnthropicResponse(b, n),
    encodeResponse: (r, n) => encodeAnthropicResponse(r, n),
  },
  "openai.chat": {
    decodeRequest: (b, n) => decodeChatRequest(b, openaiDialect, n),
    encodeRequest: (r, n) => encodeChatRequest(r, openaiChatOptions, n),
    decodeResponse: (b, n) => decodeChatResponse(b, openaiDialect, n),
    encodeResponse: (r, n) => encodeChatResponse(r, { dialect: openaiDialect, created }, n),
  },
};

export function readJson(path: string): unknown {
  return JSON.parse(Deno.readTextFileSync(path));
}

export function readJsonOr(path: string, fallback: unknown): unknown {
  try {
    return readJson(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return fallback;
    throw e;
  }
}
