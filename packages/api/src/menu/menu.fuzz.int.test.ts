import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../testing';
import { appRouter } from '../router/root.router';

let api: TestApi;
let adminToken: string;

beforeAll(async () => {
  api = await createTestApi();
  adminToken = await api.tokens.admin();
});
afterAll(async () => {
  await api?.close();
});

// Values near the edges that the schemas and PostgreSQL care about.
const edgyNumber = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 100, 101, 2 ** 31, 2 ** 31 - 1, 2 ** 53, -(2 ** 53), 1e308, 0.1, 1.5),
);
const edgyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '8.50',
    '8.5',
    '-1.00',
    '1e3',
    '99999999.99',
    '100000000.00',
    'Entrees',
    'Beer',
    'food',
    'bar',
    'x'.repeat(10_001),
  ),
);
const anyValue = fc.oneof(edgyNumber, edgyString, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));

/** A valid input of each procedure, which the mutations below bend out of shape. */
function templateFor(path: string): unknown {
  const [, kind, name] = path.split('.');
  const item =
    kind === 'bar'
      ? { name: 'Pint', description: 'd', price: '4.50', available: true, category: 'Beer', alcoholContent: 'Medium' }
      : { name: 'Chips', description: 'd', price: '2.50', available: true, category: 'Sides' };
  if (kind === 'quote')
    return {
      items: [
        { kind: 'food', id: 1, quantity: 2 },
        { kind: 'bar', id: 2, quantity: 1 },
      ],
    };
  switch (name) {
    case 'list':
      return { category: item.category, available: true };
    case 'get':
    case 'delete':
      return { id: 1 };
    case 'create':
      return { items: [item] };
    case 'update':
      return { items: [{ id: 1, ...item }] };
    case 'updateAll':
      return { patch: { available: true, price: '1.00' } };
    default:
      throw new Error(`no template for ${path}`);
  }
}

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Object.entries(value).flatMap(([key, child]) => pathsOf(child, [...prefix, Array.isArray(value) ? Number(key) : key]));
  return [prefix, ...children];
}

type Mutation = { op: 'set' | 'delete' | 'add'; path: Path; value: unknown; key: string };

function mutate(template: unknown, mutations: Mutation[]): unknown {
  let root = structuredClone(template) as unknown;
  for (const { op, path, value, key } of mutations) {
    if (path.length === 0) {
      if (op === 'set') root = value;
      else if (op === 'add' && root && typeof root === 'object') (root as Record<string, unknown>)[key] = value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<unknown>((node, segment) => (node as Record<string, unknown> | undefined)?.[segment], root);
    if (!parent || typeof parent !== 'object') continue;
    const last = path.at(-1)!;
    const target = parent as Record<string | number, unknown>;
    if (op === 'set') target[last] = value;
    else if (op === 'delete') delete target[last];
    else if (target[last] && typeof target[last] === 'object') (target[last] as Record<string, unknown>)[key] = value;
  }
  return root;
}

/** Mostly near-valid inputs (a valid one with one to three fields bent), sometimes any JSON at all. */
function inputsFor(path: string) {
  const template = templateFor(path);
  const mutation = fc.record({
    op: fc.constantFrom('set', 'set', 'delete', 'add'),
    path: fc.constantFrom(...pathsOf(template)),
    value: anyValue,
    key: fc.constantFrom('colour', 'id', 'name', '__proto__', 'constructor'),
  }) as fc.Arbitrary<Mutation>;
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => mutate(template, mutations)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

const menuProcedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
  .filter(([path]) => path.startsWith('menu.'))
  .map(([path, procedure]) => ({ path, type: procedure._def.type }));

function call(path: string, type: string, input: unknown): Promise<Response> {
  const headers = { authorization: `Bearer ${adminToken}` };
  const json = JSON.stringify(input) ?? 'null';
  if (type === 'query') return api.request(`/trpc/${path}?input=${encodeURIComponent(json)}`, { headers });
  return api.request(`/trpc/${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: json });
}

describe('menu procedures under random input', () => {
  it('knows every menu procedure', () => {
    expect(menuProcedures).toHaveLength(13);
  });

  it.each(menuProcedures)('$path never answers a 5xx, and every refusal says why', async ({ path, type }) => {
    await fc.assert(
      fc.asyncProperty(inputsFor(path), async (input) => {
        const response = await call(path, type, input);
        const body = (await response.json()) as { error?: { message: string } };
        expect(response.status, JSON.stringify(body)).toBeLessThan(500);
        if (response.status >= 400) expect(body.error?.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
  });
});
