/**
 * The gateway-thread face of the store worker: a `TraceStore` whose calls are messages. The
 * worker runs the program's own entry module (`Deno.mainModule`), which starts the store loop
 * instead of the CLI when it finds itself named as the store worker; so a bundle or compiled
 * binary needs no second file.
 */
import type { Trace, TraceRecord } from "../traces/mod.ts";
import type {
  StoreStats,
  TenantScope,
  TraceExportPage,
  TraceExportQuery,
  TraceFilter,
  TraceListQuery,
  TracePage,
  TraceStore,
} from "./types.ts";
import { InvalidCursorError } from "./types.ts";
import { packTraces } from "./trace_pack.ts";
import { type KeyStore, keyStoreMethods } from "./key_types.ts";
import { KeyStoreForwarder } from "./key_forwarding.ts";
import type { SessionQuery, SessionRow } from "./sessions.ts";
import type { FailoverQuery, FailoverRow } from "./failovers.ts";
import type { ProviderReportInput, StoredProviderReport } from "./provider_reports.ts";
import type {
  AggregateRow,
  AnalyticsQuery,
  CostLineRow,
  PercentileRow,
} from "./analytics_types.ts";
import {
  type NewResponseState,
  type ResponseChainLimits,
  ResponseStateError,
  type ResponseStateErrorCode,
  responseStateErrorCodes,
  type ResponseStateStore,
  type StoredResponseState,
} from "./response_states.ts";
import type { AuditEntry, NewAuditEntry } from "./audit_chain.ts";
import type { AuditPage, AuditQuery, AuditStore } from "./audit_store.ts";
import {
  rebuildError,
  type SerializedError,
  type StoreMethod,
  storeWorkerName,
  type WorkerRequest,
  type WorkerResponse,
} from "./worker_protocol.ts";

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export async function openWorkerStore(
  path: string,
  moduleUrl: string,
): Promise<TraceStore & KeyStore & ResponseStateStore & AuditStore> {
  const worker = new Worker(moduleUrl, { type: "module", name: storeWorkerName });
  const store = new WorkerTraceStore(worker);
  try {
    await store.call("open", [path]);
  } catch (err) {
    worker.terminate();
    throw err;
  }
  return store;
}

function makeError(s: SerializedError): Error {
  if (s.name === "InvalidCursorError") {
    return new InvalidCursorError(s.message.replace(/^cursor is invalid \((.*?)\);.*$/s, "$1"));
  }
  const code = s.code as ResponseStateErrorCode;
  if (s.name === "ResponseStateError" && responseStateErrorCodes.includes(code)) {
    return new ResponseStateError(code, s.message);
  }
  // Refusals of malformed arguments keep their class, as from the store on this thread.
  if (s.name === "TypeError") return new TypeError(s.message);
  if (s.name === "RangeError") return new RangeError(s.message);
  return new Error(s.message);
}

class WorkerTraceStore extends KeyStoreForwarder
  implements TraceStore, ResponseStateStore, AuditStore {
  readonly driver = "sqlite" as const;
  #next = 0;
  #pending = new Map<number, Pending>();
  #dead: Error | null = null;
  /** Each key call is a message, as every other call. */
  protected readonly keys = Object.fromEntries(
    keyStoreMethods.map((m) => [m, (...args: unknown[]) => this.call(m, args)]),
  ) as unknown as KeyStore;

  constructor(private readonly worker: Worker) {
    super();
    worker.onmessage = (ev: MessageEvent<WorkerResponse>) => {
      const msg = ev.data;
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(rebuildError(msg.error, makeError));
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      this.#dead = new Error(`trace store worker failed: ${ev.message}`);
      for (const p of this.#pending.values()) p.reject(this.#dead);
      this.#pending.clear();
    };
  }

  call(op: WorkerRequest["op"], args: unknown[]): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, args } as WorkerRequest);
    });
  }

  #call<T>(op: StoreMethod, ...args: unknown[]): Promise<T> {
    return this.call(op, args) as Promise<T>;
  }

  writeBatch(traces: readonly TraceRecord[]): Promise<void> {
    const packed = packTraces(traces);
    return packed === null
      ? this.#call("writeBatch", traces)
      : this.call("writePackedBatch", [packed]) as Promise<void>;
  }
  listTraces(query: TraceListQuery): Promise<TracePage> {
    return this.#call("listTraces", query);
  }
  exportTraces(query: TraceExportQuery): Promise<TraceExportPage> {
    return this.#call("exportTraces", query);
  }
  getTrace(id: string, scope?: TenantScope): Promise<Trace | null> {
    return this.#call("getTrace", id, scope);
  }
  countTraces(filter?: TraceFilter): Promise<number> {
    return this.#call("countTraces", filter);
  }
  aggregate(query: AnalyticsQuery): Promise<AggregateRow[]> {
    return this.#call("aggregate", query);
  }
  costLines(query: AnalyticsQuery): Promise<CostLineRow[]> {
    return this.#call("costLines", query);
  }
  percentiles(query: AnalyticsQuery): Promise<PercentileRow[]> {
    return this.#call("percentiles", query);
  }
  sessions(query: SessionQuery): Promise<SessionRow[]> {
    return this.#call("sessions", query);
  }
  failovers(query: FailoverQuery): Promise<FailoverRow[]> {
    return this.#call("failovers", query);
  }
  putResponseState(input: NewResponseState): Promise<void> {
    return this.#call("putResponseState", input);
  }
  getResponseState(scope: TenantScope, id: string): Promise<StoredResponseState | null> {
    return this.#call("getResponseState", scope, id);
  }
  responseChain(
    scope: TenantScope,
    id: string,
    limits: ResponseChainLimits,
  ): Promise<StoredResponseState[] | null> {
    return this.#call("responseChain", scope, id, limits);
  }
  deleteResponseState(scope: TenantScope, id: string): Promise<boolean> {
    return this.#call("deleteResponseState", scope, id);
  }
  purgeExpiredResponseStates(now: string, maxRows?: number): Promise<number> {
    return this.#call("purgeExpiredResponseStates", now, maxRows);
  }

  appendAudit(input: NewAuditEntry): Promise<AuditEntry> {
    return this.#call("appendAudit", input);
  }
  listAudit(query: AuditQuery): Promise<AuditPage> {
    return this.#call("listAudit", query);
  }
  auditChain(fromSeq: number, limit: number): Promise<AuditEntry[]> {
    return this.#call("auditChain", fromSeq, limit);
  }
  auditHead(): Promise<{ seq: number; hash: string }> {
    return this.#call("auditHead");
  }
  saveProviderReports(provider: string, reports: readonly ProviderReportInput[]): Promise<void> {
    return this.#call("saveProviderReports", provider, reports);
  }
  providerReports(provider: string): Promise<StoredProviderReport[]> {
    return this.#call("providerReports", provider);
  }
  stats(): Promise<StoreStats> {
    return this.#call("stats");
  }
  async close(): Promise<void> {
    if (this.#dead === null) await this.#call("close");
    this.worker.terminate();
  }
}
