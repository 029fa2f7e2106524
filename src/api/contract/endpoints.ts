/**
 * The registry: every JSON API endpoint, in the order the document lists them. Adding an
 * endpoint is one entry here (its schemas live next to its handler or in schemas.ts); the
 * document, the 405 table and the contract test follow.
 */
import { z } from "zod";
import { traceListQuerySchema } from "../params.ts";
import type { Endpoint } from "./endpoint.ts";
import {
  errorResponseSchema,
  healthResponseSchema,
  openApiDocumentSchema,
  rootStatusSchema,
  traceDetailSchema,
  tracesResponseSchema,
} from "./schemas.ts";

const error = (description: string) => ({ description, schema: errorResponseSchema });
const storeFailed = error("internal_error: the trace store failed; see the gateway log.");

export const endpoints: readonly Endpoint[] = [
  {
    method: "get",
    path: "/",
    operationId: "getRoot",
    summary: "Service name and version",
    tag: "service",
    responses: { 200: { description: "The service answers.", schema: rootStatusSchema } },
  },
  {
    method: "get",
    path: "/api/health",
    operationId: "getHealth",
    summary: "Liveness, storage and trace queue figures",
    description: "Answers even when the store cannot report its size.",
    tag: "service",
    responses: { 200: { description: "The gateway is up.", schema: healthResponseSchema } },
  },
  {
    method: "get",
    path: "/api/openapi.json",
    operationId: "getOpenApi",
    summary: "This OpenAPI document",
    tag: "service",
    responses: { 200: { description: "OpenAPI 3.1 document.", schema: openApiDocumentSchema } },
  },
  {
    method: "get",
    path: "/api/traces",
    operationId: "listTraces",
    summary: "List traces, newest stored first",
    description: "Unknown, repeated or malformed parameters are rejected (400), never ignored. " +
      "An empty value means the parameter is not set.",
    tag: "traces",
    query: traceListQuerySchema,
    responses: {
      200: { description: "A page of traces.", schema: tracesResponseSchema },
      400: error("invalid_parameter: names the parameter and what it accepts."),
      500: storeFailed,
    },
    example: { query: { provider: "openai", status: "200", limit: "2", from: "2000-01-01" } },
  },
  {
    method: "get",
    path: "/api/traces/{id}",
    operationId: "getTrace",
    summary: "One trace with headers, bodies, metadata and lineage",
    tag: "traces",
    pathParams: { id: z.string().min(1).describe("A trace id, as listed by /api/traces.") },
    responses: {
      200: { description: "The trace.", schema: traceDetailSchema },
      404: error("not_found: no such trace in the caller's scope."),
      500: storeFailed,
    },
  },
];
