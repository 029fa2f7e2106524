/**
 * The API contract: the endpoint registry, the response schemas and the OpenAPI 3.1 document
 * generated from them (served at `/api/openapi.json`, committed as `openapi/openapi.yaml`).
 */
import "./type_checks.ts";

export {
  allowedMethods,
  type Endpoint,
  type EndpointAccess,
  type EndpointResponse,
  honoPath,
  type HttpMethod,
} from "./endpoint.ts";
export { endpoints } from "./endpoints.ts";
export {
  gatewayKeyHeader,
  type JsonSchema,
  type OpenApiDocument,
  openApiDocument,
  openApiYaml,
  type Operation,
  type Parameter,
} from "./openapi.ts";
export {
  costStatusSchema,
  errorResponseSchema,
  healthResponseSchema,
  openApiDocumentSchema,
  rootStatusSchema,
  traceDetailSchema,
  traceErrorCodeSchema,
  traceLineageSchema,
  traceSchema,
  tracesResponseSchema,
  traceSummarySchema,
  usageStatusSchema,
} from "./schemas.ts";
