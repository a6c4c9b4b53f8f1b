import { describe, expect, it } from 'vitest';
import { memoryCustomerLimits } from './customer-limits';
import { TooManyRequestsError } from './too-many-requests.error';
import { waitSlots } from './wait-slots';

describe('customer limits in memory (embedded mode)', () => {
  it('lets a customer place its orders of the window, then refuses with the seconds to wait, other customers unaffected', async () => {
    const limits = memoryCustomerLimits({ ordersPerWindow: 2, windowSeconds: 60, openSubscriptions: 1 });
    await limits.placeOrder('alice');
    await limits.placeOrder('alice');
    const refused = await limits.placeOrder('alice').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBeGreaterThan(0);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBeLessThanOrEqual(60);
    await expect(limits.placeOrder('bob')).resolves.toBeUndefined();
  });

  it('gives a subscription slot back when released, once, and a refusal keeps none', async () => {
    const limits = memoryCustomerLimits({ ordersPerWindow: 2, windowSeconds: 60, openSubscriptions: 1 });
    const release = await limits.openSubscription('alice');
    await expect(limits.openSubscription('alice')).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(limits.openSubscription('alice')).rejects.toBeInstanceOf(TooManyRequestsError);
    await release();
    await release();
    const again = await limits.openSubscription('alice');
    await expect(limits.openSubscription('alice')).rejects.toBeInstanceOf(TooManyRequestsError);
    await again();
  });
});

describe('wait slots', () => {
  it('hands out at most its capacity, and takes each back once', () => {
    const slots = waitSlots(1);
    const first = slots.tryTake();
    expect(first).not.toBeNull();
    expect(slots.tryTake()).toBeNull();
    first!();
    first!();
    expect(slots.inUse).toBe(0);
    expect(slots.tryTake()).not.toBeNull();
    expect(slots.tryTake()).toBeNull();
  });
});
