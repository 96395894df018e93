/**
 * Builds the OpenAPI 3.1 document from the route table: the same zod schemas that validate
 * requests describe parameters, bodies and responses, so the document cannot drift from the code.
 */
import { z } from 'zod';
import type { Route } from './route.ts';
import { errorBody } from './schemas.ts';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Json;
  delete out.$schema;
  return out;
}

const ERROR_STATUSES: Record<number, string> = {
  400: 'Invalid input; error.details names each field',
  401: 'Missing, invalid, expired or revoked bearer token',
  403: 'The token lacks the required scope',
  404: 'Not found (also for resources of other tenants)',
  405: 'Method not allowed on this path',
  413: 'Body larger than 1 MiB',
  415: 'Body is not application/json',
  429:
    "Too many requests: over this agency's or this client's requests per minute " +
    '(error.details.limit is `tenant` or `client`); retry after Retry-After seconds',
  500: 'Internal error; error.details.requestId identifies it',
  503: "A dependency (e.g. the token issuer's keys) is unavailable; retry",
};

const RETRY_AFTER_HEADER = {
  description: 'Seconds until the one-minute window ends and requests are counted afresh',
  schema: { type: 'integer', minimum: 1, maximum: 60 },
};

function parameters(route: Route): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const doc = jsonSchema(schema, 'input');
    const props = (doc.properties ?? {}) as Record<string, Json>;
    const required = new Set((doc.required ?? []) as string[]);
    for (const [name, propSchema] of Object.entries(props)) {
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        schema: propSchema,
      });
    }
  }
  return out;
}

function operation(route: Route): Json {
  const responses: Json = {};
  for (const r of route.responses) {
    responses[String(r.status)] = r.schema
      ? {
          description: r.description,
          content: { 'application/json': { schema: jsonSchema(r.schema, 'output') } },
        }
      : { description: r.description };
  }
  const errorStatuses = [400, 404, 405, 500];
  if (route.scope !== 'public') errorStatuses.push(401, 403, 429, 503);
  if (route.body) errorStatuses.push(413, 415);
  for (const status of errorStatuses.sort()) {
    if (responses[String(status)]) continue;
    responses[String(status)] = {
      description: ERROR_STATUSES[status],
      ...(status === 429 ? { headers: { 'Retry-After': RETRY_AFTER_HEADER } } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  for (const r of route.responses) {
    const existing = responses[String(r.status)] as Json;
    if (!r.schema && r.status >= 400) {
      existing.content = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
    }
  }
  return {
    operationId: `${route.method.toLowerCase()}${route.path
      .split('/')
      .map((p) => p.replace(/[{}]/g, ''))
      .map((p) => (p ? (p[0] as string).toUpperCase() + p.slice(1).replace(/[^\w]/g, '') : ''))
      .join('')}`,
    summary: route.summary,
    tags: [route.tag],
    ...(route.scope === 'public'
      ? { security: [] }
      : { security: [{ bearer: [route.scope] }], 'x-required-scope': route.scope }),
    parameters: parameters(route),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

function buildOpenApiDocument(routes: readonly Route[], serverUrl?: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Json)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pantau API',
      version: '1.0.0',
      description:
        'Public-issue monitoring for Indonesian government PR units: issues, mentions, ' +
        'sentiment statistics, crisis alerts and subscribers. Every route but /health and ' +
        '/v1/openapi.json needs a bearer token; pantau/admin implies pantau/write, which ' +
        'implies pantau/read. Data of one tenant is never visible to another.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBody, 'output') },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A local token (pt_…) minted with `pantau tokens create`, or a Cognito ' +
            'client-credentials access token with scopes pantau/read, pantau/write, pantau/admin.',
        },
      },
    },
  };
}

export { buildOpenApiDocument };
