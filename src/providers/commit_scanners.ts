/**
 * Which commit rules a response gets: only a 2xx event stream answering a POST to a generation
 * endpoint the wire format knows. Anything else (a JSON answer, an error status, a stored-object
 * read) has no stream commit point: its status decides.
 */
import { AnthropicCommitRules } from "./commit_anthropic.ts";
import { OpenAiChatCommitRules } from "./commit_openai_chat.ts";
import { OpenAiResponsesCommitRules } from "./commit_openai_responses.ts";
import { cleanPath, endsWithSegments } from "./paths.ts";
import { isEventStream } from "./response_parser.ts";
import { type CommitOptions, StreamCommitScanner } from "./stream_commit.ts";
import type { ResponseInfo } from "./types.ts";

function streamedGeneration(info: ResponseInfo): boolean {
  const post = info.method === undefined || info.method.toUpperCase() === "POST";
  return post && info.status >= 200 && info.status < 300 && isEventStream(info);
}

export function openAiCommitScanner(
  info: ResponseInfo,
  options: CommitOptions,
): StreamCommitScanner | null {
  if (!streamedGeneration(info)) return null;
  const path = cleanPath(info.path);
  if (endsWithSegments(path, "responses")) {
    return new StreamCommitScanner(new OpenAiResponsesCommitRules("sse"), options);
  }
  if (endsWithSegments(path, "chat/completions") || endsWithSegments(path, "completions")) {
    return new StreamCommitScanner(new OpenAiChatCommitRules(), options);
  }
  return null;
}

/** The Responses WebSocket mode: its server frames are the SSE events' data. */
export function responsesWebSocketCommitScanner(options: CommitOptions): StreamCommitScanner {
  return new StreamCommitScanner(new OpenAiResponsesCommitRules("websocket"), options);
}

export function anthropicCommitScanner(
  info: ResponseInfo,
  options: CommitOptions,
): StreamCommitScanner | null {
  if (!streamedGeneration(info)) return null;
  return endsWithSegments(cleanPath(info.path), "messages")
    ? new StreamCommitScanner(new AnthropicCommitRules(), options)
    : null;
}
