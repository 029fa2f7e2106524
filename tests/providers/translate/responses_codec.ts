/**
 * The Responses codec behind the `Codec` shape of codecs.ts, kept apart so the shared file of
 * part T0 is not edited by several parts at once.
 */
import {
  decodeResponsesRequest,
  decodeResponsesResponse,
  encodeResponsesRequest,
  encodeResponsesResponse,
} from "../../../src/providers/translate/mod.ts";
import { type Codec, created } from "./codecs.ts";

/** Goldens re-encode what they decoded: `store` as the wire had it is not part of the IR, so the
 *  codec goldens use an upstream that keeps no state (what a translated cell sends). */
export const responsesCodec: Codec = {
  decodeRequest: (b, n) => decodeResponsesRequest(b, n),
  encodeRequest: (r, n) => encodeResponsesRequest(r, { store: false }, n),
  decodeResponse: (b, n) => decodeResponsesResponse(b, n),
  encodeResponse: (r, n) => encodeResponsesResponse(r, { createdAt: created }, n),
};
