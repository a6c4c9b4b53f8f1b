import { describe, expect, it } from 'vitest';
import { BEARER_SCHEME, createOpenApiDocument } from './openapi-document';

/** Every procedure of API.md except the subscription, written out here rather than read from the router. */
const API_MD_PROCEDURES = [
  ...['food', 'bar'].flatMap((kind) => ['list', 'get', 'create', 'update', 'updateAll', 'delete'].map((name) => `menu.${kind}.${name}`)),
  'menu.quote',
  ...['place', 'get', 'list', 'history', 'cancel', 'accept', 'reject', 'markDelivered'].map((name) => `order.${name}`),
];
const PUBLIC = new Set(['menu.food.list', 'menu.food.get', 'menu.bar.list', 'menu.bar.get', 'menu.quote']);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; example?: unknown }[];
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<string, unknown>;
}

const document = createOpenApiDocument({ baseUrl: 'http://api.example.test:8080/' });
const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  METHODS.flatMap((method) => {
    const operation = (item as Record<string, Operation | undefined>)[method];
    return operation ? [{ path, method, operation }] : [];
  }),
);
const byProcedure = new Map(operations.map((entry) => [entry.operation.operationId.replace(/-/g, '.'), entry]));

/** Every `$ref` in the document, to check each points at something. */
function refsOf(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => refsOf(child, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsOf(value, found);
    }
  }
  return found;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with the server it was asked for', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: 'http://api.example.test:8080' }]);
  });

  it('has a route under /api/v1 for every procedure of API.md but the subscription', () => {
    for (const procedure of API_MD_PROCEDURES) {
      const entry = byProcedure.get(procedure);
      expect(entry, procedure).toBeDefined();
      expect(entry?.path).toMatch(/^\/api\/v1\//);
    }
    expect(operations).toHaveLength(API_MD_PROCEDURES.length);
    expect(byProcedure.has('order.onStatusChange')).toBe(false);
  });

  it('asks for the bearer token on every route but the public ones', () => {
    expect(document.components?.securitySchemes?.[BEARER_SCHEME]).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [procedure, { operation }] of byProcedure) {
      if (PUBLIC.has(procedure)) expect(operation.security, procedure).toEqual([]);
      else expect(operation.security, procedure).toEqual([{ [BEARER_SCHEME]: [] }]);
    }
  });

  it('names a license and describes its tags', () => {
    expect(document.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
    expect(document.tags?.map((tag) => [tag.name, typeof tag.description])).toEqual([
      ['menu', 'string'],
      ['orders', 'string'],
    ]);
  });

  it('answers 201 for placing, lists 413 where a body is sent and 429 everywhere', () => {
    const place = byProcedure.get('order.place')?.operation;
    expect(Object.keys(place?.responses ?? {})).toEqual(expect.arrayContaining(['201', '413', '429']));
    expect(place?.responses).not.toHaveProperty('200');
    for (const [procedure, { method, operation }] of byProcedure) {
      expect(operation.responses, procedure).toHaveProperty('429');
      if (method === 'post') expect(operation.responses, procedure).toHaveProperty('413');
    }
  });

  it('shows no safe-integer bound anywhere (doc pages would use it as every example)', () => {
    expect(JSON.stringify(document)).not.toMatch(/9007199254740991/);
  });

  it('resolves every reference it makes', () => {
    const refs = refsOf(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
      expect(target, ref).toBeDefined();
    }
  });

  it('describes the conflict body of the order commands with the current version', () => {
    const cancel = byProcedure.get('order.cancel')?.operation;
    expect(Object.keys(cancel?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '404', '409']));
    const conflict = document.components?.schemas?.['error.CONFLICT'] as { properties: Record<string, { properties?: object }> };
    expect(conflict.properties.data?.properties).toHaveProperty('currentVersion');
  });

  it('carries examples: bodies without path fields, and path parameters', () => {
    const place = byProcedure.get('order.place')?.operation;
    expect(place?.requestBody?.content['application/json']?.example).toMatchObject({ items: [{ kind: 'food', id: 1, quantity: 2 }, expect.anything()] });
    const reject = byProcedure.get('order.reject')?.operation;
    expect(reject?.requestBody?.content['application/json']?.example).not.toHaveProperty('orderId');
    expect(reject?.parameters?.find((parameter) => parameter.in === 'path')?.example).toEqual(expect.any(String));
    expect(byProcedure.get('menu.food.get')?.operation.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', example: 1 })]);
  });
});
