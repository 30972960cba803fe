// The OpenAPI 3.1 document of the API, built from the endpoint table (api-endpoints.ts) and
// the zod schemas registered in api-responses.schemas.ts, so what is mounted and what is
// described come from the same rows. Served at /api/v1/openapi.json (docs/decisions/0009).
import { z } from "zod/v4";
import type { ApiEndpoint } from "./api-endpoints.js";
import { apiSchemas, errorBody } from "./api-responses.schemas.js";

type JsonObject = Record<string, unknown>;

/** Path parameters: the name the document uses for each Express parameter, and what it holds. */
const PATH_PARAMETERS: Record<string, { name: string; description: string }> = {
  ref: { name: "reference", description: "The incident's reference, BD-<year>-<number> (any letter case)." },
  rule: { name: "rule", description: "The id of the applied rule, e.g. EU-GDPR-33 (or the obligation's id)." },
  importId: { name: "importId", description: "The import's id." },
  personId: { name: "personId", description: "The person's id." },
  campaignId: { name: "campaignId", description: "The campaign's id." },
  statementId: { name: "statementId", description: "The statement's id." },
  fileId: { name: "fileId", description: "The evidence file's id." },
};

/** The document's path for an Express path: /incidents/:ref -> /incidents/{reference}. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, (_, name: string) => `{${PATH_PARAMETERS[name]?.name ?? name}}`);
}

const ERRORS: Record<number, string> = {
  400: "A field or query parameter is wrong (error.fields names each), or the body is not JSON.",
  401: "No token, a malformed Authorization header, or a token that does not work.",
  403: "The token's owner's role does not allow this.",
  404: "No such incident (or obligation, person, import, campaign).",
  409: "The change is not possible in the current state; the message says why.",
  429: "Too many requests from this client address (an endpoint open to anyone); Retry-After says when to try again.",
  413: "The body is too large (1 MB of JSON; a CSV upload: 2 GiB; an evidence file: EVIDENCE_MAX_MIB).",
  415: "The body is not of the expected type (application/json; a CSV upload: text/csv; an evidence file: multipart/form-data).",
};

const ref = (schema: z.ZodType): JsonObject => {
  const id = apiSchemas.get(schema)?.id;
  if (!id) throw new Error("An API schema used by an endpoint is not registered with named().");
  return { $ref: `#/components/schemas/${id}` };
};

/** The registered schemas as components: requests as they are read (input), responses as they are written (output). */
function componentSchemas(requests: Set<z.ZodType>): JsonObject {
  const generate = (io: "input" | "output") =>
    z.toJSONSchema(apiSchemas, { target: "draft-2020-12", io, uri: (id) => `#/components/schemas/${id}` }).schemas;
  const [asInput, asOutput] = [generate("input"), generate("output")];
  const requestIds = new Set([...requests].map((s) => apiSchemas.get(s)?.id));
  const schemas: JsonObject = {};
  for (const id of Object.keys(asOutput).sort()) {
    const { $schema: _s, $id: _i, id: _n, ...schema } = (requestIds.has(id) ? asInput[id] : asOutput[id]) as JsonObject;
    schemas[id] = schema;
  }
  return schemas;
}

function parametersOf(endpoint: ApiEndpoint): JsonObject[] {
  const inPath = [...endpoint.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name: PATH_PARAMETERS[name!]?.name ?? name,
    in: "path",
    required: true,
    description: PATH_PARAMETERS[name!]?.description,
    schema: { type: "string" },
  }));
  const inQuery = (endpoint.query?.names ?? []).map((name) => ({
    name,
    in: "query",
    required: false,
    ...(endpoint.query?.notes?.[name] ? { description: endpoint.query.notes[name] } : {}),
    schema: name === "map" ? { type: "array", items: { type: "string" } } : { type: "string" },
  }));
  return [...inPath, ...inQuery];
}

/** An evidence upload's multipart form: the file, and the text fields the site's form has. */
const MULTIPART_FILE: JsonObject = {
  type: "object",
  required: ["file"],
  properties: {
    file: { type: "string", contentMediaType: "application/octet-stream", description: "The file, with its file name" },
    description: { type: "string", description: "What it is (optional)" },
    link: {
      type: "string",
      description:
        "<kind>:<id> of the record it is evidence of (event, system, decision, statement, obligation); empty: the incident",
    },
    replaces: { type: "string", description: "The id of the earlier file this one is a new version of" },
  },
};

function requestBodyOf(endpoint: ApiEndpoint): JsonObject | undefined {
  if (endpoint.method !== "post" || endpoint.body === "none") return undefined;
  if (endpoint.body === "csv") {
    return { required: true, content: { "text/csv": { schema: { type: "string", contentMediaType: "text/csv" } } } };
  }
  if (endpoint.body === "multipart") return { required: true, content: { "multipart/form-data": { schema: MULTIPART_FILE } } };
  return {
    required: true,
    content: { "application/json": { schema: endpoint.request ? ref(endpoint.request) : { type: "object" } } },
  };
}

function responsesOf(endpoint: ApiEndpoint): JsonObject {
  const { success } = endpoint;
  const body =
    "schema" in success
      ? { content: { "application/json": { schema: ref(success.schema) } } }
      : "csv" in success
        ? { content: { "text/csv": { schema: { type: "string" } } } }
        : "pdf" in success
          ? { content: { "application/pdf": { schema: { type: "string", contentMediaType: "application/pdf" } } } }
          : "file" in success
            ? {
                content: {
                  "application/octet-stream": { schema: { type: "string", contentMediaType: "application/octet-stream" } },
                },
              }
            : {};
  const responses: JsonObject = { [String(success.status)]: { description: endpoint.summary, ...body } };
  if (endpoint.alsoOk) responses[String(endpoint.alsoOk)] = { description: "See the summary.", ...body };
  const errors = endpoint.isPublic ? [429] : [401, 404];
  if (endpoint.role !== "viewer" && !endpoint.isPublic) errors.push(403);
  if (endpoint.query || endpoint.request || endpoint.body === "csv" || endpoint.body === "multipart") errors.push(400);
  if (endpoint.canConflict) errors.push(409);
  if (endpoint.method === "post" && endpoint.body !== "none") errors.push(413, 415);
  for (const status of errors.sort()) responses[String(status)] = { $ref: `#/components/responses/E${status}` };
  return responses;
}

function operationOf(endpoint: ApiEndpoint): JsonObject {
  const parameters = parametersOf(endpoint);
  const requestBody = requestBodyOf(endpoint);
  return {
    operationId: `${endpoint.method}${openApiPath(endpoint.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? "").toUpperCase())}`,
    summary: endpoint.summary,
    description: endpoint.isPublic
      ? "Open to anyone: no token. Rate limited per client address."
      : `Least role: ${endpoint.role}.`,
    ...(endpoint.isPublic ? { security: [] } : {}),
    tags: [endpoint.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: responsesOf(endpoint),
  };
}

/** The path of the document itself, which needs no token. */
export const OPENAPI_PATH = "/openapi.json";

/** Builds the OpenAPI 3.1 document of the given endpoints (the whole API when given apiEndpoints()). */
export function buildOpenApiDocument(endpoints: ApiEndpoint[]): JsonObject {
  const paths: Record<string, JsonObject> = {
    [OPENAPI_PATH]: {
      get: {
        operationId: "getOpenApiDocument",
        summary: "This document",
        description: "Open to anyone: it describes the API, and holds no data.",
        tags: ["API"],
        security: [],
        responses: {
          "200": { description: "The OpenAPI 3.1 document.", content: { "application/json": { schema: { type: "object" } } } },
        },
      },
    },
  };
  for (const endpoint of endpoints) {
    const path = openApiPath(endpoint.path);
    paths[path] = { ...paths[path], [endpoint.method]: operationOf(endpoint) };
  }
  const requests = new Set(endpoints.flatMap((e) => (e.request ? [e.request] : [])));
  const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: ref(errorBody) } } });
  return {
    openapi: "3.1.0",
    info: {
      title: "Breachdesk JSON API",
      version: "1",
      description:
        "Incidents, their timeline, obligations and clocks, affected people and campaigns. Every request but this " +
        "document's carries a personal API token (Authorization: Bearer bd_...), acting with its owner's role. See docs/API.md.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ bearerToken: [] }],
    tags: [
      "API",
      "Incidents",
      "Obligations and clocks",
      "People",
      "Campaigns",
      "Organisation",
      "Statements",
      "Evidence",
      "Public report",
      "Register",
      "Verification",
      "Account",
    ].map((name) => ({
      name,
    })),
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "A personal API token, bd_ and 43 more characters." },
      },
      schemas: componentSchemas(requests),
      responses: Object.fromEntries(Object.entries(ERRORS).map(([status, text]) => [`E${status}`, errorResponse(text)])),
    },
  };
}
