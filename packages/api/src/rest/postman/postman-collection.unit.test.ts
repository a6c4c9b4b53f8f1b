import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRouteTable } from '../rest-route-table';
import { shapePostmanCollection } from './postman-collection';
import { POSTMAN_FLOW } from './postman-flow';

interface ShapedRequest {
  name: string;
  request: { method: string; auth: { type: string; bearer?: { value: string }[] }; url: { host: string[]; path: string[] } };
}
interface Shaped {
  item: { name: string; item: ShapedRequest[] }[];
  variable: { key: string }[];
}

const routes = buildRouteTable();
const routeKey = (method: string, path: readonly string[]) => `${method} ${path.join('/')}`;
const keysOfRoutes = routes.map((route) =>
  routeKey(
    route.method,
    route.segments.map((segment) => segment.replace(/^\{(.+)\}$/, ':$1')),
  ),
);

/** A stand-in for openapi-to-postmanv2's output: one request per REST route, nested as it nests them. */
const converted = {
  info: { name: 'Delivery system API' },
  item: [
    {
      name: 'api',
      item: keysOfRoutes.map((key) => {
        const [method, path] = key.split(' ') as [string, string];
        return { name: key, request: { method, url: { path: path.split('/'), query: [], variable: [] }, header: [] } };
      }),
    },
  ],
};

const committed = JSON.parse(readFileSync(new URL('../../../../../postman/collection.json', import.meta.url), 'utf8')) as Shaped;
const requests = committed.item.flatMap((folder) => folder.item);

describe('postman collection', () => {
  it('calls every REST route, in the folders of the flow', () => {
    expect(committed.item.map((folder) => folder.name)).toEqual(POSTMAN_FLOW.map((folder) => folder.name));
    const called = new Set(requests.map(({ request }) => routeKey(request.method, request.url.path)));
    expect([...called].sort()).toEqual([...keysOfRoutes].sort());
  });

  it('takes the base URL and each role token from collection variables', () => {
    expect(committed.variable.map((variable) => variable.key)).toEqual(expect.arrayContaining(['baseUrl', 'customerToken', 'vendorToken', 'adminToken']));
    for (const { name, request } of requests) {
      expect(request.url.host, name).toEqual(['{{baseUrl}}']);
      if (request.auth.type === 'noauth') expect(request.url.path.join('/'), name).toMatch(/^api\/v1\/menu\/(food|bar|quote)/);
      else expect(request.auth.bearer?.[0]?.value, name).toMatch(/^\{\{(customer|vendor|admin)Token\}\}$/);
    }
  });

  it('holds nothing that changes from one generation to the next', () => {
    const text = JSON.stringify(committed);
    expect(text).not.toMatch(/"(id|_postman_id)":/);
    expect(text).not.toContain('"response"');
  });

  it('refuses a flow that leaves a route out, so a new procedure cannot be forgotten', () => {
    const [first, ...rest] = POSTMAN_FLOW;
    const withoutQuote = [{ ...first!, steps: first!.steps.filter((step) => step.procedure !== 'menu.quote') }, ...rest];
    expect(() => shapePostmanCollection(converted, withoutQuote, routes)).toThrow(/no step calls POST api\/v1\/menu\/quote/);
    expect(() => shapePostmanCollection(converted, POSTMAN_FLOW, routes)).not.toThrow();
  });

  it('refuses a step whose procedure has no route', () => {
    const flow = [{ name: 'x', description: '', steps: [{ name: 'Follow', procedure: 'order.onStatusChange', role: null, tests: [] }] }];
    expect(() => shapePostmanCollection(converted, flow, routes)).toThrow(/order.onStatusChange has no REST route/);
  });
});
