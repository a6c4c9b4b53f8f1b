import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MONEY_PATTERN } from '../shared/money';
import { CURRENT_SCHEMA_VERSION, EventMetadata, OrderEvent, OrderPlaced } from './order.events';
import { fastParseOrderEvent } from './order.events.fast-parse';
import { ORDER_LIMITS } from './order.limits';
import { parseOrderEvent } from './order.stream';

/*
 * The fast path may decline anything, but what it returns must be what zod returns: the same verdict
 * (valid) and the same value, down to key order and optional keys kept as undefined. Valid events of the
 * usual shape must not be declined, or the fast path buys nothing.
 */

const patternOf = (schema: { def: { pattern?: RegExp } }): RegExp => {
  if (!schema.def.pattern) throw new Error('a format without a pattern');
  return schema.def.pattern;
};
const uuid = fc.oneof(fc.uuid(), fc.stringMatching(patternOf(EventMetadata.shape.eventId)));
const email = fc.oneof(fc.constant('someone@example.com'), fc.stringMatching(patternOf(OrderPlaced.shape.data.shape.email)));
const occurredAt = fc.oneof(
  fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.stringMatching(patternOf(EventMetadata.shape.occurredAt)),
);
const money = fc.oneof(fc.constantFrom('0.00', '8.50', '99999999.99'), fc.stringMatching(MONEY_PATTERN));
const text = (minLength: 0 | 1, maxLength: number) =>
  fc.oneof(fc.string({ minLength, maxLength }), fc.string({ minLength, maxLength, unit: 'grapheme' }), fc.string({ minLength, maxLength, unit: 'binary' }));
const within = (minLength: 0 | 1, maxLength: number) => text(minLength, maxLength).filter((value) => value.length <= maxLength);

const emoji = (count: number) => '😀'.repeat(count);
// Values a field may wrongly hold: other types, edges of numbers and lengths (zod counts code points,
// so 😀 is one character in two UTF-16 units), near-misses of the formats.
const oddValue = fc.oneof(
  fc.constantFrom<unknown>(
    undefined,
    null,
    true,
    0,
    -0,
    1.5,
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 53,
    ORDER_LIMITS.maxMenuItemId + 1,
    ORDER_LIMITS.maxQuantity + 1,
    '',
    ' ',
    'x',
    '1',
    [],
    {},
    [{}],
    emoji(100),
    emoji(101),
    emoji(150),
    emoji(200),
    emoji(201),
    emoji(250),
    emoji(500),
    emoji(501),
    'x'.repeat(201),
    'x'.repeat(501),
    '8.5',
    '08.50',
    '123456789.00',
    '-1.00',
    '1.000',
    '8,50',
    '2025-02-29T00:00:00Z',
    '2024-02-29T00:00:00Z',
    '2025-01-02T12:00:00',
    '2025-01-02T12:00:00+01:00',
    '2025-01-02 12:00:00Z',
    '2025-01-02T24:00:00Z',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '5d1f3c2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f',
    '5d1f3c2e-8a4b-0c6d-9e0f-1a2b3c4d5e6f',
    '5D1F3C2E-8A4B-4C6D-9E0F-1A2B3C4D5E6F',
    '5d1f3c2e-8a4b-4c6d-7e0f-1a2b3c4d5e6f',
    'a@b.co',
    'a@b',
    'a..b@example.com',
    'food',
    'bar',
    'customer',
    'root',
    'OrderPlaced',
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.jsonValue(),
  uuid,
  email,
  occurredAt,
  money,
);

const metadata = fc.record(
  {
    eventId: uuid,
    correlationId: within(1, 40),
    causationId: fc.option(within(1, 40)),
    occurredAt,
    schemaVersion: fc.integer({ min: 1, max: 3 }),
    actor: fc.record({ sub: within(1, 200), role: fc.constantFrom('customer', 'vendor', 'admin') }),
    traceparent: within(0, 200),
  },
  { requiredKeys: ['eventId', 'correlationId', 'causationId', 'occurredAt', 'schemaVersion', 'actor'] },
);
const line = fc.record({
  kind: fc.constantFrom('food', 'bar'),
  itemId: fc.integer({ min: 1, max: ORDER_LIMITS.maxMenuItemId }),
  name: within(1, 60),
  unitPrice: money,
  quantity: fc.integer({ min: 1, max: ORDER_LIMITS.maxQuantity }),
  lineTotal: money,
});
const validEvent = fc.oneof(
  fc.record({
    type: fc.constant('OrderPlaced'),
    data: fc.record({
      orderId: uuid,
      customerId: within(1, 200),
      email,
      lines: fc.array(line, { minLength: 1, maxLength: ORDER_LIMITS.maxLines }),
      total: money,
      idempotencyKey: fc.option(within(1, 200)),
    }),
    metadata,
  }),
  fc.record({ type: fc.constantFrom('OrderAccepted', 'OrderDelivered'), data: fc.record({ orderId: uuid }), metadata }),
  fc.record({ type: fc.constant('OrderRejected'), data: fc.record({ orderId: uuid, reason: within(1, 500) }), metadata }),
  fc.record({ type: fc.constant('OrderCancelled'), data: fc.record({ orderId: uuid, reason: fc.option(within(0, 500)) }), metadata }),
);

/** A field's values just outside (or just inside) what its schema allows, by the field's name. */
const integerEdges = (min: number, max: number) => [min - 1, min, max, max + 1, min + 0.5, -0, 2 ** 53, String(min)];
const textEdges = (max: number) => ['', 'x'.repeat(max), 'x'.repeat(max + 1), emoji(max), emoji(max + 1), emoji(Math.floor(max / 2) + 1)];
const moneyEdges = ['8.5', '08.50', '123456789.00', '-1.00', '1.000', '1e3', 8.5];
const uuidEdges = ['not-a-uuid', '5d1f3c2e-8a4b-0c6d-9e0f-1a2b3c4d5e6f', '5D1F3C2E-8A4B-4C6D-9E0F-1A2B3C4D5E6F', '5d1f3c2e-8a4b-4c6d-7e0f-1a2b3c4d5e6f'];
const NEAR_MISSES: Readonly<Record<string, readonly unknown[]>> = {
  type: ['OrderShipped', 'orderPlaced', 'OrderPlaced', 'OrderAccepted', 'OrderCancelled', 'OrderRejected'],
  eventId: uuidEdges,
  orderId: uuidEdges,
  correlationId: textEdges(40),
  causationId: textEdges(40),
  occurredAt: [
    '2025-02-29T00:00:00Z',
    '2024-02-29T00:00:00Z',
    '2025-01-02T12:00:00',
    '2025-01-02 12:00:00Z',
    '2025-01-02T24:00:00Z',
    '2025-01-02T12:00:00+01:00',
  ],
  schemaVersion: integerEdges(1, 3),
  sub: textEdges(200),
  role: ['root', 'Customer', 'vendor'],
  customerId: textEdges(200),
  email: ['a@b', 'a..b@example.com', 'someone@example', 'a@b.co'],
  idempotencyKey: textEdges(200),
  total: moneyEdges,
  kind: ['drink', 'Food', 'bar'],
  itemId: integerEdges(1, ORDER_LIMITS.maxMenuItemId),
  name: textEdges(60),
  unitPrice: moneyEdges,
  quantity: integerEdges(1, ORDER_LIMITS.maxQuantity),
  lineTotal: moneyEdges,
  reason: textEdges(500),
  traceparent: textEdges(200),
};
const nearMisses = (key: string | number | undefined): fc.Arbitrary<unknown> => {
  const edges = typeof key === 'string' ? NEAR_MISSES[key] : undefined;
  return edges ? fc.oneof({ arbitrary: fc.constantFrom(...edges), weight: 3 }, { arbitrary: oddValue, weight: 1 }) : oddValue;
};

type Path = (string | number)[];
/** Every path to a value inside `value` (objects and arrays), the root's children first. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((key) => {
    const step = Array.isArray(value) ? Number(key) : key;
    return [[...prefix, step], ...pathsOf((value as Record<string, unknown>)[key], [...prefix, step])];
  });
}
type Mutation = { kind: 'set'; value: unknown } | { kind: 'delete' } | { kind: 'add'; key: string; value: unknown };
function mutate(event: unknown, path: Path, mutation: Mutation): unknown {
  const copy = structuredClone(event);
  const parent = path.slice(0, -1).reduce<unknown>((node, step) => (isNode(node) ? node[step] : undefined), copy);
  const last = path.at(-1);
  if (!isNode(parent) || last === undefined) return copy;
  if (mutation.kind === 'set') parent[last] = mutation.value;
  else if (mutation.kind === 'delete') delete parent[last];
  else {
    const node = parent[last];
    if (isNode(node)) node[mutation.key] = mutation.value;
  }
  return copy;
}
const isNode = (value: unknown): value is Record<string | number, unknown> => typeof value === 'object' && value !== null;
const at = (event: unknown, path: Path): unknown => path.reduce<unknown>((node, step) => (isNode(node) ? node[step] : undefined), event);

/** One change at `path` of `event`: a near miss of its field, its removal, or a key added beside its own. */
const mutationAt = (event: unknown, path: Path): fc.Arbitrary<Mutation> => {
  const current = at(event, path);
  const last = path.at(-1);
  const lines = Array.isArray(current) && last === 'lines' ? [[], Array.from({ length: ORDER_LIMITS.maxLines + 1 }, () => current[0])] : [];
  const values = lines.length > 0 ? fc.oneof(fc.constantFrom(...lines), nearMisses(last)) : nearMisses(last);
  return fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('set' as const), value: values }), weight: 4 },
    { arbitrary: fc.constant({ kind: 'delete' as const }), weight: 1 },
    {
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        key: fc.constantFrom('extra', 'traceparent', 'type', '__proto__', 'toString'),
        value: oddValue,
      }),
      weight: 1,
    },
  );
};
const mutatedEvent = validEvent.chain((event) => {
  const change = fc.constantFrom(...pathsOf(event)).chain((path) => mutationAt(event, path).map((each) => ({ path, each })));
  return fc
    .array(change, { minLength: 1, maxLength: 2 })
    .map((changes) => changes.reduce<unknown>((current, { path, each }) => mutate(current, path, each), event));
});

/** The value's keys at every level, in order (toStrictEqual ignores key order; JSON.stringify drops undefined). */
const keyOrder = (value: unknown): unknown =>
  typeof value === 'object' && value !== null ? Object.entries(value).map(([key, child]) => [key, keyOrder(child)]) : typeof value;

/** A valid OrderPlaced of the schema version `parseOrderEvent` reads without upcasting. */
const currentPlaced = (seed: number): unknown => {
  const [placed] = fc.sample(
    validEvent.filter((event) => event.type === 'OrderPlaced'),
    { seed, numRuns: 1 },
  );
  return mutate(placed, ['metadata', 'schemaVersion'], { kind: 'set', value: CURRENT_SCHEMA_VERSION });
};

function expectSameAsZod(input: unknown, { mustVouch }: { mustVouch: boolean }): void {
  const fast = fastParseOrderEvent(input);
  const zod = OrderEvent.safeParse(input);
  if (mustVouch && zod.success) expect(fast, 'a valid event of the usual shape was left to zod').toBeDefined();
  if (fast === undefined) return;
  expect(zod.success, `vouched for an event zod refuses: ${zod.error?.message}`).toBe(true);
  expect(fast).toStrictEqual(zod.data);
  expect(keyOrder(fast)).toEqual(keyOrder(zod.data));
}

describe('the fast parse of order events', () => {
  it('returns what zod returns for every valid event, and declines none of the usual shape', () => {
    fc.assert(
      fc.property(validEvent, (event) => expectSameAsZod(event, { mustVouch: true })),
      { numRuns: 1000 },
    );
  }, 60_000);

  it('never vouches for an event zod refuses, nor returns other than zod for one it accepts, whatever is changed', () => {
    fc.assert(
      fc.property(mutatedEvent, (event) => expectSameAsZod(event, { mustVouch: false })),
      { numRuns: 10_000 },
    );
  }, 60_000);

  it('drops unknown keys in the schema key order, as zod does, and keeps an optional key given as undefined', () => {
    const event = {
      metadata: {
        traceparent: undefined,
        actor: { role: 'admin', sub: 'ops', extra: 1 },
        schemaVersion: 1,
        occurredAt: '2025-01-02T12:00:00.000+02:00',
        causationId: null,
        correlationId: 'c',
        eventId: '5d1f3c2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f',
      },
      data: { reason: null, orderId: '5d1f3c2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f', note: 'x' },
      type: 'OrderCancelled',
      extra: true,
    };
    expect(fastParseOrderEvent(event)).toBeDefined();
    expectSameAsZod(event, { mustVouch: true });
  });

  it('leaves to zod a string over its limit in UTF-16 units that zod, counting code points, accepts', () => {
    const event = mutate(currentPlaced(1), ['data', 'customerId'], { kind: 'set', value: emoji(150) });
    expect(OrderEvent.safeParse(event).success).toBe(true);
    expect(fastParseOrderEvent(event)).toBeUndefined();
    expect(parseOrderEvent(event as never)).toStrictEqual(OrderEvent.parse(event));
  });

  it('leaves the error to zod: an invalid stored event is refused with zod’s message', () => {
    const event = mutate(currentPlaced(2), ['data', 'total'], { kind: 'set', value: '8.5' }) as never;
    expect(() => parseOrderEvent(event)).toThrow(OrderEvent.safeParse(event).error?.message ?? 'zod accepted it');
  });
});
