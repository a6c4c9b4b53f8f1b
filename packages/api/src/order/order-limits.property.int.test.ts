import { MAX_MONEY_CENTS, ORDER_LIMITS, countEventsAfter, encodeEventMessage, readOrderStream, type MenuKind } from '@delivery/events';
import { projectOrderView } from '@delivery/projections';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, outcomeOf, type TestApi } from '../testing';

const alice = { sub: 'alice', role: 'customer' as const, email: 'alice@example.com' };
const admin = { sub: 'root', role: 'admin' as const };

/** Prices from cheap to the format's largest, weighted towards the limits. */
const priceCents = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 10_000 }), weight: 4 },
  { arbitrary: fc.integer({ min: 1_000_000, max: 200_000_000 }), weight: 1 },
  { arbitrary: fc.integer({ min: MAX_MONEY_CENTS - 1_000_000, max: MAX_MONEY_CENTS }), weight: 1 },
);
/** Quantities inside 1..100 mostly, and just outside it. */
const quantity = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: ORDER_LIMITS.maxQuantity }), weight: 6 },
  { arbitrary: fc.constantFrom(0, ORDER_LIMITS.maxQuantity, ORDER_LIMITS.maxQuantity + 1), weight: 1 },
);
/** Up to a few lines past the most an order holds. */
const lines = fc.array(fc.record({ priceCents, quantity, kind: fc.constantFrom<MenuKind>('food', 'bar') }), { maxLength: ORDER_LIMITS.maxLines + 3 });

const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** What the limits say of an order, computed here the plain way: the oracle the API is held to. */
function withinLimits(order: { priceCents: number; quantity: number }[]): boolean {
  if (order.length < 1 || order.length > ORDER_LIMITS.maxLines) return false;
  if (order.some((line) => line.quantity < 1 || line.quantity > ORDER_LIMITS.maxQuantity)) return false;
  const lineTotals = order.map((line) => line.priceCents * line.quantity);
  return lineTotals.every((cents) => cents <= MAX_MONEY_CENTS) && lineTotals.reduce((sum, cents) => sum + cents, 0) <= MAX_MONEY_CENTS;
}

describe('order.place over menu prices, quantities and line counts at and past their limits', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi({ seed: false });
  });
  afterAll(() => api?.close());

  it('accepts exactly the orders within the limits, whose events read back, publish and project; a refused one writes nothing', async () => {
    const seen = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(lines, async (order) => {
        const items = await Promise.all(
          order.map(async (line, n) => {
            const fields = { name: `Item ${n}`, description: '', price: money(line.priceCents), available: true };
            const [created] =
              line.kind === 'food'
                ? await api.caller(admin).menu.food.create({ items: [{ ...fields, category: 'Entrees' }] })
                : await api.caller(admin).menu.bar.create({ items: [{ ...fields, category: 'Beer', alcoholContent: 'None' }] });
            return { kind: line.kind, id: created!.id, quantity: line.quantity };
          }),
        );
        const before = await countEventsAfter(api.deps.db.orders, 0n);
        const placing = api.caller(alice).order.place({ items });
        const outcome = await outcomeOf(placing);

        if (!withinLimits(order)) {
          expect(outcome).toBe('BAD_REQUEST');
          expect(await countEventsAfter(api.deps.db.orders, 0n)).toBe(before);
          seen.refused++;
          return;
        }
        expect(outcome).toBe('OK');
        const placed = await placing;
        const [recorded] = await readOrderStream(api.deps.eventStore, placed.orderId);
        expect(recorded?.event.type).toBe('OrderPlaced');
        const [stored] = await api.deps.eventStore.readStream(`order-${placed.orderId}`);
        expect(() => encodeEventMessage({ streamId: stored!.streamId, streamVersion: 1, event: stored!.event })).not.toThrow();
        expect(projectOrderView(null, { streamVersion: 1, event: recorded!.event }).total).toBe(placed.total);
        seen.accepted++;
      }),
      {
        numRuns: 40,
        // Besides the random runs, one order sure to pass and one sure to fail (the issue's: 50 lines of 100 at 20,000.00).
        examples: [
          [[{ priceCents: 850, quantity: 2, kind: 'food' }]],
          [Array.from({ length: ORDER_LIMITS.maxLines }, () => ({ priceCents: 2_000_000, quantity: ORDER_LIMITS.maxQuantity, kind: 'food' as const }))],
        ],
      },
    );
    // Both sides of the limits were walked, not only one.
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });
});
