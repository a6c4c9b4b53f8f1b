import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import { z } from 'zod';
import { appRouter } from '../router/root.router';
import { procedureExamples } from './procedure-examples';
import { codeSamplesFor } from './code-samples';
import { CREATING_PROCEDURES } from './rest.handler';
import { buildRouteTable, type RestRoute } from './rest-route-table';

export interface OpenApiDocumentOptions {
  /** The server's URL as clients reach it, e.g. `http://127.0.0.1:3000` (paths carry `/api/v1`). */
  baseUrl: string;
}

export const BEARER_SCHEME = 'bearerAuth';

const DESCRIPTION = [
  'The REST face of the delivery system: every tRPC procedure except the live subscription, under `/api/v1`.',
  'The same procedures answer at `/trpc` (plain JSON); `order.onStatusChange` is only there, over SSE.',
  'Send `Authorization: Bearer <JWT>` where a route needs a role (`pnpm delivery token --role customer --sub alice --email alice@example.com`).',
  'Menu reads and quotes are public. Money is a decimal string with two places ("8.50").',
  'Errors: `{ message, code, issues?, data }`; a 409 carries `data.currentVersion` and `data.currentStatus`.',
  'Limits per customer, set by the operator: `POST /api/v1/orders` at most `ORDER_RATE_LIMIT` orders per `ORDER_RATE_WINDOW_S` seconds (30 per 60 by default), and at most `SUBSCRIPTION_LIMIT` open live subscriptions (20). Over a limit: 429 `TOO_MANY_REQUESTS` with a `Retry-After` header and `data.retryAfterSeconds`; other customers are served meanwhile.',
  '`GET /api/v1/orders/{orderId}?minVersion=N` waits at most `MIN_VERSION_WAIT_MS` (3 s) for the read model; if the order has not reached version N by then, 408 `TIMEOUT` with `data.currentVersion` (never a stale order in silence).',
].join('\n\n');

const InputIssueSchema = z.object({ path: z.string(), message: z.string() });

/** What every REST error body looks like (see `RestErrorBody`). */
const RestErrorSchema = z.object({
  message: z.string().meta({ description: 'What went wrong; for bad input, each field and why' }),
  code: z.string().meta({ description: 'The tRPC error code, e.g. BAD_REQUEST, NOT_FOUND, CONFLICT' }),
  issues: z.array(InputIssueSchema).optional().meta({ description: 'BAD_REQUEST: each bad field' }),
  data: z.object({
    code: z.string(),
    httpStatus: z.number().int(),
    path: z.string().optional().meta({ description: 'The procedure, e.g. order.cancel' }),
    issues: z.array(InputIssueSchema).optional(),
    currentVersion: z.number().int().optional().meta({ description: 'CONFLICT: the version the command ran into' }),
    currentStatus: z.string().nullable().optional().meta({ description: 'CONFLICT: the status the command ran into' }),
    retryAfterSeconds: z
      .number()
      .int()
      .optional()
      .meta({ description: 'TOO_MANY_REQUESTS, SERVICE_UNAVAILABLE (a database is down): seconds to wait (also the Retry-After header)' }),
    requestId: z.string().optional().meta({ description: 'Matches the x-request-id header and the server logs' }),
  }),
});

type JsonObject = Record<string, unknown>;
type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

const asObject = (value: unknown): JsonObject | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined);

/** Puts each procedure's example on its operation: the body without path fields, and each parameter. */
function addExamples(document: OpenAPIObject, routes: readonly RestRoute[]): void {
  for (const route of routes) {
    const example = asObject(procedureExamples[route.procedure.path]);
    const operation = asObject(asObject(document.paths?.[route.path])?.[route.method.toLowerCase()]);
    if (!example || !operation) continue;
    const parameters = (operation.parameters ?? []) as JsonObject[];
    for (const parameter of parameters) {
      const name = parameter.name as string;
      if (name in example) parameter.example = example[name];
    }
    const media = asObject(asObject(asObject(operation.requestBody)?.content)?.['application/json']);
    if (media) {
      const inPath = new Set(parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name as string));
      media.example = Object.fromEntries(Object.entries(example).filter(([name]) => !inPath.has(name)));
    }
  }
}

/** Replaces the generator's error schemas (`{ message, code, issues }`) with the bodies actually sent. */
function describeErrors(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const errorSchema = z.toJSONSchema(RestErrorSchema, { target: 'draft-2020-12' }) as JsonObject;
  delete errorSchema.$schema;
  for (const [name, generated] of Object.entries(schemas)) {
    if (!name.startsWith('error.')) continue;
    const code = name.slice('error.'.length);
    const { title, description } = (generated ?? {}) as { title?: string; description?: string };
    const properties = { ...(errorSchema.properties as JsonObject), code: { type: 'string', const: code } };
    schemas[name] = { ...errorSchema, properties, title, description } as SchemaObject;
  }
}

const TAGS = [
  { name: 'menu', description: 'The food and bar menus (reads and quotes are public; writes are for admins).' },
  { name: 'orders', description: 'Placing, reading and changing orders (customers their own; vendors and admins all).' },
];

const errorResponse = (code: string, description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/error.${code}` } } },
});

/**
 * What the generator leaves out and linters (`redocly lint`, recommended rules) ask for: `security: []` on
 * the public routes, 201 for the routes that create, 413 where a body can be too large, 429 everywhere (the
 * rate limits), and no safe-integer bounds (zod's `.int()` writes them, and doc pages then show
 * -9007199254740991 as the example of every id).
 */
function completeOperations(document: OpenAPIObject, routes: readonly RestRoute[]): void {
  const schemas = ((document.components ??= {}).schemas ??= {});
  schemas['error.PAYLOAD_TOO_LARGE'] ??= { title: 'Payload too large error (413)', description: 'The error information' } as SchemaObject;
  schemas['error.TOO_MANY_REQUESTS'] ??= { title: 'Too many requests error (429)', description: 'The error information' } as SchemaObject;
  for (const route of routes) {
    const operation = asObject(asObject(document.paths?.[route.path])?.[route.method.toLowerCase()]);
    if (!operation) continue;
    operation.security ??= [];
    const responses = (operation.responses ??= {}) as JsonObject;
    if (CREATING_PROCEDURES.has(route.procedure.path) && responses['200']) {
      responses['201'] = responses['200'];
      delete responses['200'];
    }
    if (route.method !== 'GET' && route.method !== 'DELETE') responses['413'] ??= errorResponse('PAYLOAD_TOO_LARGE', 'The request body is too large');
    responses['429'] ??= errorResponse('TOO_MANY_REQUESTS', 'Too many requests: wait as the Retry-After header says');
  }
}

function dropSafeIntegerBounds(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(dropSafeIntegerBounds);
  const object = asObject(value);
  if (!object) return;
  if (object.minimum === Number.MIN_SAFE_INTEGER) delete object.minimum;
  if (object.maximum === Number.MAX_SAFE_INTEGER) delete object.maximum;
  Object.values(object).forEach(dropSafeIntegerBounds);
}

/** curl and TypeScript on every operation, with this server's URL in them. */
function addCodeSamples(document: OpenAPIObject, routes: readonly RestRoute[], baseUrl: string): void {
  for (const route of routes) {
    const operation = asObject(asObject(document.paths?.[route.path])?.[route.method.toLowerCase()]);
    if (!operation) continue;
    const needsToken = Array.isArray(operation.security) && operation.security.length > 0;
    operation['x-codeSamples'] = codeSamplesFor(route, baseUrl, procedureExamples[route.procedure.path], needsToken);
  }
}

let cached: OpenAPIObject | undefined;

/**
 * The OpenAPI 3.1 document of `/api/v1`, generated by `trpc-to-openapi` from the procedures' own zod
 * schemas and `meta.openapi`, with examples that work against a freshly seeded server.
 * @example const document = createOpenApiDocument({ baseUrl: 'http://127.0.0.1:3000' });
 */
export function createOpenApiDocument(options: OpenApiDocumentOptions): OpenAPIObject {
  cached ??= buildDocument();
  // A copy per call: callers may change theirs, and only the server URL differs.
  const document = structuredClone(cached);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  document.servers = [{ url: baseUrl || '/' }];
  // Without a public URL the document's server is relative; code samples still need a whole URL to run.
  addCodeSamples(document, buildRouteTable(), baseUrl || 'http://127.0.0.1:3000');
  return document;
}

function buildDocument(): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
    title: 'Delivery system API',
    version: '1.0.0',
    description: DESCRIPTION,
    baseUrl: 'http://127.0.0.1:3000',
    tags: ['menu', 'orders'],
    securitySchemes: {
      [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256 JWT with claims sub, role and (customers) email' },
    },
  });
  const routes = buildRouteTable();
  document.info.license = { name: 'MIT', identifier: 'MIT' };
  document.tags = TAGS;
  completeOperations(document, routes);
  addExamples(document, routes);
  describeErrors(document);
  dropSafeIntegerBounds(document);
  return document;
}
