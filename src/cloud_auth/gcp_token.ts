/**
 * OAuth access tokens for Vertex AI from the gateway's own service account, for clients that send
 * none (Claude Code with `CLAUDE_CODE_SKIP_VERTEX_AUTH=1`). One token is cached per source and
 * refreshed ahead of its expiry (5 minutes, google-auth-library's `eagerRefreshThresholdMillis`)
 * in the background: while the cached token stays valid past a small margin it is answered at
 * once, so a slow token endpoint delays no request. Only a caller with no valid token waits, and
 * its abort signal ends its wait. Concurrent callers share one refresh, and a failed refresh is
 * shared for a second so that a down token endpoint gets one request per second, not one per
 * client request. Fetch and clock are injected; the answer is read within a cap.
 */

import { timingSafeEqual } from "node:crypto";
import { CloudAuthError } from "./cloud_auth_error.ts";
import {
  cloudPlatformScope,
  type GcpServiceAccount,
  importServiceAccountKey,
  serviceAccountAssertion,
} from "./gcp_jwt.ts";

export interface GcpAccessToken {
  token: string;
  /** When the token endpoint said it expires (ms since the epoch, by the injected clock). */
  expiresAtMs: number;
}

export interface GcpTokenSourceOptions {
  account: GcpServiceAccount;
  /** Names the key in errors: `providers.vertex.gcp.service_account_json`. */
  source?: string;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch. */
  now?: () => number;
  scope?: string;
  /** Refresh this long before expiry (default 300 000). */
  refreshBeforeMs?: number;
  /** Answer a failed refresh's error again for this long before trying anew (default 1 000). */
  failureHoldMs?: number;
  /**
   * A cached token with more life than this is answered while a refresh runs in the background
   * (default 60 000): a request sent with it reaches Google before it expires.
   */
  validMarginMs?: number;
  /** A refusal (401) drops the cached token at most once in this long (default 5 000). */
  invalidateHoldMs?: number;
  /** Give up on the token endpoint after this long (default 30 000). */
  timeoutMs?: number;
  /** Largest token endpoint answer read (default 64 KiB). */
  maxResponseBytes?: number;
}

/** Longest lifetime trusted from `expires_in`: Google's access tokens last an hour, at most 12. */
const maxLifetimeS = 12 * 3600;

export class GcpTokenSource {
  readonly #account: GcpServiceAccount;
  readonly #source: string;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #scope: string;
  readonly #refreshBeforeMs: number;
  readonly #failureHoldMs: number;
  readonly #validMarginMs: number;
  readonly #invalidateHoldMs: number;
  #invalidatedAtMs: number | null = null;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  #key: Promise<CryptoKey> | null = null;
  #cached: { token: GcpAccessToken; refreshAtMs: number } | null = null;
  #pending: Promise<GcpAccessToken> | null = null;
  #failure: { error: unknown; atMs: number } | null = null;
  #exchanges = 0;

  constructor(options: GcpTokenSourceOptions) {
    this.#account = options.account;
    this.#source = options.source ?? "the service-account JSON";
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
    this.#scope = options.scope ?? cloudPlatformScope;
    this.#refreshBeforeMs = options.refreshBeforeMs ?? 300_000;
    this.#failureHoldMs = options.failureHoldMs ?? 1_000;
    this.#validMarginMs = options.validMarginMs ?? 60_000;
    this.#invalidateHoldMs = options.invalidateHoldMs ?? 5_000;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
  }

  /** Token endpoint requests made so far (for tests and diagnostics). */
  get exchanges(): number {
    return this.#exchanges;
  }

  /**
   * A token valid now: the cached one while it is fresh; while it is due for refresh but valid
   * past the margin, the cached one too, with one shared refresh started in the background; else
   * the result of that refresh, waited for until `signal` aborts. When a refresh fails while the
   * cached token has not yet expired, that token is answered.
   */
  async token(signal?: AbortSignal): Promise<GcpAccessToken> {
    const now = this.#now();
    const cached = this.#cached;
    if (cached !== null && now < cached.refreshAtMs) return cached.token;
    if (cached !== null && now < cached.token.expiresAtMs - this.#validMarginMs) {
      // Its failure is kept (#failure) and met by the first caller that must wait.
      this.#refresh(now).catch(() => {});
      return cached.token;
    }
    try {
      return await this.#waitFor(this.#refresh(now), signal);
    } catch (error) {
      const still = this.#cached?.token;
      if (still !== undefined && this.#now() < still.expiresAtMs) return still;
      throw error;
    }
  }

  /**
   * Forgets the cached token when it is `token` (the upstream refused it): a refusal of an older
   * token, answered late, keeps the newer one. At most once per `invalidateHoldMs`, so a burst
   * of 401s (a permission missing, not a stale token) costs one token exchange, not one each.
   * True when the token was dropped.
   */
  invalidate(token: string): boolean {
    const cached = this.#cached;
    if (cached === null || !sameToken(cached.token.token, token)) return false;
    const now = this.#now();
    const last = this.#invalidatedAtMs;
    if (last !== null && now - last < this.#invalidateHoldMs) return false;
    this.#invalidatedAtMs = now;
    this.#cached = null;
    return true;
  }

  /** The shared refresh, or this caller's abort, whichever comes first (the refresh goes on). */
  #waitFor(refresh: Promise<GcpAccessToken>, signal: AbortSignal | undefined) {
    if (signal === undefined) return refresh;
    const ended = () =>
      new CloudAuthError(
        "gcp_token_wait_aborted",
        `${this.#source}: the request ended (the client left or a time limit passed) while ` +
          "waiting for an access token",
      );
    if (signal.aborted) return Promise.reject(ended());
    return new Promise<GcpAccessToken>((resolve, reject) => {
      const onAbort = () => reject(ended());
      signal.addEventListener("abort", onAbort, { once: true });
      refresh.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  #refresh(now: number): Promise<GcpAccessToken> {
    if (this.#pending !== null) return this.#pending;
    const failure = this.#failure;
    if (failure !== null && now - failure.atMs < this.#failureHoldMs) {
      return Promise.reject(failure.error);
    }
    const pending = this.#exchange().then(
      (entry) => {
        this.#cached = entry;
        this.#failure = null;
        return entry.token;
      },
      (error: unknown) => {
        this.#failure = { error, atMs: this.#now() };
        throw error;
      },
    ).finally(() => {
      this.#pending = null;
    });
    this.#pending = pending;
    return pending;
  }

  async #exchange(): Promise<{ token: GcpAccessToken; refreshAtMs: number }> {
    this.#key ??= importServiceAccountKey(this.#account.privateKeyPem, this.#source);
    let key: CryptoKey;
    try {
      key = await this.#key;
    } catch (error) {
      this.#key = null;
      throw error;
    }
    const assertion = await serviceAccountAssertion(this.#account, key, this.#scope, this.#now());
    const body = new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion,
    });
    this.#exchanges++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    try {
      const response = await this.#post(body, controller.signal);
      const text = await this.#readCapped(response, controller.signal);
      return this.#tokenOf(response.status, text);
    } finally {
      clearTimeout(timer);
    }
  }

  async #post(body: URLSearchParams, signal: AbortSignal): Promise<Response> {
    try {
      return await this.#fetch(this.#account.tokenUri, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body,
        signal,
      });
    } catch (error) {
      const why = signal.aborted
        ? `no answer within ${this.#timeoutMs} ms`
        : error instanceof Error
        ? error.message.slice(0, 200)
        : "fetch failed";
      throw new CloudAuthError(
        "gcp_token_unreachable",
        `${this.#source}: the token endpoint ${this.#endpoint()} could not be reached (${why})`,
      );
    }
  }

  #endpoint(): string {
    const url = new URL(this.#account.tokenUri);
    return url.origin + url.pathname;
  }

  /** The answer as text, refusing more than the cap (the reader is cancelled there). */
  async #readCapped(response: Response, signal: AbortSignal): Promise<string> {
    const reader = response.body?.getReader();
    if (reader === undefined) return "";
    const parts: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > this.#maxResponseBytes) {
          await reader.cancel().catch(() => {});
          throw new CloudAuthError(
            response.ok ? "gcp_token_response_invalid" : "gcp_token_refused",
            `${this.#source}: the token endpoint's answer (HTTP ${response.status}) is over ${
              Math.floor(this.#maxResponseBytes / 1024)
            } KiB`,
            response.ok ? null : response.status,
          );
        }
        parts.push(value);
      }
    } catch (error) {
      if (error instanceof CloudAuthError) throw error;
      const why = signal.aborted
        ? `not complete within ${this.#timeoutMs} ms`
        : error instanceof Error
        ? error.message.slice(0, 200)
        : "read failed";
      throw new CloudAuthError(
        "gcp_token_unreachable",
        `${this.#source}: the token endpoint's answer broke off (${why})`,
      );
    }
    const all = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.byteLength;
    }
    return new TextDecoder().decode(all);
  }

  #tokenOf(status: number, text: string): { token: GcpAccessToken; refreshAtMs: number } {
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // An error page (HTML from a proxy) is reported by status below; a 2xx must be JSON.
    }
    const o = typeof json === "object" && json !== null ? json as Record<string, unknown> : {};
    if (status < 200 || status > 299) {
      throw new CloudAuthError(
        "gcp_token_refused",
        `${this.#source}: the token endpoint ${this.#endpoint()} answered HTTP ${status}: ${
          googleErrorOf(o, text)
        }`,
        status,
      );
    }
    const token = o.access_token;
    const expiresIn = o.expires_in;
    if (typeof token !== "string" || !/^[\x21-\x7e]+$/.test(token)) {
      throw new CloudAuthError(
        "gcp_token_response_invalid",
        `${this.#source}: the token endpoint answered HTTP ${status} without a usable "access_token"`,
      );
    }
    if (typeof expiresIn !== "number" || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new CloudAuthError(
        "gcp_token_response_invalid",
        `${this.#source}: the token endpoint's answer has no positive "expires_in"`,
      );
    }
    const lifetimeMs = Math.min(expiresIn, maxLifetimeS) * 1000;
    const now = this.#now();
    // A token shorter-lived than the refresh lead is used for half its life, not refetched on
    // every call.
    const refreshAtMs = now + Math.max(lifetimeMs - this.#refreshBeforeMs, lifetimeMs / 2);
    return { token: { token, expiresAtMs: now + lifetimeMs }, refreshAtMs };
  }
}

/** Google's OAuth error (`error: error_description`) or the start of a non-JSON answer. */
function googleErrorOf(o: Record<string, unknown>, text: string): string {
  const clip = (s: string) => s.replace(/[^\x20-\x7e\u00a0-\uffff]+/g, " ").trim().slice(0, 300);
  if (typeof o.error === "string") {
    const description = typeof o.error_description === "string" ? o.error_description : "";
    return clip(description === "" ? o.error : `${o.error}: ${description}`);
  }
  // Google APIs' other error shape: {"error": {"code", "message", "status"}}.
  if (typeof o.error === "object" && o.error !== null) {
    const message = (o.error as Record<string, unknown>).message;
    if (typeof message === "string") return clip(message);
  }
  return text.trim() === "" ? "(empty answer)" : clip(text);
}

const tokenEncoder = new TextEncoder();

/** Access tokens are secrets: compared in constant time, never with `===`. */
function sameToken(cached: string, refused: string): boolean {
  const a = tokenEncoder.encode(cached);
  const b = tokenEncoder.encode(refused);
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}
