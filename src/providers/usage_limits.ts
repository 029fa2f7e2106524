/**
 * How much of an answer the usage reader may hold, whatever the upstream sends. Usage and model
 * members are a few hundred bytes; the largest real SSE events are the Responses API's
 * `response.completed` and image-generation events, which carry whole base64 images (a few MB).
 * Past a bound the reader stops and usage reads as unknown (see `UsageUnknownReason`); the
 * client still gets every byte.
 */
export const usageReadLimits = {
  /**
   * Raw bytes kept per JSON member the reader asked for (`usage`, `model`). Also the largest body
   * read whole with JSON.parse (see response_parser.ts), hence not smaller.
   */
  memberBytes: 256 * 1024,
  /**
   * Elements kept of one array a reader asked about (`output[*].type`: the tool calls of a
   * Responses answer); past them the array's other elements are skipped and the reader is told
   * some were (json_member_paths.ts). What is kept of them all, together, is bounded by
   * `memberBytes`, as one member.
   */
  arrayElements: 4096,
  /** Characters of one SSE line or event (its data lines together) held until it ends. */
  sseEventChars: 16 * 1024 * 1024,
} as const;
