import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import type { OrderCommand, OrderCommandBase, PlaceOrder } from './order.commands';
import { decide, evolve, initialOrderState } from './order.decider';
import { CURRENT_SCHEMA_VERSION, type Actor, type EventMetadata, type OrderEvent, type OrderLine } from './order.events';
import { deciderSpec } from './testing/decider-spec';

const given = deciderSpec({ decide, evolve, initialState: initialOrderState });

const orderId = '5d1f3c2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f';
const alice: Actor = { sub: 'alice', role: 'customer' };
const kitchen: Actor = { sub: 'kitchen', role: 'vendor' };
const placedAt = new Date('2025-01-02T12:00:00.000Z');
const later = new Date('2025-01-02T12:05:00.000Z');
const lines: OrderLine[] = [
  { kind: 'food', itemId: 3, name: 'Margherita Pizza', unitPrice: '12.50', quantity: 2, lineTotal: '25.00' },
  { kind: 'bar', itemId: 7, name: 'Mojito', unitPrice: '8.75', quantity: 1, lineTotal: '8.75' },
];

let nextId = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++nextId).padStart(12, '0')}`;

function base(actor: Actor, now: Date): OrderCommandBase {
  return { orderId, actor, now, eventId: uuid(), correlationId: 'corr-1', causationId: null };
}

/** The metadata every decided event must carry: the command's ids and actor, its time, the current schema. */
function metadataOf({ eventId, correlationId, causationId, actor, now }: OrderCommandBase): EventMetadata {
  return { eventId, correlationId, causationId, actor, occurredAt: now.toISOString(), schemaVersion: CURRENT_SCHEMA_VERSION };
}

const place = (overrides: Partial<PlaceOrder> = {}): PlaceOrder => ({
  ...base(alice, placedAt),
  type: 'PlaceOrder',
  customerId: 'alice',
  email: 'alice@example.com',
  lines,
  total: '33.75',
  idempotencyKey: 'key-1',
  ...overrides,
});
const accept = (extra: Partial<OrderCommandBase> = {}): OrderCommand => ({ ...base(kitchen, later), ...extra, type: 'AcceptOrder' });
const reject = (): OrderCommand => ({ ...base(kitchen, later), type: 'RejectOrder', reason: 'out of basil' });
const cancel = (): OrderCommand => ({ ...base(alice, later), type: 'CancelOrder', reason: null });
const deliver = (): OrderCommand => ({ ...base(kitchen, later), type: 'MarkOrderDelivered' });

/** The event the decider must produce for a legal command, built independently of the decider. */
function expectedEvent(command: OrderCommand): OrderEvent {
  const metadata = metadataOf(command);
  switch (command.type) {
    case 'PlaceOrder':
      return {
        type: 'OrderPlaced',
        data: {
          orderId,
          customerId: command.customerId,
          email: command.email,
          lines: command.lines,
          total: command.total,
          idempotencyKey: command.idempotencyKey,
        },
        metadata,
      };
    case 'AcceptOrder':
      return { type: 'OrderAccepted', data: { orderId }, metadata };
    case 'RejectOrder':
      return { type: 'OrderRejected', data: { orderId, reason: command.reason }, metadata };
    case 'CancelOrder':
      return { type: 'OrderCancelled', data: { orderId, reason: command.reason ?? null }, metadata };
    case 'MarkOrderDelivered':
      return { type: 'OrderDelivered', data: { orderId }, metadata };
  }
}

const placed = () => expectedEvent(place());
const history = {
  pending: () => [placed()],
  accepted: () => [placed(), expectedEvent(accept())],
  delivered: () => [placed(), expectedEvent(accept()), expectedEvent(deliver())],
  cancelled: () => [placed(), expectedEvent(cancel())],
  rejected: () => [placed(), expectedEvent(reject())],
};

const commands = { accept, reject, cancel, 'mark delivered': deliver };

describe('order decider', () => {
  describe('when the order does not exist', () => {
    it('places it as pending with the metadata the command carries', () => {
      const command = place();
      given([])
        .when(command)
        .then([expectedEvent(command)]);
    });

    it.each(Object.entries(commands))('refuses to %s it as not found', (_action, make) => {
      given([])
        .when(make())
        .then(new NotFoundError(`order ${orderId} not found`));
    });

    it('refuses an order without lines', () => {
      given([])
        .when(place({ lines: [], total: '0.00' }))
        .then(new ValidationError('items', 'an order needs at least one item'));
    });

    it('refuses a total that is not the sum of the lines', () => {
      given([])
        .when(place({ total: '30.00' }))
        .then(new ValidationError('total', 'must be the sum of the line totals'));
    });

    it('refuses a line total that is not unit price times quantity', () => {
      const wrong = [{ ...lines[0]!, lineTotal: '12.50' }];
      given([])
        .when(place({ lines: wrong, total: '12.50' }))
        .then(new ValidationError('lines[0].lineTotal', 'must be unitPrice × quantity'));
    });
  });

  describe('when pending', () => {
    it('accepts', () => {
      const command = accept();
      given(history.pending())
        .when(command)
        .then([expectedEvent(command)]);
    });

    it('rejects with the reason', () => {
      const command = reject();
      given(history.pending())
        .when(command)
        .then([expectedEvent(command)]);
    });

    it('cancels', () => {
      const command = cancel();
      given(history.pending())
        .when(command)
        .then([expectedEvent(command)]);
    });

    it('refuses to mark it delivered before it is accepted', () => {
      given(history.pending())
        .when(deliver())
        .then(new ConflictError('order is pending; cannot mark delivered', 1, 'pending'));
    });

    it('refuses to place it again', () => {
      given(history.pending())
        .when(place())
        .then(new ConflictError(`order ${orderId} already exists (pending)`, 1, 'pending'));
    });

    it('accepts at the expected version', () => {
      const command = accept({ expectedVersion: 1 });
      given(history.pending())
        .when(command)
        .then([expectedEvent(command)]);
    });

    it('refuses a stale expected version, naming the current version and status', () => {
      given(history.pending())
        .when(accept({ expectedVersion: 2 }))
        .then(new ConflictError('order is at version 1, not the expected version 2', 1, 'pending'));
    });
  });

  describe('when accepted', () => {
    it('marks it delivered', () => {
      const command = deliver();
      given(history.accepted())
        .when(command)
        .then([expectedEvent(command)]);
    });

    it.each(['accept', 'reject', 'cancel'] as const)('refuses to %s it', (action) => {
      given(history.accepted())
        .when(commands[action]())
        .then(new ConflictError(`order is accepted; cannot ${action}`, 2, 'accepted'));
    });

    it('refuses to place it again', () => {
      given(history.accepted())
        .when(place())
        .then(new ConflictError(`order ${orderId} already exists (accepted)`, 2, 'accepted'));
    });
  });

  describe.each(['delivered', 'cancelled', 'rejected'] as const)('when %s', (status) => {
    const version = history[status]().length;

    it.each(Object.entries(commands))('refuses to %s it, naming the current status', (action, make) => {
      given(history[status]())
        .when(make())
        .then(new ConflictError(`order is ${status}; cannot ${action}`, version, status));
    });

    it('refuses to place it again', () => {
      given(history[status]())
        .when(place())
        .then(new ConflictError(`order ${orderId} already exists (${status})`, version, status));
    });
  });
});

describe('order evolve', () => {
  it('keeps what the order was placed with and counts every event as a version', () => {
    const events = history.rejected();
    const state = events.reduce(evolve, initialOrderState());
    expect(state).toEqual({
      status: 'rejected',
      version: 2,
      orderId,
      customerId: 'alice',
      email: 'alice@example.com',
      lines,
      total: '33.75',
      idempotencyKey: 'key-1',
      createdAt: placedAt.toISOString(),
      updatedAt: later.toISOString(),
      rejectionReason: 'out of basil',
      cancellationReason: null,
    });
  });

  it('starts absent at version zero', () => {
    expect(initialOrderState()).toEqual({ status: 'absent', version: 0 });
  });
});
