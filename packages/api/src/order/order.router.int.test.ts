import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { createTestApi, outcomeOf, type TestApi } from '../testing';

const alice = { sub: 'alice', role: 'customer' as const, email: 'alice@example.com' };
const bob = { sub: 'bob', role: 'customer' as const, email: 'bob@example.com' };
const vendor = { sub: 'kitchen', role: 'vendor' as const };
const admin = { sub: 'root', role: 'admin' as const };
const twoBurgers = { items: [{ kind: 'food' as const, id: 1, quantity: 2 }] };

describe('order router', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api?.close());

  describe('order.place', () => {
    it('prices the order from the menu and answers pending at version 1', async () => {
      const item = await api.caller(null).menu.food.get({ id: 1 });
      const placed = await api.caller(alice).order.place(twoBurgers);
      expect(placed).toMatchObject({ status: 'pending', version: 1 });
      const order = await api.caller(alice).order.get({ orderId: placed.orderId });
      expect(order.lines).toEqual([{ kind: 'food', itemId: 1, name: item.name, unitPrice: item.price, quantity: 2, lineTotal: expect.any(String) }]);
      expect(order.total).toBe(order.lines[0]?.lineTotal);
      expect(order.email).toBe('alice@example.com');
    });

    it('refuses a price sent by the client', async () => {
      const input = { items: [{ kind: 'food', id: 1, quantity: 1, unitPrice: '0.01' }] };
      // @ts-expect-error: the client cannot name a price
      expect(await outcomeOf(api.caller(alice).order.place(input))).toBe('BAD_REQUEST');
    });

    it('refuses unknown items and quantities outside 1..100, naming the field', async () => {
      await expect(api.caller(alice).order.place({ items: [{ kind: 'bar', id: 99_999, quantity: 1 }] })).rejects.toThrow(/items\[0\]\.id/);
      await expect(api.caller(alice).order.place({ items: [{ kind: 'food', id: 1, quantity: 101 }] })).rejects.toThrow(/items\[0\]\.quantity/);
    });

    it('answers the first order when placed twice with one idempotency key', async () => {
      const input = { ...twoBurgers, idempotencyKey: 'checkout-42' };
      const [first, second] = await Promise.all([api.caller(alice).order.place(input), api.caller(alice).order.place(input)]);
      expect(second.orderId).toBe(first.orderId);
      const history = await api.caller(alice).order.history({ orderId: first.orderId });
      expect(history).toHaveLength(1);
      const bobs = await api.caller(bob).order.place(input);
      expect(bobs.orderId).not.toBe(first.orderId);
    });

    it('refuses the same idempotency key with another body, naming the key', async () => {
      const first = await api.caller(alice).order.place({ ...twoBurgers, idempotencyKey: 'checkout-43' });
      const other = api.caller(alice).order.place({ items: [{ kind: 'food', id: 1, quantity: 3 }], idempotencyKey: 'checkout-43' });
      await expect(other).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('"checkout-43"') });
      const otherItem = api.caller(alice).order.place({ items: [{ kind: 'bar', id: 1, quantity: 2 }], idempotencyKey: 'checkout-43' });
      expect(await outcomeOf(otherItem)).toBe('CONFLICT');
      expect((await api.caller(alice).order.place({ ...twoBurgers, idempotencyKey: 'checkout-43' })).orderId).toBe(first.orderId);
    });

    it('is for customers only', async () => {
      expect(await outcomeOf(api.caller(null).order.place(twoBurgers))).toBe('UNAUTHORIZED');
      expect(await outcomeOf(api.caller(vendor).order.place(twoBurgers))).toBe('FORBIDDEN');
    });
  });

  describe("another customer's order", () => {
    it('does not exist for reading, history, cancelling or following', async () => {
      const { orderId } = await api.caller(alice).order.place(twoBurgers);
      expect(await outcomeOf(api.caller(bob).order.get({ orderId }))).toBe('NOT_FOUND');
      expect(await outcomeOf(api.caller(bob).order.history({ orderId }))).toBe('NOT_FOUND');
      expect(await outcomeOf(api.caller(bob).order.cancel({ orderId }))).toBe('NOT_FOUND');
      expect((await api.caller(bob).order.list()).items.map((order) => order.orderId)).not.toContain(orderId);
    });

    it('is visible to vendors and admins', async () => {
      const { orderId } = await api.caller(alice).order.place(twoBurgers);
      expect((await api.caller(vendor).order.get({ orderId })).orderId).toBe(orderId);
      expect((await api.caller(admin).order.history({ orderId }))[0]?.type).toBe('OrderPlaced');
    });
  });

  describe('the state machine', () => {
    it('lets a vendor accept, then deliver', async () => {
      const { orderId } = await api.caller(alice).order.place(twoBurgers);
      expect((await api.caller(vendor).order.accept({ orderId })).status).toBe('accepted');
      expect((await api.caller(vendor).order.markDelivered({ orderId, expectedVersion: 2 })).status).toBe('delivered');
      const history = await api.caller(alice).order.history({ orderId });
      expect(history.map((entry) => [entry.type, entry.version])).toEqual([
        ['OrderPlaced', 1],
        ['OrderAccepted', 2],
        ['OrderDelivered', 3],
      ]);
      expect(history[0]?.data).not.toHaveProperty('customerId');
    });

    it('refuses delivery before acceptance with a CONFLICT naming the current status and version', async () => {
      const { orderId } = await api.caller(alice).order.place(twoBurgers);
      const error = await api
        .caller(vendor)
        .order.markDelivered({ orderId })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe('CONFLICT');
      expect((error as TRPCError).message).toMatch(/pending/);
    });

    it('refuses a stale expectedVersion', async () => {
      const { orderId } = await api.caller(alice).order.place(twoBurgers);
      await api.caller(vendor).order.accept({ orderId });
      expect(await outcomeOf(api.caller(alice).order.cancel({ orderId, expectedVersion: 1 }))).toBe('CONFLICT');
    });

    it('does not let a customer accept, nor a vendor cancel', async () => {
      const { orderId } = await api.caller(alice).order.place(twoBurgers);
      expect(await outcomeOf(api.caller(alice).order.accept({ orderId }))).toBe('FORBIDDEN');
      expect(await outcomeOf(api.caller(vendor).order.cancel({ orderId }))).toBe('FORBIDDEN');
    });

    it('lets the owner cancel a pending order and a vendor reject one, once', async () => {
      const cancelled = await api.caller(alice).order.place(twoBurgers);
      expect((await api.caller(alice).order.cancel({ orderId: cancelled.orderId })).status).toBe('cancelled');
      expect(await outcomeOf(api.caller(vendor).order.accept({ orderId: cancelled.orderId }))).toBe('CONFLICT');
      const rejected = await api.caller(alice).order.place(twoBurgers);
      expect((await api.caller(vendor).order.reject({ orderId: rejected.orderId, reason: 'kitchen closed' })).status).toBe('rejected');
    });

    it('lets exactly one of many concurrent accepts win', async () => {
      const { orderId } = await api.caller(alice).order.place(twoBurgers);
      const codes = await Promise.all(Array.from({ length: 10 }, () => outcomeOf(api.caller(vendor).order.accept({ orderId }))));
      expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
      expect(codes.filter((code) => code === 'CONFLICT')).toHaveLength(9);
    });
  });

  describe('over HTTP', () => {
    it('puts currentVersion and currentStatus in the CONFLICT error data', async () => {
      const { orderId } = await api.caller(alice).order.place(twoBurgers);
      const response = await api.request('/trpc/order.markDelivered', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await api.tokens.vendor()}` },
        body: JSON.stringify({ orderId }),
      });
      expect(response.status).toBe(409);
      const body = (await response.json()) as { error: { data: Record<string, unknown> } };
      expect(body.error.data).toMatchObject({ code: 'CONFLICT', currentVersion: 1, currentStatus: 'pending' });
    });

    it('answers BAD_REQUEST naming the field for an order id that is not a UUID', async () => {
      const response = await api.request(`/trpc/order.get?input=${encodeURIComponent(JSON.stringify({ orderId: 'nope' }))}`, {
        headers: { authorization: `Bearer ${await api.tokens.customer()}` },
      });
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toMatch(/orderId/);
    });
  });
});
