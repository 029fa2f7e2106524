/**
 * Tools billed per use, counted from what the answer reports (`BillingFacts.server_tool_uses`,
 * keyed as each provider names them) under the names price rows give them (`per_use`).
 */
import type { PerUseTool } from "../config/mod.ts";

/** A provider's count name to the tool it bills; null: billed through tokens, not per use. */
const toolOf: Readonly<Record<string, PerUseTool | null>> = {
  web_search_requests: "web_search", // Anthropic usage.server_tool_use
  web_fetch_requests: "web_fetch",
  code_execution_requests: "code_execution",
  web_search_calls: "web_search", // OpenAI Responses output items
  file_search_calls: "file_search",
  code_interpreter_calls: "code_interpreter",
  // OpenAI: MCP, computer use and shell calls are billed as the tokens they add.
  mcp_calls: null,
  computer_calls: null,
  local_shell_calls: null,
  shell_calls: null,
  function_calls: null,
  custom_tool_calls: null,
};

/** Gemini grounding: counted both ways by the reader, billed one way by the model. */
const geminiSearch = { prompt: "grounded_prompts", query: "web_search_queries" } as const;

/**
 * `[tool, uses]` of each tool used, summed by tool. A count name not known here is kept under its
 * own name without `_requests` / `_calls` (no row prices it, so the cost says it is left out).
 */
export function perUseCounts(
  uses: Readonly<Record<string, number>> | undefined,
  webSearchUnit: "query" | "prompt" | undefined,
): [string, number][] {
  if (uses === undefined) return [];
  const out = new Map<string, number>();
  const billed = geminiSearch[webSearchUnit ?? "prompt"];
  for (const [name, count] of Object.entries(uses)) {
    if (count <= 0) continue;
    let tool: string | null;
    if (name === geminiSearch.prompt || name === geminiSearch.query) {
      tool = name === billed ? "web_search" : null;
    } else {
      tool = name in toolOf ? toolOf[name]! : name.replace(/_(requests|calls)$/, "");
    }
    if (tool !== null) out.set(tool, (out.get(tool) ?? 0) + count);
  }
  return [...out];
}
