import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { orderIdFor } from './order-id';

const newId = () => crypto.randomUUID();

describe('order id', () => {
  it('is the same for the same customer and idempotency key', () => {
    expect(orderIdFor('alice', 'k1', newId)).toBe(orderIdFor('alice', 'k1', newId));
  });
  it('differs between customers using the same key', () => {
    expect(orderIdFor('alice', 'k1', newId)).not.toBe(orderIdFor('bob', 'k1', newId));
  });
  it('is a valid UUID', () => {
    expect(z.uuid().safeParse(orderIdFor('alice', 'k1', newId)).success).toBe(true);
  });
  it('is fresh without an idempotency key', () => {
    expect(orderIdFor('alice', null, newId)).not.toBe(orderIdFor('alice', null, newId));
  });
});
