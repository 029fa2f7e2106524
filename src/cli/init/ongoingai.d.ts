/**
 * Types of the gateway's config API: what `import ... from "ongoingai"` (or "@ongoingai/gateway")
 * gives a gateway.config.ts and its policies. Generated from src/mod.ts by
 * `deno task config-types`; do not edit. `ongoingai init` writes it to
 * .ongoingai/types/ongoingai.d.ts, where deno.json and tsconfig.json point editors at it.
 */

/**
 * Returns its argument; exists so `export default defineConfig({...})` is type-checked.
 */
export declare function defineConfig(config: GatewayConfigInput): GatewayConfigInput;

/**
 * A secret read from the environment when the gateway starts, e.g. `token: env("TEAM_A_KEY")`,
 * so the secret never sits in the reviewed file. YAML spells it `token: { env: TEAM_A_KEY }`.
 */
export declare function env(name: string): EnvRef;

/**
 * `context.active()`, `context.with(ctx, fn)`.
 */
export declare const context: OtelContextApi;

/**
 * `metrics.getMeter(name)`: instruments in the gateway's scrape and OTLP push.
 */
export declare const metrics: OtelMetricsApi;

export declare const SpanKind: OtelSpanKinds;

export declare const SpanStatusCode: OtelSpanStatusCodes;

/**
 * `trace.getActiveSpan()`, `trace.getTracer(name)`: spans, exported with the gateway's.
 */
export declare const trace: OtelTraceApi;

export type OtelAttributes = {
  [x: string]: OtelAttributeValue | undefined;
};

/**
 * An immutable context: the active span and other values travel in it.
 */
export type OtelContext = {
  getValue: (key: symbol) => unknown;
  setValue: (key: symbol, value: unknown) => OtelContext;
  deleteValue: (key: symbol) => OtelContext;
};

export type OtelMeter = {
  createCounter: (name: string, options?: OtelMetricOptions | undefined) => OtelCounter;
  createUpDownCounter: (name: string, options?: OtelMetricOptions | undefined) => OtelCounter;
  createHistogram: (name: string, options?: OtelMetricOptions | undefined) => OtelRecorder;
  createGauge: (name: string, options?: OtelMetricOptions | undefined) => OtelRecorder;
  createObservableGauge: (name: string, options?: OtelMetricOptions | undefined) => OtelObservable;
  createObservableCounter: (
    name: string,
    options?: OtelMetricOptions | undefined,
  ) => OtelObservable;
  createObservableUpDownCounter: (
    name: string,
    options?: OtelMetricOptions | undefined,
  ) => OtelObservable;
};

export type OtelSpan = {
  spanContext: () => OtelSpanContext;
  setAttribute: (key: string, value: OtelAttributeValue) => OtelSpan;
  setAttributes: (attributes: OtelAttributes) => OtelSpan;
  addEvent: (name: string, attributes?: OtelAttributes | undefined) => OtelSpan;
  addLink: (link: OtelLink) => OtelSpan;
  setStatus: (status: OtelSpanStatus) => OtelSpan;
  updateName: (name: string) => OtelSpan;
  end: (endTime?: OtelTime | undefined) => void;
  isRecording: () => boolean;
  recordException: (exception: string | Error, time?: OtelTime | undefined) => void;
};

/**
 * `SpanKind`: 0 internal, 1 server, 2 client, 3 producer, 4 consumer.
 */
export type OtelSpanOptions = {
  kind?: 0 | 1 | 2 | 4 | 3 | undefined;
  attributes?: OtelAttributes | undefined;
  links?: OtelLink[] | undefined;
  startTime?: OtelTime | undefined;
  root?: boolean | undefined;
};

/**
 * `startActiveSpan` returns what `fn` returns; it is typed `unknown` here because the generated
 * declaration file holds no generic signatures.
 */
export type OtelTracer = {
  startSpan: (
    name: string,
    options?: OtelSpanOptions | undefined,
    context?: OtelContext | undefined,
  ) => OtelSpan;
  startActiveSpan: {
    (name: string, fn: (span: OtelSpan) => unknown): unknown;
    (name: string, options: OtelSpanOptions, fn: (span: OtelSpan) => unknown): unknown;
    (
      name: string,
      options: OtelSpanOptions,
      context: OtelContext,
      fn: (span: OtelSpan) => unknown,
    ): unknown;
  };
};

export type EnvRef = {
  env: string;
};

/**
 * The config every consumer receives. Secrets given as `env("NAME")` are plain strings here:
 * `tracing.key_hash_secret` is absent when neither given nor set (the store then generates one),
 * `pii.replacement.hash_salt` is "" when its variable is unset.
 */
export type GatewayConfig =
  & Omit<{
    server: {
      host: string;
      allowed_hosts: string[];
      port: number;
      shutdown_grace_ms: number;
      workers: number;
      log_format: "text" | "json";
      max_header_bytes: number;
      cors: {
        allowed_origins: string[];
        allowed_headers?: string[] | undefined;
        max_age_s?: number | undefined;
      };
    };
    proxy: {
      max_request_body_bytes: number;
      max_decoded_response_bytes: number;
      upstream_client: "native" | "fetch";
      headers_timeout_ms: number;
      idle_timeout_ms: number;
      total_timeout_ms: number;
    };
    storage: {
      driver: "sqlite" | "postgres";
      path: string;
      pool_max: number;
      dsn?: string | undefined;
    };
    providers: Record<string, {
      kind?:
        | "openai"
        | "anthropic"
        | "openai-compatible"
        | "gemini"
        | "vertex"
        | "azure-openai"
        | "bedrock"
        | undefined;
      prefix?: string | undefined;
      upstream?: string | undefined;
      prices?:
        | Record<
          string,
          {
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            reasoning?: number | undefined;
            cache_write_1h?: number | undefined;
            audio_input?: number | undefined;
            audio_output?: number | undefined;
            image_input?: number | undefined;
            image_output?: number | undefined;
            video_input?: number | undefined;
            per_use?: {
              web_search?: number | undefined;
              web_fetch?: number | undefined;
              file_search?: number | undefined;
              code_execution?: number | undefined;
              code_interpreter?: number | undefined;
            } | undefined;
            web_search_unit?: "query" | "prompt" | undefined;
            service_tiers?: {
              priority?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
              flex?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
              batch?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
              scale?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
            } | undefined;
            inference_geo_multipliers?: Record<string, number> | undefined;
            tiers?: {
              above_input_tokens: number;
              input: number;
              output: number;
              cached_input?: number | undefined;
              cache_write?: number | undefined;
              reasoning?: number | undefined;
              cache_write_1h?: number | undefined;
            }[] | undefined;
            scope_multipliers?: {
              global?: number | undefined;
              geo?: number | undefined;
              in_region?: number | undefined;
              data_zone?: number | undefined;
              regional?: number | undefined;
            } | undefined;
            valid_from?: string | undefined;
          } | {
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            reasoning?: number | undefined;
            cache_write_1h?: number | undefined;
            audio_input?: number | undefined;
            audio_output?: number | undefined;
            image_input?: number | undefined;
            image_output?: number | undefined;
            video_input?: number | undefined;
            per_use?: {
              web_search?: number | undefined;
              web_fetch?: number | undefined;
              file_search?: number | undefined;
              code_execution?: number | undefined;
              code_interpreter?: number | undefined;
            } | undefined;
            web_search_unit?: "query" | "prompt" | undefined;
            service_tiers?: {
              priority?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
              flex?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
              batch?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
              scale?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
            } | undefined;
            inference_geo_multipliers?: Record<string, number> | undefined;
            tiers?: {
              above_input_tokens: number;
              input: number;
              output: number;
              cached_input?: number | undefined;
              cache_write?: number | undefined;
              reasoning?: number | undefined;
              cache_write_1h?: number | undefined;
            }[] | undefined;
            scope_multipliers?: {
              global?: number | undefined;
              geo?: number | undefined;
              in_region?: number | undefined;
              data_zone?: number | undefined;
              regional?: number | undefined;
            } | undefined;
            valid_from?: string | undefined;
          }[]
        >
        | undefined;
      stream_usage?: boolean | undefined;
      translation_api?: "chat" | "responses" | undefined;
      websockets?: boolean | undefined;
      enabled?: boolean | undefined;
      keys?: {
        id: string;
        key: string | {
          env: string;
        };
        weight: number;
        rpm?: number | undefined;
        tpm?: number | undefined;
        group?: string | undefined;
      }[] | undefined;
      aws?: {
        access_key_id: string | {
          env: string;
        };
        secret_access_key: string | {
          env: string;
        };
        region?: string | undefined;
        session_token?: string | {
          env: string;
        } | undefined;
      } | undefined;
      gcp?: {
        service_account_json?: string | {
          env: string;
        } | undefined;
        service_account_file?: string | undefined;
      } | undefined;
      deployments?:
        | Record<
          string,
          string | {
            model: string;
            scope?: "global" | "data_zone" | "regional" | undefined;
          }
        >
        | undefined;
      models?: Record<string, string> | undefined;
    }>;
    routes: Record<
      string,
      RouteFunction | {
        strategy: "fallback" | "weighted" | "least_latency";
        targets: RouteFunction | {
          provider: string;
          model: string;
          weight: number;
          on_context_length: boolean;
        }[];
        retry: {
          attempts: number;
          backoff_ms: number;
          max_backoff_ms: number;
          max_retry_after_ms: number;
        };
        timeouts: {
          connect_ms?: number | null | undefined;
          first_byte_ms?: number | null | undefined;
          first_token_ms?: number | null | undefined;
          idle_ms?: number | null | undefined;
          total_ms?: number | null | undefined;
        };
        circuit_breaker: false | {
          failures: number;
          open_ms: number;
        };
        stream_commit: "first_content" | "complete";
        max_buffer_bytes: number;
      }
    >;
    tracing: {
      capture_bodies: boolean;
      body_max_size: number;
      queue_size: number;
      queue_max_body_bytes: number;
      batch_size: number;
      flush_interval_ms: number;
      key_hash_secret?: string | {
        env: string;
      } | undefined;
    };
    observability: {
      otel: {
        enabled: boolean;
        endpoint: string;
        protocol: "http/json" | "http/protobuf";
        insecure: boolean;
        service_name: string;
        traces_enabled: boolean;
        metrics_enabled: boolean;
        sampling_ratio: number;
        export_timeout_ms: number;
        metric_export_interval_ms: number;
        headers: Record<
          string,
          string | {
            env: string;
          }
        >;
        traces_headers: Record<
          string,
          string | {
            env: string;
          }
        >;
        metrics_headers: Record<
          string,
          string | {
            env: string;
          }
        >;
        traces_protocol?: "http/json" | "http/protobuf" | undefined;
        metrics_protocol?: "http/json" | "http/protobuf" | undefined;
        prometheus_enabled?: boolean | undefined;
        prometheus_path?: string | undefined;
      };
      prometheus: {
        enabled?: boolean | undefined;
        path?: string | undefined;
      };
    };
    pii: {
      replacement: {
        format: string;
        hash_salt: string | {
          env: string;
        };
      };
      scan_budget: {
        time_ms: number;
        max_findings: number;
      };
      policies: {
        replacement: {
          format: string;
        };
        stages: {
          request_headers: boolean;
          request_body: boolean;
          response_headers: boolean;
          response_body: boolean;
        };
        detectors: {
          email: boolean;
          phone: boolean;
          credit_card: boolean;
          iban: boolean;
          ssn: boolean;
          ip_address: boolean;
          token_like: boolean;
        };
        custom_detectors: {
          name: string;
          pattern: string | RegExp;
          type?: string | undefined;
          flags?: string | undefined;
          validate?: MatchValidator | undefined;
        }[];
        headers: {
          denylist: string[];
        };
        body: {
          key_denylist: string[];
        };
        policy_id: string;
        mode: "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
      }[];
      scopes: {
        match: {
          org_id?: string | undefined;
          workspace_id?: string | undefined;
          key_id?: string | undefined;
          provider?: string | undefined;
          route_prefix?: string | undefined;
        };
        mode: "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
        policy_id?: string | undefined;
      }[];
      stages: {
        request_headers: boolean;
        request_body: boolean;
        response_headers: boolean;
        response_body: boolean;
      };
      detectors: {
        email: boolean;
        phone: boolean;
        credit_card: boolean;
        iban: boolean;
        ssn: boolean;
        ip_address: boolean;
        token_like: boolean;
      };
      custom_detectors: {
        name: string;
        pattern: string | RegExp;
        type?: string | undefined;
        flags?: string | undefined;
        validate?: MatchValidator | undefined;
      }[];
      headers: {
        denylist: string[];
      };
      body: {
        key_denylist: string[];
      };
      mode: "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
      policy_id: string;
    };
    auth: {
      enabled: boolean;
      header: string;
      keys: {
        id: string;
        org_id: string;
        role: "owner" | "admin" | "developer" | "member" | "viewer";
        permissions: (
          | "proxy:write"
          | "analytics:read"
          | "keys:manage"
          | "bodies:read"
          | "diagnostics:read"
          | "audit:read"
          | "traces:replay"
        )[];
        token?: string | {
          env: string;
        } | undefined;
        token_hash?: string | undefined;
        workspace_id?: string | undefined;
        team?: string | undefined;
        name?: string | undefined;
        description?: string | undefined;
        created_by?: string | undefined;
        limits?: {
          requests_per_minute?: number | undefined;
          tokens_per_minute?: number | undefined;
          max_tokens_per_day?: number | undefined;
          cost_usd_per_day?: number | undefined;
          max_cost_usd_per_day?: number | undefined;
        } | undefined;
      }[];
      key_refresh_ms: number;
    };
    pricing: {
      sources: string[];
      fetch_timeout_ms: number;
      cache_dir?: string | undefined;
    };
    limits: {
      per_key: {
        requests_per_minute: number;
        tokens_per_minute: number;
        max_tokens_per_day: number;
        cost_usd_per_day: number;
        max_cost_usd_per_day: number;
      };
      per_workspace: {
        requests_per_minute: number;
        tokens_per_minute: number;
        max_tokens_per_day: number;
        cost_usd_per_day: number;
        max_cost_usd_per_day: number;
      };
    };
    translation: {
      response_store: {
        retention: string;
      };
      state_key?: string | {
        env: string;
      } | undefined;
    };
  }, "providers" | "tracing" | "observability" | "pii" | "auth" | "translation">
  & {
    providers: ResolvedProvider[];
    pii_mode: "off" | "redact_storage" | "redact_upstream" | "block";
    tracing:
      & Omit<{
        capture_bodies: boolean;
        body_max_size: number;
        queue_size: number;
        queue_max_body_bytes: number;
        batch_size: number;
        flush_interval_ms: number;
        key_hash_secret?: string | {
          env: string;
        } | undefined;
      }, "key_hash_secret">
      & {
        key_hash_secret?: string;
      };
    pii:
      & Omit<{
        replacement: {
          format: string;
          hash_salt: string | {
            env: string;
          };
        };
        scan_budget: {
          time_ms: number;
          max_findings: number;
        };
        policies: {
          replacement: {
            format: string;
          };
          stages: {
            request_headers: boolean;
            request_body: boolean;
            response_headers: boolean;
            response_body: boolean;
          };
          detectors: {
            email: boolean;
            phone: boolean;
            credit_card: boolean;
            iban: boolean;
            ssn: boolean;
            ip_address: boolean;
            token_like: boolean;
          };
          custom_detectors: {
            name: string;
            pattern: string | RegExp;
            type?: string | undefined;
            flags?: string | undefined;
            validate?: MatchValidator | undefined;
          }[];
          headers: {
            denylist: string[];
          };
          body: {
            key_denylist: string[];
          };
          policy_id: string;
          mode: "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
        }[];
        scopes: {
          match: {
            org_id?: string | undefined;
            workspace_id?: string | undefined;
            key_id?: string | undefined;
            provider?: string | undefined;
            route_prefix?: string | undefined;
          };
          mode: "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
          policy_id?: string | undefined;
        }[];
        stages: {
          request_headers: boolean;
          request_body: boolean;
          response_headers: boolean;
          response_body: boolean;
        };
        detectors: {
          email: boolean;
          phone: boolean;
          credit_card: boolean;
          iban: boolean;
          ssn: boolean;
          ip_address: boolean;
          token_like: boolean;
        };
        custom_detectors: {
          name: string;
          pattern: string | RegExp;
          type?: string | undefined;
          flags?: string | undefined;
          validate?: MatchValidator | undefined;
        }[];
        headers: {
          denylist: string[];
        };
        body: {
          key_denylist: string[];
        };
        mode: "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
        policy_id: string;
      }, "replacement">
      & {
        replacement: {
          format: string;
          hash_salt: string;
        };
      };
    auth:
      & Omit<{
        enabled: boolean;
        header: string;
        keys: {
          id: string;
          org_id: string;
          role: "owner" | "admin" | "developer" | "member" | "viewer";
          permissions: (
            | "proxy:write"
            | "analytics:read"
            | "keys:manage"
            | "bodies:read"
            | "diagnostics:read"
            | "audit:read"
            | "traces:replay"
          )[];
          token?: string | {
            env: string;
          } | undefined;
          token_hash?: string | undefined;
          workspace_id?: string | undefined;
          team?: string | undefined;
          name?: string | undefined;
          description?: string | undefined;
          created_by?: string | undefined;
          limits?: {
            requests_per_minute?: number | undefined;
            tokens_per_minute?: number | undefined;
            max_tokens_per_day?: number | undefined;
            cost_usd_per_day?: number | undefined;
            max_cost_usd_per_day?: number | undefined;
          } | undefined;
        }[];
        key_refresh_ms: number;
      }, "keys">
      & {
        keys: ResolvedAuthKey[];
      };
    observability:
      & Omit<{
        otel: {
          enabled: boolean;
          endpoint: string;
          protocol: "http/json" | "http/protobuf";
          insecure: boolean;
          service_name: string;
          traces_enabled: boolean;
          metrics_enabled: boolean;
          sampling_ratio: number;
          export_timeout_ms: number;
          metric_export_interval_ms: number;
          headers: Record<
            string,
            string | {
              env: string;
            }
          >;
          traces_headers: Record<
            string,
            string | {
              env: string;
            }
          >;
          metrics_headers: Record<
            string,
            string | {
              env: string;
            }
          >;
          traces_protocol?: "http/json" | "http/protobuf" | undefined;
          metrics_protocol?: "http/json" | "http/protobuf" | undefined;
          prometheus_enabled?: boolean | undefined;
          prometheus_path?: string | undefined;
        };
        prometheus: {
          enabled?: boolean | undefined;
          path?: string | undefined;
        };
      }, "otel">
      & {
        otel: ResolvedOtel;
      };
    translation: ResolvedTranslation;
  };

/**
 * What a config author writes: everything optional, defaults filled in by the loader.
 */
export type GatewayConfigInput = {
  server?: {
    host?: string | undefined;
    allowed_hosts?: string[] | undefined;
    port?: number | undefined;
    shutdown_grace_ms?: number | undefined;
    workers?: number | undefined;
    log_format?: "text" | "json" | undefined;
    max_header_bytes?: number | undefined;
    cors?: {
      allowed_origins?: string[] | undefined;
      allowed_headers?: string[] | undefined;
      max_age_s?: number | undefined;
    } | undefined;
  } | undefined;
  proxy?: {
    max_request_body_bytes?: number | undefined;
    max_decoded_response_bytes?: number | undefined;
    upstream_client?: "native" | "fetch" | undefined;
    headers_timeout_ms?: number | undefined;
    idle_timeout_ms?: number | undefined;
    total_timeout_ms?: number | undefined;
  } | undefined;
  storage?: {
    driver?: "sqlite" | "postgres" | undefined;
    path?: string | undefined;
    dsn?: string | undefined;
    pool_max?: number | undefined;
  } | undefined;
  providers?:
    | Record<string, {
      kind?:
        | "openai"
        | "anthropic"
        | "openai-compatible"
        | "gemini"
        | "vertex"
        | "azure-openai"
        | "bedrock"
        | undefined;
      prefix?: string | undefined;
      upstream?: string | undefined;
      prices?:
        | Record<
          string,
          {
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            reasoning?: number | undefined;
            cache_write_1h?: number | undefined;
            audio_input?: number | undefined;
            audio_output?: number | undefined;
            image_input?: number | undefined;
            image_output?: number | undefined;
            video_input?: number | undefined;
            per_use?: {
              web_search?: number | undefined;
              web_fetch?: number | undefined;
              file_search?: number | undefined;
              code_execution?: number | undefined;
              code_interpreter?: number | undefined;
            } | undefined;
            web_search_unit?: "query" | "prompt" | undefined;
            service_tiers?: {
              priority?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
              flex?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
              batch?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
              scale?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
            } | undefined;
            inference_geo_multipliers?: Record<string, number> | undefined;
            tiers?: {
              above_input_tokens: number;
              input: number;
              output: number;
              cached_input?: number | undefined;
              cache_write?: number | undefined;
              reasoning?: number | undefined;
              cache_write_1h?: number | undefined;
            }[] | undefined;
            scope_multipliers?: {
              global?: number | undefined;
              geo?: number | undefined;
              in_region?: number | undefined;
              data_zone?: number | undefined;
              regional?: number | undefined;
            } | undefined;
            valid_from?: string | undefined;
          } | {
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            reasoning?: number | undefined;
            cache_write_1h?: number | undefined;
            audio_input?: number | undefined;
            audio_output?: number | undefined;
            image_input?: number | undefined;
            image_output?: number | undefined;
            video_input?: number | undefined;
            per_use?: {
              web_search?: number | undefined;
              web_fetch?: number | undefined;
              file_search?: number | undefined;
              code_execution?: number | undefined;
              code_interpreter?: number | undefined;
            } | undefined;
            web_search_unit?: "query" | "prompt" | undefined;
            service_tiers?: {
              priority?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
              flex?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
              batch?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
              scale?: {
                input: number;
                output: number;
                cached_input?: number | undefined;
                cache_write?: number | undefined;
                cache_write_1h?: number | undefined;
                reasoning?: number | undefined;
                tiers?: {
                  above_input_tokens: number;
                  input: number;
                  output: number;
                  cached_input?: number | undefined;
                  cache_write?: number | undefined;
                  reasoning?: number | undefined;
                  cache_write_1h?: number | undefined;
                }[] | undefined;
              } | undefined;
            } | undefined;
            inference_geo_multipliers?: Record<string, number> | undefined;
            tiers?: {
              above_input_tokens: number;
              input: number;
              output: number;
              cached_input?: number | undefined;
              cache_write?: number | undefined;
              reasoning?: number | undefined;
              cache_write_1h?: number | undefined;
            }[] | undefined;
            scope_multipliers?: {
              global?: number | undefined;
              geo?: number | undefined;
              in_region?: number | undefined;
              data_zone?: number | undefined;
              regional?: number | undefined;
            } | undefined;
            valid_from?: string | undefined;
          }[]
        >
        | undefined;
      stream_usage?: boolean | undefined;
      translation_api?: "chat" | "responses" | undefined;
      websockets?: boolean | undefined;
      enabled?: boolean | undefined;
      keys?: {
        id: string;
        key: string | {
          env: string;
        };
        weight?: number | undefined;
        rpm?: number | undefined;
        tpm?: number | undefined;
        group?: string | undefined;
      }[] | undefined;
      aws?: {
        access_key_id: string | {
          env: string;
        };
        secret_access_key: string | {
          env: string;
        };
        region?: string | undefined;
        session_token?: string | {
          env: string;
        } | undefined;
      } | undefined;
      gcp?: {
        service_account_json?: string | {
          env: string;
        } | undefined;
        service_account_file?: string | undefined;
      } | undefined;
      deployments?:
        | Record<
          string,
          string | {
            model: string;
            scope?: "global" | "data_zone" | "regional" | undefined;
          }
        >
        | undefined;
      models?: Record<string, string> | undefined;
    }>
    | undefined;
  routes?:
    | Record<
      string,
      RouteFunction | {
        targets: RouteFunction | {
          provider: string;
          model: string;
          weight?: number | undefined;
          on_context_length?: boolean | undefined;
        }[];
        strategy?: "fallback" | "weighted" | "least_latency" | undefined;
        retry?: {
          attempts?: number | undefined;
          backoff_ms?: number | undefined;
          max_backoff_ms?: number | undefined;
          max_retry_after_ms?: number | undefined;
        } | undefined;
        timeouts?: {
          connect_ms?: number | null | undefined;
          first_byte_ms?: number | null | undefined;
          first_token_ms?: number | null | undefined;
          idle_ms?: number | null | undefined;
          total_ms?: number | null | undefined;
        } | undefined;
        circuit_breaker?: false | {
          failures?: number | undefined;
          open_ms?: number | undefined;
        } | undefined;
        stream_commit?: "first_content" | "complete" | undefined;
        max_buffer_bytes?: number | undefined;
      }
    >
    | undefined;
  tracing?: {
    capture_bodies?: boolean | undefined;
    body_max_size?: number | undefined;
    queue_size?: number | undefined;
    queue_max_body_bytes?: number | undefined;
    batch_size?: number | undefined;
    flush_interval_ms?: number | undefined;
    key_hash_secret?: string | {
      env: string;
    } | undefined;
  } | undefined;
  observability?: {
    otel?: {
      enabled?: boolean | undefined;
      endpoint?: string | undefined;
      protocol?: "http/json" | "http/protobuf" | undefined;
      traces_protocol?: "http/json" | "http/protobuf" | undefined;
      metrics_protocol?: "http/json" | "http/protobuf" | undefined;
      insecure?: boolean | undefined;
      service_name?: string | undefined;
      traces_enabled?: boolean | undefined;
      metrics_enabled?: boolean | undefined;
      prometheus_enabled?: boolean | undefined;
      prometheus_path?: string | undefined;
      sampling_ratio?: number | undefined;
      export_timeout_ms?: number | undefined;
      metric_export_interval_ms?: number | undefined;
      headers?:
        | Record<
          string,
          string | {
            env: string;
          }
        >
        | undefined;
      traces_headers?:
        | Record<
          string,
          string | {
            env: string;
          }
        >
        | undefined;
      metrics_headers?:
        | Record<
          string,
          string | {
            env: string;
          }
        >
        | undefined;
    } | undefined;
    prometheus?: {
      enabled?: boolean | undefined;
      path?: string | undefined;
    } | undefined;
  } | undefined;
  pii?: {
    replacement?: {
      format?: string | undefined;
      hash_salt?: string | {
        env: string;
      } | undefined;
    } | undefined;
    scan_budget?: {
      time_ms?: number | undefined;
      max_findings?: number | undefined;
    } | undefined;
    policies?: {
      policy_id: string;
      replacement?: {
        format?: string | undefined;
      } | undefined;
      stages?: {
        request_headers?: boolean | undefined;
        request_body?: boolean | undefined;
        response_headers?: boolean | undefined;
        response_body?: boolean | undefined;
      } | undefined;
      detectors?: {
        email?: boolean | undefined;
        phone?: boolean | undefined;
        credit_card?: boolean | undefined;
        iban?: boolean | undefined;
        ssn?: boolean | undefined;
        ip_address?: boolean | undefined;
        token_like?: boolean | undefined;
      } | undefined;
      custom_detectors?: {
        name: string;
        pattern: string | RegExp;
        type?: string | undefined;
        flags?: string | undefined;
        validate?: MatchValidator | undefined;
      }[] | undefined;
      headers?: {
        denylist?: string[] | undefined;
      } | undefined;
      body?: {
        key_denylist?: string[] | undefined;
      } | undefined;
      mode?: "" | "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
    }[] | undefined;
    scopes?: {
      match: {
        org_id?: string | undefined;
        workspace_id?: string | undefined;
        key_id?: string | undefined;
        provider?: string | undefined;
        route_prefix?: string | undefined;
      };
      mode?: "" | "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
      policy_id?: string | undefined;
    }[] | undefined;
    stages?: {
      request_headers?: boolean | undefined;
      request_body?: boolean | undefined;
      response_headers?: boolean | undefined;
      response_body?: boolean | undefined;
    } | undefined;
    detectors?: {
      email?: boolean | undefined;
      phone?: boolean | undefined;
      credit_card?: boolean | undefined;
      iban?: boolean | undefined;
      ssn?: boolean | undefined;
      ip_address?: boolean | undefined;
      token_like?: boolean | undefined;
    } | undefined;
    custom_detectors?: {
      name: string;
      pattern: string | RegExp;
      type?: string | undefined;
      flags?: string | undefined;
      validate?: MatchValidator | undefined;
    }[] | undefined;
    headers?: {
      denylist?: string[] | undefined;
    } | undefined;
    body?: {
      key_denylist?: string[] | undefined;
    } | undefined;
    mode?: "" | "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
    policy_id?: string | undefined;
  } | undefined;
  auth?: {
    enabled?: boolean | undefined;
    header?: string | undefined;
    keys?: {
      id: string;
      token?: string | {
        env: string;
      } | undefined;
      token_hash?: string | undefined;
      org_id?: string | undefined;
      workspace_id?: string | undefined;
      team?: string | undefined;
      name?: string | undefined;
      description?: string | undefined;
      created_by?: string | undefined;
      role?: "owner" | "admin" | "developer" | "member" | "viewer" | undefined;
      permissions?:
        | (
          | "proxy:write"
          | "analytics:read"
          | "keys:manage"
          | "bodies:read"
          | "diagnostics:read"
          | "audit:read"
          | "traces:replay"
        )[]
        | undefined;
      limits?: {
        requests_per_minute?: number | undefined;
        tokens_per_minute?: number | undefined;
        max_tokens_per_day?: number | undefined;
        cost_usd_per_day?: number | undefined;
        max_cost_usd_per_day?: number | undefined;
      } | undefined;
    }[] | undefined;
    key_refresh_ms?: number | undefined;
  } | undefined;
  pricing?: {
    sources?: string[] | undefined;
    cache_dir?: string | undefined;
    fetch_timeout_ms?: number | undefined;
  } | undefined;
  limits?: {
    per_key?: {
      requests_per_minute?: number | undefined;
      tokens_per_minute?: number | undefined;
      max_tokens_per_day?: number | undefined;
      cost_usd_per_day?: number | undefined;
      max_cost_usd_per_day?: number | undefined;
    } | undefined;
    per_workspace?: {
      requests_per_minute?: number | undefined;
      tokens_per_minute?: number | undefined;
      max_tokens_per_day?: number | undefined;
      cost_usd_per_day?: number | undefined;
      max_cost_usd_per_day?: number | undefined;
    } | undefined;
  } | undefined;
  translation?: {
    state_key?: string | {
      env: string;
    } | undefined;
    response_store?: {
      retention?: string | undefined;
    } | undefined;
  } | undefined;
};

export type Permission =
  | "proxy:write"
  | "analytics:read"
  | "keys:manage"
  | "bodies:read"
  | "diagnostics:read"
  | "audit:read"
  | "traces:replay";

export type PiiMode = "off" | "redact_storage" | "redact_upstream" | "block";

export type ProviderKind =
  | "openai"
  | "anthropic"
  | "openai-compatible"
  | "gemini"
  | "vertex"
  | "azure-openai"
  | "bedrock";

export type Role = "owner" | "admin" | "developer" | "member" | "viewer";

/**
 * Targets chosen in code: a list of targets, the name of a route with a target list (its whole
 * policy then applies), or null for "no route: forward as if the route did not exist". It runs
 * in the gateway's process on every request of the route, so it must be synchronous and quick;
 * a throw or a wrong result answers that request 500 `route_function_failed`.
 */
export type RouteFunction = (req: RouteRequest) =>
  | string
  | readonly {
    provider: string;
    model: string;
    weight?: number | undefined;
    on_context_length?: boolean | undefined;
  }[]
  | null;

/**
 * What a route function is given: facts of the request, copied, frozen and bounded.
 */
export type RouteRequest = {
  readonly model: string;
  readonly tenant: {
    readonly org_id: string;
    readonly workspace_id: string;
    readonly gateway_key_id: string | null;
  };
  readonly headers: {
    readonly [x: string]: string;
  };
  readonly body_bytes: number;
  readonly path: string;
};

/**
 * One PII policy as a value, e.g. in `policies/strict.ts`: `export const strict: PiiPolicy = {...}`.
 * Spread one into `pii` to make it the base policy, or list it in `pii.policies` for scopes.
 */
export type PiiPolicy = {
  policy_id: string;
  replacement?: {
    format?: string | undefined;
  } | undefined;
  stages?: {
    request_headers?: boolean | undefined;
    request_body?: boolean | undefined;
    response_headers?: boolean | undefined;
    response_body?: boolean | undefined;
  } | undefined;
  detectors?: {
    email?: boolean | undefined;
    phone?: boolean | undefined;
    credit_card?: boolean | undefined;
    iban?: boolean | undefined;
    ssn?: boolean | undefined;
    ip_address?: boolean | undefined;
    token_like?: boolean | undefined;
  } | undefined;
  custom_detectors?: {
    name: string;
    pattern: string | RegExp;
    type?: string | undefined;
    flags?: string | undefined;
    validate?: MatchValidator | undefined;
  }[] | undefined;
  headers?: {
    denylist?: string[] | undefined;
  } | undefined;
  body?: {
    key_denylist?: string[] | undefined;
  } | undefined;
  mode?: "" | "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
};

/**
 * The whole `pii` block: the base policy, `policies`, `scopes` and the placeholder salt.
 */
export type PiiConfig = {
  replacement?: {
    format?: string | undefined;
    hash_salt?: string | {
      env: string;
    } | undefined;
  } | undefined;
  scan_budget?: {
    time_ms?: number | undefined;
    max_findings?: number | undefined;
  } | undefined;
  policies?: {
    policy_id: string;
    replacement?: {
      format?: string | undefined;
    } | undefined;
    stages?: {
      request_headers?: boolean | undefined;
      request_body?: boolean | undefined;
      response_headers?: boolean | undefined;
      response_body?: boolean | undefined;
    } | undefined;
    detectors?: {
      email?: boolean | undefined;
      phone?: boolean | undefined;
      credit_card?: boolean | undefined;
      iban?: boolean | undefined;
      ssn?: boolean | undefined;
      ip_address?: boolean | undefined;
      token_like?: boolean | undefined;
    } | undefined;
    custom_detectors?: {
      name: string;
      pattern: string | RegExp;
      type?: string | undefined;
      flags?: string | undefined;
      validate?: MatchValidator | undefined;
    }[] | undefined;
    headers?: {
      denylist?: string[] | undefined;
    } | undefined;
    body?: {
      key_denylist?: string[] | undefined;
    } | undefined;
    mode?: "" | "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
  }[] | undefined;
  scopes?: {
    match: {
      org_id?: string | undefined;
      workspace_id?: string | undefined;
      key_id?: string | undefined;
      provider?: string | undefined;
      route_prefix?: string | undefined;
    };
    mode?: "" | "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
    policy_id?: string | undefined;
  }[] | undefined;
  stages?: {
    request_headers?: boolean | undefined;
    request_body?: boolean | undefined;
    response_headers?: boolean | undefined;
    response_body?: boolean | undefined;
  } | undefined;
  detectors?: {
    email?: boolean | undefined;
    phone?: boolean | undefined;
    credit_card?: boolean | undefined;
    iban?: boolean | undefined;
    ssn?: boolean | undefined;
    ip_address?: boolean | undefined;
    token_like?: boolean | undefined;
  } | undefined;
  custom_detectors?: {
    name: string;
    pattern: string | RegExp;
    type?: string | undefined;
    flags?: string | undefined;
    validate?: MatchValidator | undefined;
  }[] | undefined;
  headers?: {
    denylist?: string[] | undefined;
  } | undefined;
  body?: {
    key_denylist?: string[] | undefined;
  } | undefined;
  mode?: "" | "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
  policy_id?: string | undefined;
} | undefined;

/**
 * One entry of a policy's `custom_detectors`: a regex and an optional validator.
 */
export type PiiCustomDetector = {
  name: string;
  pattern: string | RegExp;
  type?: string | undefined;
  flags?: string | undefined;
  validate?: MatchValidator | undefined;
};

/**
 * One entry of `pii.scopes`: a selector and the mode/policy it applies.
 */
export type PiiScope = {
  match: {
    org_id?: string | undefined;
    workspace_id?: string | undefined;
    key_id?: string | undefined;
    provider?: string | undefined;
    route_prefix?: string | undefined;
  };
  mode?: "" | "off" | "redact_storage" | "redact_upstream" | "block" | undefined;
  policy_id?: string | undefined;
};

/**
 * One entry of `providers`, e.g. `{ kind: "openai-compatible", upstream, prices }`.
 */
export type ProviderConfig = {
  kind?:
    | "openai"
    | "anthropic"
    | "openai-compatible"
    | "gemini"
    | "vertex"
    | "azure-openai"
    | "bedrock"
    | undefined;
  prefix?: string | undefined;
  upstream?: string | undefined;
  prices?:
    | Record<
      string,
      {
        input: number;
        output: number;
        cached_input?: number | undefined;
        cache_write?: number | undefined;
        reasoning?: number | undefined;
        cache_write_1h?: number | undefined;
        audio_input?: number | undefined;
        audio_output?: number | undefined;
        image_input?: number | undefined;
        image_output?: number | undefined;
        video_input?: number | undefined;
        per_use?: {
          web_search?: number | undefined;
          web_fetch?: number | undefined;
          file_search?: number | undefined;
          code_execution?: number | undefined;
          code_interpreter?: number | undefined;
        } | undefined;
        web_search_unit?: "query" | "prompt" | undefined;
        service_tiers?: {
          priority?: {
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            cache_write_1h?: number | undefined;
            reasoning?: number | undefined;
            tiers?: {
              above_input_tokens: number;
              input: number;
              output: number;
              cached_input?: number | undefined;
              cache_write?: number | undefined;
              reasoning?: number | undefined;
              cache_write_1h?: number | undefined;
            }[] | undefined;
          } | undefined;
          flex?: {
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            cache_write_1h?: number | undefined;
            reasoning?: number | undefined;
            tiers?: {
              above_input_tokens: number;
              input: number;
              output: number;
              cached_input?: number | undefined;
              cache_write?: number | undefined;
              reasoning?: number | undefined;
              cache_write_1h?: number | undefined;
            }[] | undefined;
          } | undefined;
          batch?: {
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            cache_write_1h?: number | undefined;
            reasoning?: number | undefined;
            tiers?: {
              above_input_tokens: number;
              input: number;
              output: number;
              cached_input?: number | undefined;
              cache_write?: number | undefined;
              reasoning?: number | undefined;
              cache_write_1h?: number | undefined;
            }[] | undefined;
          } | undefined;
          scale?: {
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            cache_write_1h?: number | undefined;
            reasoning?: number | undefined;
            tiers?: {
              above_input_tokens: number;
              input: number;
              output: number;
              cached_input?: number | undefined;
              cache_write?: number | undefined;
              reasoning?: number | undefined;
              cache_write_1h?: number | undefined;
            }[] | undefined;
          } | undefined;
        } | undefined;
        inference_geo_multipliers?: Record<string, number> | undefined;
        tiers?: {
          above_input_tokens: number;
          input: number;
          output: number;
          cached_input?: number | undefined;
          cache_write?: number | undefined;
          reasoning?: number | undefined;
          cache_write_1h?: number | undefined;
        }[] | undefined;
        scope_multipliers?: {
          global?: number | undefined;
          geo?: number | undefined;
          in_region?: number | undefined;
          data_zone?: number | undefined;
          regional?: number | undefined;
        } | undefined;
        valid_from?: string | undefined;
      } | {
        input: number;
        output: number;
        cached_input?: number | undefined;
        cache_write?: number | undefined;
        reasoning?: number | undefined;
        cache_write_1h?: number | undefined;
        audio_input?: number | undefined;
        audio_output?: number | undefined;
        image_input?: number | undefined;
        image_output?: number | undefined;
        video_input?: number | undefined;
        per_use?: {
          web_search?: number | undefined;
          web_fetch?: number | undefined;
          file_search?: number | undefined;
          code_execution?: number | undefined;
          code_interpreter?: number | undefined;
        } | undefined;
        web_search_unit?: "query" | "prompt" | undefined;
        service_tiers?: {
          priority?: {
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            cache_write_1h?: number | undefined;
            reasoning?: number | undefined;
            tiers?: {
              above_input_tokens: number;
              input: number;
              output: number;
              cached_input?: number | undefined;
              cache_write?: number | undefined;
              reasoning?: number | undefined;
              cache_write_1h?: number | undefined;
            }[] | undefined;
          } | undefined;
          flex?: {
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            cache_write_1h?: number | undefined;
            reasoning?: number | undefined;
            tiers?: {
              above_input_tokens: number;
              input: number;
              output: number;
              cached_input?: number | undefined;
              cache_write?: number | undefined;
              reasoning?: number | undefined;
              cache_write_1h?: number | undefined;
            }[] | undefined;
          } | undefined;
          batch?: {
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            cache_write_1h?: number | undefined;
            reasoning?: number | undefined;
            tiers?: {
              above_input_tokens: number;
              input: number;
              output: number;
              cached_input?: number | undefined;
              cache_write?: number | undefined;
              reasoning?: number | undefined;
              cache_write_1h?: number | undefined;
            }[] | undefined;
          } | undefined;
          scale?: {
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            cache_write_1h?: number | undefined;
            reasoning?: number | undefined;
            tiers?: {
              above_input_tokens: number;
              input: number;
              output: number;
              cached_input?: number | undefined;
              cache_write?: number | undefined;
              reasoning?: number | undefined;
              cache_write_1h?: number | undefined;
            }[] | undefined;
          } | undefined;
        } | undefined;
        inference_geo_multipliers?: Record<string, number> | undefined;
        tiers?: {
          above_input_tokens: number;
          input: number;
          output: number;
          cached_input?: number | undefined;
          cache_write?: number | undefined;
          reasoning?: number | undefined;
          cache_write_1h?: number | undefined;
        }[] | undefined;
        scope_multipliers?: {
          global?: number | undefined;
          geo?: number | undefined;
          in_region?: number | undefined;
          data_zone?: number | undefined;
          regional?: number | undefined;
        } | undefined;
        valid_from?: string | undefined;
      }[]
    >
    | undefined;
  stream_usage?: boolean | undefined;
  translation_api?: "chat" | "responses" | undefined;
  websockets?: boolean | undefined;
  enabled?: boolean | undefined;
  keys?: {
    id: string;
    key: string | {
      env: string;
    };
    weight?: number | undefined;
    rpm?: number | undefined;
    tpm?: number | undefined;
    group?: string | undefined;
  }[] | undefined;
  aws?: {
    access_key_id: string | {
      env: string;
    };
    secret_access_key: string | {
      env: string;
    };
    region?: string | undefined;
    session_token?: string | {
      env: string;
    } | undefined;
  } | undefined;
  gcp?: {
    service_account_json?: string | {
      env: string;
    } | undefined;
    service_account_file?: string | undefined;
  } | undefined;
  deployments?:
    | Record<
      string,
      string | {
        model: string;
        scope?: "global" | "data_zone" | "regional" | undefined;
      }
    >
    | undefined;
  models?: Record<string, string> | undefined;
};

/**
 * One entry of `auth.keys`.
 */
export type AuthKeyConfig = {
  id: string;
  token?: string | {
    env: string;
  } | undefined;
  token_hash?: string | undefined;
  org_id?: string | undefined;
  workspace_id?: string | undefined;
  team?: string | undefined;
  name?: string | undefined;
  description?: string | undefined;
  created_by?: string | undefined;
  role?: "owner" | "admin" | "developer" | "member" | "viewer" | undefined;
  permissions?:
    | (
      | "proxy:write"
      | "analytics:read"
      | "keys:manage"
      | "bodies:read"
      | "diagnostics:read"
      | "audit:read"
      | "traces:replay"
    )[]
    | undefined;
  limits?: {
    requests_per_minute?: number | undefined;
    tokens_per_minute?: number | undefined;
    max_tokens_per_day?: number | undefined;
    cost_usd_per_day?: number | undefined;
    max_cost_usd_per_day?: number | undefined;
  } | undefined;
};

/**
 * USD per million tokens for one model.
 */
export type ModelPriceInput = {
  input: number;
  output: number;
  cached_input?: number | undefined;
  cache_write?: number | undefined;
  reasoning?: number | undefined;
  cache_write_1h?: number | undefined;
  audio_input?: number | undefined;
  audio_output?: number | undefined;
  image_input?: number | undefined;
  image_output?: number | undefined;
  video_input?: number | undefined;
  per_use?: {
    web_search?: number | undefined;
    web_fetch?: number | undefined;
    file_search?: number | undefined;
    code_execution?: number | undefined;
    code_interpreter?: number | undefined;
  } | undefined;
  web_search_unit?: "query" | "prompt" | undefined;
  service_tiers?: {
    priority?: {
      input: number;
      output: number;
      cached_input?: number | undefined;
      cache_write?: number | undefined;
      cache_write_1h?: number | undefined;
      reasoning?: number | undefined;
      tiers?: {
        above_input_tokens: number;
        input: number;
        output: number;
        cached_input?: number | undefined;
        cache_write?: number | undefined;
        reasoning?: number | undefined;
        cache_write_1h?: number | undefined;
      }[] | undefined;
    } | undefined;
    flex?: {
      input: number;
      output: number;
      cached_input?: number | undefined;
      cache_write?: number | undefined;
      cache_write_1h?: number | undefined;
      reasoning?: number | undefined;
      tiers?: {
        above_input_tokens: number;
        input: number;
        output: number;
        cached_input?: number | undefined;
        cache_write?: number | undefined;
        reasoning?: number | undefined;
        cache_write_1h?: number | undefined;
      }[] | undefined;
    } | undefined;
    batch?: {
      input: number;
      output: number;
      cached_input?: number | undefined;
      cache_write?: number | undefined;
      cache_write_1h?: number | undefined;
      reasoning?: number | undefined;
      tiers?: {
        above_input_tokens: number;
        input: number;
        output: number;
        cached_input?: number | undefined;
        cache_write?: number | undefined;
        reasoning?: number | undefined;
        cache_write_1h?: number | undefined;
      }[] | undefined;
    } | undefined;
    scale?: {
      input: number;
      output: number;
      cached_input?: number | undefined;
      cache_write?: number | undefined;
      cache_write_1h?: number | undefined;
      reasoning?: number | undefined;
      tiers?: {
        above_input_tokens: number;
        input: number;
        output: number;
        cached_input?: number | undefined;
        cache_write?: number | undefined;
        reasoning?: number | undefined;
        cache_write_1h?: number | undefined;
      }[] | undefined;
    } | undefined;
  } | undefined;
  inference_geo_multipliers?: Record<string, number> | undefined;
  tiers?: {
    above_input_tokens: number;
    input: number;
    output: number;
    cached_input?: number | undefined;
    cache_write?: number | undefined;
    reasoning?: number | undefined;
    cache_write_1h?: number | undefined;
  }[] | undefined;
  scope_multipliers?: {
    global?: number | undefined;
    geo?: number | undefined;
    in_region?: number | undefined;
    data_zone?: number | undefined;
    regional?: number | undefined;
  } | undefined;
  valid_from?: string | undefined;
};

/**
 * One entry of `routes`: `{ strategy, targets, retry, timeouts, circuit_breaker, stream_commit }`,
 * or a function of the request returning targets, a route name or null (see docs/routing.md).
 */
export type RouteConfig = RouteFunction | {
  targets: RouteFunction | {
    provider: string;
    model: string;
    weight?: number | undefined;
    on_context_length?: boolean | undefined;
  }[];
  strategy?: "fallback" | "weighted" | "least_latency" | undefined;
  retry?: {
    attempts?: number | undefined;
    backoff_ms?: number | undefined;
    max_backoff_ms?: number | undefined;
    max_retry_after_ms?: number | undefined;
  } | undefined;
  timeouts?: {
    connect_ms?: number | null | undefined;
    first_byte_ms?: number | null | undefined;
    first_token_ms?: number | null | undefined;
    idle_ms?: number | null | undefined;
    total_ms?: number | null | undefined;
  } | undefined;
  circuit_breaker?: false | {
    failures?: number | undefined;
    open_ms?: number | undefined;
  } | undefined;
  stream_commit?: "first_content" | "complete" | undefined;
  max_buffer_bytes?: number | undefined;
};

/**
 * One target of a route: `{ provider, model, weight?, on_context_length? }`.
 */
export type RouteTargetConfig = {
  provider: string;
  model: string;
  weight?: number | undefined;
  on_context_length?: boolean | undefined;
};

/**
 * One key of a provider's key pool (`providers.<id>.keys`).
 */
export type ProviderKeyConfig = {
  id: string;
  key: string | {
    env: string;
  };
  weight?: number | undefined;
  rpm?: number | undefined;
  tpm?: number | undefined;
  group?: string | undefined;
};

type OtelContextApi = {
  active: () => OtelContext;
  with: (context: OtelContext, fn: () => unknown) => unknown;
};

type OtelMetricsApi = {
  getMeter: (name: string, version?: string | undefined) => OtelMeter;
};

type OtelSpanKinds = {
  readonly INTERNAL: 0;
  readonly SERVER: 1;
  readonly CLIENT: 2;
  readonly PRODUCER: 3;
  readonly CONSUMER: 4;
};

type OtelSpanStatusCodes = {
  readonly UNSET: 0;
  readonly OK: 1;
  readonly ERROR: 2;
};

type OtelTraceApi = {
  getTracer: (name: string, version?: string | undefined) => OtelTracer;
  getActiveSpan: () => OtelSpan | undefined;
  getSpan: (context: OtelContext) => OtelSpan | undefined;
  setSpan: (context: OtelContext, span: OtelSpan) => OtelContext;
};

/**
 * A span attribute's value (the API also takes maps and bytes, sent as JSON text).
 */
type OtelAttributeValue =
  | string
  | number
  | boolean
  | (string | null | undefined)[]
  | (number | null | undefined)[]
  | (boolean | null | undefined)[];

type OtelMetricOptions = {
  description?: string | undefined;
  unit?: string | undefined;
  advice?: {
    explicitBucketBoundaries?: number[];
  } | undefined;
};

type OtelCounter = {
  add: (value: number, attributes?: OtelAttributes | undefined) => void;
};

type OtelRecorder = {
  record: (value: number, attributes?: OtelAttributes | undefined) => void;
};

type OtelObservable = {
  addCallback: (callback: (result: OtelObservableResult) => void) => void;
  removeCallback: (callback: (result: OtelObservableResult) => void) => void;
};

type OtelSpanContext = {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean | undefined;
};

type OtelLink = {
  context: OtelSpanContext;
  attributes?: OtelAttributes | undefined;
};

/**
 * `SpanStatusCode`: 0 unset, 1 ok, 2 error.
 */
type OtelSpanStatus = {
  code: 0 | 1 | 2;
  message?: string | undefined;
};

/**
 * Epoch ms, a `performance.now()` reading, a Date, or [seconds, nanoseconds].
 */
type OtelTime = number | Date | [number, number];

type MatchValidator = (match: string) => boolean;

type ResolvedProvider = {
  id: string;
  kind:
    | "openai"
    | "anthropic"
    | "openai-compatible"
    | "gemini"
    | "vertex"
    | "azure-openai"
    | "bedrock";
  prefix: string;
  upstream: string;
  prices: {
    [x: string]: {
      input: number;
      output: number;
      cached_input?: number | undefined;
      cache_write?: number | undefined;
      reasoning?: number | undefined;
      cache_write_1h?: number | undefined;
      audio_input?: number | undefined;
      audio_output?: number | undefined;
      image_input?: number | undefined;
      image_output?: number | undefined;
      video_input?: number | undefined;
      per_use?: {
        web_search?: number | undefined;
        web_fetch?: number | undefined;
        file_search?: number | undefined;
        code_execution?: number | undefined;
        code_interpreter?: number | undefined;
      } | undefined;
      web_search_unit?: "query" | "prompt" | undefined;
      service_tiers?: {
        priority?: {
          input: number;
          output: number;
          cached_input?: number | undefined;
          cache_write?: number | undefined;
          cache_write_1h?: number | undefined;
          reasoning?: number | undefined;
          tiers?: {
            above_input_tokens: number;
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            reasoning?: number | undefined;
            cache_write_1h?: number | undefined;
          }[] | undefined;
        } | undefined;
        flex?: {
          input: number;
          output: number;
          cached_input?: number | undefined;
          cache_write?: number | undefined;
          cache_write_1h?: number | undefined;
          reasoning?: number | undefined;
          tiers?: {
            above_input_tokens: number;
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            reasoning?: number | undefined;
            cache_write_1h?: number | undefined;
          }[] | undefined;
        } | undefined;
        batch?: {
          input: number;
          output: number;
          cached_input?: number | undefined;
          cache_write?: number | undefined;
          cache_write_1h?: number | undefined;
          reasoning?: number | undefined;
          tiers?: {
            above_input_tokens: number;
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            reasoning?: number | undefined;
            cache_write_1h?: number | undefined;
          }[] | undefined;
        } | undefined;
        scale?: {
          input: number;
          output: number;
          cached_input?: number | undefined;
          cache_write?: number | undefined;
          cache_write_1h?: number | undefined;
          reasoning?: number | undefined;
          tiers?: {
            above_input_tokens: number;
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            reasoning?: number | undefined;
            cache_write_1h?: number | undefined;
          }[] | undefined;
        } | undefined;
      } | undefined;
      inference_geo_multipliers?: Record<string, number> | undefined;
      tiers?: {
        above_input_tokens: number;
        input: number;
        output: number;
        cached_input?: number | undefined;
        cache_write?: number | undefined;
        reasoning?: number | undefined;
        cache_write_1h?: number | undefined;
      }[] | undefined;
      scope_multipliers?: {
        global?: number | undefined;
        geo?: number | undefined;
        in_region?: number | undefined;
        data_zone?: number | undefined;
        regional?: number | undefined;
      } | undefined;
      valid_from?: string | undefined;
    } | {
      input: number;
      output: number;
      cached_input?: number | undefined;
      cache_write?: number | undefined;
      reasoning?: number | undefined;
      cache_write_1h?: number | undefined;
      audio_input?: number | undefined;
      audio_output?: number | undefined;
      image_input?: number | undefined;
      image_output?: number | undefined;
      video_input?: number | undefined;
      per_use?: {
        web_search?: number | undefined;
        web_fetch?: number | undefined;
        file_search?: number | undefined;
        code_execution?: number | undefined;
        code_interpreter?: number | undefined;
      } | undefined;
      web_search_unit?: "query" | "prompt" | undefined;
      service_tiers?: {
        priority?: {
          input: number;
          output: number;
          cached_input?: number | undefined;
          cache_write?: number | undefined;
          cache_write_1h?: number | undefined;
          reasoning?: number | undefined;
          tiers?: {
            above_input_tokens: number;
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            reasoning?: number | undefined;
            cache_write_1h?: number | undefined;
          }[] | undefined;
        } | undefined;
        flex?: {
          input: number;
          output: number;
          cached_input?: number | undefined;
          cache_write?: number | undefined;
          cache_write_1h?: number | undefined;
          reasoning?: number | undefined;
          tiers?: {
            above_input_tokens: number;
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            reasoning?: number | undefined;
            cache_write_1h?: number | undefined;
          }[] | undefined;
        } | undefined;
        batch?: {
          input: number;
          output: number;
          cached_input?: number | undefined;
          cache_write?: number | undefined;
          cache_write_1h?: number | undefined;
          reasoning?: number | undefined;
          tiers?: {
            above_input_tokens: number;
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            reasoning?: number | undefined;
            cache_write_1h?: number | undefined;
          }[] | undefined;
        } | undefined;
        scale?: {
          input: number;
          output: number;
          cached_input?: number | undefined;
          cache_write?: number | undefined;
          cache_write_1h?: number | undefined;
          reasoning?: number | undefined;
          tiers?: {
            above_input_tokens: number;
            input: number;
            output: number;
            cached_input?: number | undefined;
            cache_write?: number | undefined;
            reasoning?: number | undefined;
            cache_write_1h?: number | undefined;
          }[] | undefined;
        } | undefined;
      } | undefined;
      inference_geo_multipliers?: Record<string, number> | undefined;
      tiers?: {
        above_input_tokens: number;
        input: number;
        output: number;
        cached_input?: number | undefined;
        cache_write?: number | undefined;
        reasoning?: number | undefined;
        cache_write_1h?: number | undefined;
      }[] | undefined;
      scope_multipliers?: {
        global?: number | undefined;
        geo?: number | undefined;
        in_region?: number | undefined;
        data_zone?: number | undefined;
        regional?: number | undefined;
      } | undefined;
      valid_from?: string | undefined;
    }[];
  };
  stream_usage: boolean;
  translation_api?: "chat" | "responses" | undefined;
  websockets?: boolean | undefined;
  keys?: ResolvedPoolKey[] | undefined;
  preset?: string | undefined;
  deployments?:
    | Record<
      string,
      string | {
        model: string;
        scope?: "global" | "data_zone" | "regional" | undefined;
      }
    >
    | undefined;
  models?: Record<string, string> | undefined;
  aws?: ResolvedAws | undefined;
  gcp?: ResolvedGcp | undefined;
};

/**
 * A gateway key with its token read from the environment; no token when the variable is unset.
 */
type ResolvedAuthKey =
  & Omit<{
    id: string;
    org_id: string;
    role: "owner" | "admin" | "developer" | "member" | "viewer";
    permissions: (
      | "proxy:write"
      | "analytics:read"
      | "keys:manage"
      | "bodies:read"
      | "diagnostics:read"
      | "audit:read"
      | "traces:replay"
    )[];
    token?: string | {
      env: string;
    } | undefined;
    token_hash?: string | undefined;
    workspace_id?: string | undefined;
    team?: string | undefined;
    name?: string | undefined;
    description?: string | undefined;
    created_by?: string | undefined;
    limits?: {
      requests_per_minute?: number | undefined;
      tokens_per_minute?: number | undefined;
      max_tokens_per_day?: number | undefined;
      cost_usd_per_day?: number | undefined;
      max_cost_usd_per_day?: number | undefined;
    } | undefined;
  }, "token">
  & {
    token?: string;
  };

type ResolvedOtel =
  & Omit<{
    enabled: boolean;
    endpoint: string;
    protocol: "http/json" | "http/protobuf";
    insecure: boolean;
    service_name: string;
    traces_enabled: boolean;
    metrics_enabled: boolean;
    sampling_ratio: number;
    export_timeout_ms: number;
    metric_export_interval_ms: number;
    headers: Record<
      string,
      string | {
        env: string;
      }
    >;
    traces_headers: Record<
      string,
      string | {
        env: string;
      }
    >;
    metrics_headers: Record<
      string,
      string | {
        env: string;
      }
    >;
    traces_protocol?: "http/json" | "http/protobuf" | undefined;
    metrics_protocol?: "http/json" | "http/protobuf" | undefined;
    prometheus_enabled?: boolean | undefined;
    prometheus_path?: string | undefined;
  }, OtelHeaderKey>
  & Record<OtelHeaderKey, Record<string, string>>;

/**
 * `translation.state_key` read (absent: neither given nor set, a per-process key is used);
 * the store's retention also in milliseconds.
 */
type ResolvedTranslation = {
  state_key?: string | undefined;
  response_store: {
    retention: string;
    retention_ms: number;
  };
};

type OtelObservableResult = {
  observe: (value: number, attributes?: OtelAttributes | undefined) => void;
};

/**
 * A pool key with its secret read from the environment.
 */
type ResolvedPoolKey = {
  id: string;
  key: string;
  weight: number;
  rpm: number | null;
  tpm: number | null;
  group: string | null;
};

/**
 * Kind `bedrock`: the gateway's AWS credentials.
 */
type ResolvedAws = {
  region: string | null;
  access_key_id?: string | undefined;
  secret_access_key?: string | undefined;
  session_token?: string | undefined;
};

/**
 * Kind `vertex`: the gateway's service-account key, as text.
 */
type ResolvedGcp = {
  service_account_json?: string | undefined;
  source: string;
  file_error?: string | undefined;
};

type OtelHeaderKey = "headers" | "traces_headers" | "metrics_headers";

export {};
