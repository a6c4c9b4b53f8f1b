import { z } from 'zod';
import { procedureExamples } from '../procedure-examples';
import { buildRouteTable, type RestRoute } from '../rest-route-table';
import { POSTMAN_FLOW, POSTMAN_VARIABLES, type PostmanFolder, type PostmanStep } from './postman-flow';

/** The parts of `openapi-to-postmanv2`'s output this reads; everything else it writes is dropped. */
const ConvertedRequest = z.object({
  name: z.string(),
  request: z.object({
    method: z.string(),
    description: z.unknown().optional(),
    url: z.object({
      path: z.array(z.string()),
      query: z.array(z.object({ key: z.string() })).default([]),
      variable: z.array(z.object({ key: z.string(), value: z.unknown() })).default([]),
    }),
    header: z.array(z.object({ key: z.string(), value: z.string() })).default([]),
    body: z.object({ mode: z.string().optional(), raw: z.string().optional() }).passthrough().optional(),
  }),
});
type ConvertedRequest = z.infer<typeof ConvertedRequest>;

interface ConvertedNode {
  item?: ConvertedNode[];
}

const ConvertedCollection = z.object({
  info: z.object({ name: z.string(), description: z.unknown().optional() }),
  item: z.array(z.unknown()),
});

function requestsOf(items: readonly unknown[]): ConvertedRequest[] {
  return items.flatMap((item) => {
    const children = (item as ConvertedNode).item;
    return Array.isArray(children) ? requestsOf(children) : [ConvertedRequest.parse(item)];
  });
}

/** `POST api/v1/orders/:orderId/cancel`, the same key for a converted request and for a REST route. */
const keyOfRequest = (request: ConvertedRequest) => `${request.request.method.toUpperCase()} ${request.request.url.path.join('/')}`;
const keyOfRoute = (route: RestRoute) => `${route.method} ${route.segments.map((segment) => segment.replace(/^\{(.+)\}$/, ':$1')).join('/')}`;

const JSON_BODY_OPTIONS = { raw: { language: 'json' } };

function shapeStep(step: PostmanStep, converted: ConvertedRequest, summary: string | undefined) {
  const { request } = converted;
  const path = request.url.path;
  const variable = request.url.variable.map(({ key, value }) => ({ key, value: step.pathVariables?.[key] ?? String(value) }));
  // The converter invents values for parameters without an example (a random enum member): those are kept,
  // disabled and empty, so Postman shows them and the file stays the same from one generation to the next.
  const example = (procedureExamples[step.procedure] ?? {}) as Record<string, unknown>;
  const query = request.url.query.map(({ key }) => (key in example ? { key, value: String(example[key]) } : { key, value: '', disabled: true as const }));
  const queryText = query.filter((entry) => !entry.disabled).map(({ key, value }) => `${key}=${value}`);
  const body = step.body ?? request.body?.raw;
  return {
    name: step.name,
    event: [{ listen: 'test', script: { type: 'text/javascript', exec: [...step.tests] } }],
    request: {
      method: request.method,
      ...(summary ? { description: `${summary} (\`${step.procedure}\`)` } : {}),
      auth: step.role ? { type: 'bearer', bearer: [{ key: 'token', value: `{{${step.role}Token}}`, type: 'string' }] } : { type: 'noauth' },
      header: request.header.filter(({ key }) => key.toLowerCase() !== 'authorization'),
      url: {
        raw: `{{baseUrl}}/${path.join('/')}${queryText.length ? `?${queryText.join('&')}` : ''}`,
        host: ['{{baseUrl}}'],
        path,
        ...(query.length ? { query } : {}),
        ...(variable.length ? { variable } : {}),
      },
      ...(body !== undefined ? { body: { mode: 'raw', raw: body, options: JSON_BODY_OPTIONS } } : {}),
    },
  };
}

/**
 * Turns `openapi-to-postmanv2`'s collection into the committed one: its requests (URL, query, headers,
 * example bodies from the OpenAPI document) in the order of `POSTMAN_FLOW`, each with its role's token
 * from a collection variable, chained by variables its tests set, and nothing random (the converter's
 * ids and faker-made response examples are dropped), so regenerating gives the same file.
 * @throws Error when a route has no step or a step no route, so a new procedure cannot be left out.
 */
export function shapePostmanCollection(
  convertedInput: unknown,
  flow: readonly PostmanFolder[] = POSTMAN_FLOW,
  routes: readonly RestRoute[] = buildRouteTable(),
) {
  const converted = ConvertedCollection.parse(convertedInput);
  const requests = new Map(requestsOf(converted.item).map((request) => [keyOfRequest(request), request]));
  const routeByProcedure = new Map(routes.map((route) => [route.procedure.path, route]));
  const used = new Set<string>();

  const item = flow.map((folder) => ({
    name: folder.name,
    description: folder.description,
    item: folder.steps.map((step) => {
      const route = routeByProcedure.get(step.procedure);
      if (!route) throw new Error(`postman flow: ${step.name}: ${step.procedure} has no REST route`);
      const request = requests.get(keyOfRoute(route));
      if (!request) throw new Error(`postman flow: ${step.name}: the converted collection has no ${keyOfRoute(route)}`);
      used.add(keyOfRoute(route));
      return shapeStep(step, request, route.procedure.meta.openapi?.summary);
    }),
  }));

  const missing = [...requests.keys()].filter((key) => !used.has(key));
  if (missing.length) throw new Error(`postman flow: no step calls ${missing.join(', ')}; add them to postman-flow.ts`);

  return {
    info: {
      name: converted.info.name,
      description: [
        'Generated from /openapi.json by scripts/postman-generate.sh: do not edit by hand.',
        'Set baseUrl and the three tokens (customerToken, vendorToken, adminToken), then run the folders in order;',
        'scripts/postman-run.sh does that with newman.',
      ].join('\n'),
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    item,
    event: [
      {
        listen: 'test',
        script: { type: 'text/javascript', exec: ["pm.test('never answers a server error', () => pm.expect(pm.response.code).to.be.below(500));"] },
      },
    ],
    variable: Object.entries(POSTMAN_VARIABLES).map(([key, value]) => ({ key, value, type: 'string' })),
  };
}
