import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { CURRENT_SCHEMA_VERSION } from './order.events';
import { createUpcaster, type RawEvent, upcastOrderEvent } from './order.upcasters';

const orderId = '5d1f3c2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f';
const metadata = (schemaVersion: number) => ({
  eventId: '00000000-0000-4000-8000-000000000001',
  correlationId: 'corr-1',
  causationId: null,
  occurredAt: '2025-01-02T12:00:00.000Z',
  schemaVersion,
  actor: { sub: 'alice', role: 'customer' },
});

// A made-up version 0 of OrderCancelled that had no reason yet.
const storedV0: RawEvent = { type: 'OrderCancelled', data: { orderId }, metadata: metadata(0) };
const addReason = (event: RawEvent): RawEvent => ({ ...event, data: { ...(event.data as object), reason: null } });

describe('order upcasting', () => {
  it('reads a stored version 0 event back as the current version through a registered upcaster', () => {
    const parse = createUpcaster({ 1: addReason });
    expect(parse(storedV0)).toEqual({
      type: 'OrderCancelled',
      data: { orderId, reason: null },
      metadata: metadata(CURRENT_SCHEMA_VERSION),
    });
  });

  it('applies the chain in version order', () => {
    const steps: number[] = [];
    const step = (n: number) => (event: RawEvent) => (steps.push(n), n === 1 ? addReason(event) : event);
    const parse = createUpcaster({ 3: step(3), 1: step(1), 2: step(2) }, { currentVersion: 3 });
    expect(parse(storedV0).metadata.schemaVersion).toBe(3);
    expect(steps).toEqual([1, 2, 3]);
  });

  it('refuses an event whose upcaster is missing', () => {
    expect(() => createUpcaster({})(storedV0)).toThrow('no upcaster of OrderCancelled to schema version 1');
  });

  it('refuses an event newer than the code', () => {
    expect(() => createUpcaster({})({ ...storedV0, metadata: metadata(CURRENT_SCHEMA_VERSION + 1) })).toThrow(/newer than/);
  });

  it('validates the upcast result against the current schema', () => {
    expect(() => createUpcaster({ 1: (event) => event })(storedV0)).toThrow(ZodError);
  });

  it('passes a current event through unchanged', () => {
    const current = { type: 'OrderAccepted', data: { orderId }, metadata: metadata(CURRENT_SCHEMA_VERSION) };
    expect(upcastOrderEvent(current)).toEqual(current);
  });
});
