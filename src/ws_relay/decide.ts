/**
 * Whether an upgrade is relayed, and the 426 it gets when not. Pure. 426 is the one answer Codex
 * falls back to HTTPS on at once (one attempt); 404, 405 and 5xx make it retry seven times (6-15 s
 * lost) and 400 is fatal to it (research/issue18_agents.md section 3).
 */
import { GatewayError } from "../errors/mod.ts";
import type { DialFailure } from "./dial.ts";

export interface RelayQuestion {
  providerId: string;
  prefix: string;
  path: string;
  /** The provider's wire format has a WebSocket mode on this path. */
  accepts: boolean;
  /** `providers.<id>.websockets`. */
  enabled: boolean;
  draining: boolean;
  open: number;
  maxOpen: number;
  /** Relays open (or dialing) for this caller's key. */
  openForKey: number;
  maxPerKey: number;
  /**
   * The PII policy of this request when it changes or blocks what goes upstream
   * (`redact_upstream`, `block`); null otherwise.
   */
  guardingPolicy: { id: string; mode: string } | null;
}

const fallback = "use HTTPS (Codex falls back to it by itself)";

export function relayRefusal(q: RelayQuestion): GatewayError | null {
  const message = refusalMessage(q);
  return message === null ? null : new GatewayError("websocket_not_relayed", message);
}

function refusalMessage(q: RelayQuestion): string | null {
  if (!q.accepts) {
    return `WebSocket upgrades are relayed only on the Responses API of providers with an ` +
      `OpenAI wire format (GET ${q.prefix}/v1/responses), not on ${q.path.slice(0, 200)}; ` +
      fallback;
  }
  if (!q.enabled) {
    return `WebSocket relaying is off for provider ${q.providerId} ` +
      `(providers.${q.providerId}.websockets: false); ${fallback}`;
  }
  if (q.draining) return `the gateway is shutting down; ${fallback}`;
  if (q.open >= q.maxOpen) {
    return `${q.open} WebSocket relays are open, the most this gateway keeps; ${fallback}`;
  }
  if (q.openForKey >= q.maxPerKey) {
    return `${q.openForKey} WebSocket relays are open for this key, the most one key may keep ` +
      `open (close idle ones); ${fallback}`;
  }
  const p = q.guardingPolicy;
  if (p !== null) {
    // The PII request stage inspects a whole body before anything is forwarded and may rewrite
    // or refuse it; the streaming response stage rewrites events. The relay passes frames on
    // unchanged, so traffic under such a policy goes over HTTPS, where all of it applies.
    return `PII policy ${p.id} (mode ${p.mode}) applies to this request and is enforced on ` +
      `HTTPS only; ${fallback}`;
  }
  return null;
}

/** The upstream could not be opened: 426 naming the cause. */
export function dialRefusal(providerId: string, f: DialFailure): GatewayError {
  if (f.cause === "refused") {
    const answered = f.status === null ? "did not accept" : `answered ${f.status} to`;
    return new GatewayError(
      "websocket_upstream_refused",
      `provider ${providerId}'s upstream ${answered} the WebSocket upgrade (it may not speak ` +
        `the Responses API's WebSocket mode); ${fallback}, or set ` +
        `providers.${providerId}.websockets: false to skip the attempt`,
    );
  }
  const what = f.cause === "timeout" ? "did not open in time" : "could not be reached";
  return new GatewayError(
    "websocket_upstream_unreachable",
    `provider ${providerId}'s upstream ${what} for a WebSocket (${f.detail}); ${fallback}`,
  );
}
