import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../testing';
import { buildRouteTable } from './rest-route-table';

let api: TestApi;
let tokens: string[];

beforeAll(async () => {
  api = await createTestApi();
  tokens = await Promise.all([api.tokens.customer(), api.tokens.vendor(), api.tokens.admin()]);
});
afterAll(async () => {
  await api?.close();
});

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1.5',
    '1e3',
    'true',
    'false',
    'null',
    '9007199254740993',
    '2147483648',
    '%00',
    'Entrees',
    '7d3f0a52-1c2e-4b8a-9f10-3e5d6c7b8a90',
  ),
);
const query = fc.dictionary(fc.constantFrom('id', 'category', 'available', 'limit', 'cursor', 'status', 'minVersion', 'x'), text, { maxKeys: 3 });
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.constantFrom('', '{', '[]', 'null', '{"items":[{"kind":"food","id":1,"quantity":1e9}]}', '{"items":"x"}', '{"patch":{}}'),
);

describe('REST routes under random input', () => {
  for (const route of buildRouteTable()) {
    it(`${route.method} ${route.path} never answers a 5xx, and every refusal says why`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(text, { minLength: 2, maxLength: 2 }), query, body, fc.nat(tokens.length), async (segments, params, rawBody, who) => {
          let index = 0;
          const path = route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(segments[index++] || 'x'));
          const search = new URLSearchParams(params).toString();
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (who < tokens.length) headers.authorization = `Bearer ${tokens[who]}`;
          const hasBody = !['GET', 'DELETE'].includes(route.method);
          const response = await api.request(`${path}${search ? `?${search}` : ''}`, { method: route.method, headers, body: hasBody ? rawBody : undefined });
          const answer = await response.text();
          expect(response.status, answer).toBeLessThan(500);
          if (response.status >= 400) expect(JSON.parse(answer)).toMatchObject({ message: expect.any(String), code: expect.any(String) });
        }),
        { numRuns: 20 },
      );
    });
  }
});
