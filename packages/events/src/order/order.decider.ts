import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import type { Money } from '../shared/money';
import { priceLines } from './order-lines';
import { ORDER_STATUS_AFTER } from './order-status';
import type { OrderCommand, OrderCommandBase, PlaceOrder } from './order.commands';
import { CURRENT_SCHEMA_VERSION, type EventMetadata, type OrderEvent, type OrderLine, type OrderStatus } from './order.events';

/** An order that has been placed: everything its events say, plus the stream version they reach. */
export interface PlacedOrderState {
  status: OrderStatus;
  /** The stream version: how many events were folded in. */
  version: number;
  orderId: string;
  customerId: string;
  email: string;
  lines: OrderLine[];
  total: Money;
  idempotencyKey: string | null;
  createdAt: string;
  updatedAt: string;
  rejectionReason: string | null;
  cancellationReason: string | null;
}

export type OrderState = { status: 'absent'; version: number } | PlacedOrderState;

export const initialOrderState = (): OrderState => ({ status: 'absent', version: 0 });

/**
 * Folds one event into the state. Total over events: an event that does not fit the state (which the
 * decider never produces) still counts towards the version, so the version always equals the stream's.
 * @example const state = events.reduce(evolve, initialOrderState());
 */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  const version = state.version + 1;
  if (event.type === 'OrderPlaced') {
    const { data, metadata } = event;
    return {
      status: ORDER_STATUS_AFTER.OrderPlaced,
      version,
      orderId: data.orderId,
      customerId: data.customerId,
      email: data.email,
      lines: data.lines,
      total: data.total,
      idempotencyKey: data.idempotencyKey,
      createdAt: metadata.occurredAt,
      updatedAt: metadata.occurredAt,
      rejectionReason: null,
      cancellationReason: null,
    };
  }
  if (state.status === 'absent') return { status: 'absent', version };
  const changed: PlacedOrderState = { ...state, status: ORDER_STATUS_AFTER[event.type], version, updatedAt: event.metadata.occurredAt };
  switch (event.type) {
    case 'OrderAccepted':
    case 'OrderDelivered':
      return changed;
    case 'OrderRejected':
      return { ...changed, rejectionReason: event.data.reason };
    case 'OrderCancelled':
      return { ...changed, cancellationReason: event.data.reason };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/**
 * Decides which events a command produces in the given state, or throws:
 * NotFoundError when the order does not exist, ConflictError (with the current version and status)
 * for a stale `expectedVersion` or an illegal transition, ValidationError for inconsistent totals.
 * @example const events = decide({ type: 'AcceptOrder', orderId, actor, now, eventId, correlationId, causationId: null }, state);
 */
export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  if (command.type === 'PlaceOrder') return [placeOrder(command, state)];
  if (state.status === 'absent') throw new NotFoundError(`order ${command.orderId} not found`);
  checkExpectedVersion(command, state);
  const metadata = metadataOf(command);
  const { orderId } = command;
  switch (command.type) {
    case 'AcceptOrder':
      requireStatus(state, 'pending', 'accept');
      return [{ type: 'OrderAccepted', data: { orderId }, metadata }];
    case 'RejectOrder':
      requireStatus(state, 'pending', 'reject');
      return [{ type: 'OrderRejected', data: { orderId, reason: command.reason }, metadata }];
    case 'CancelOrder':
      requireStatus(state, 'pending', 'cancel');
      return [{ type: 'OrderCancelled', data: { orderId, reason: command.reason ?? null }, metadata }];
    case 'MarkOrderDelivered':
      requireStatus(state, 'accepted', 'mark delivered');
      return [{ type: 'OrderDelivered', data: { orderId }, metadata }];
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function placeOrder(command: PlaceOrder, state: OrderState): OrderEvent {
  if (state.status !== 'absent') {
    throw new ConflictError(`order ${command.orderId} already exists (${state.status})`, state.version, state.status);
  }
  checkExpectedVersion(command, state);
  // The caller priced the lines; the decider holds them to the order's limits and checks the arithmetic.
  const priced = priceLines(command.lines);
  command.lines.forEach((line, index) => {
    if (priced.lines[index]?.lineTotal !== line.lineTotal) {
      throw new ValidationError(`lines[${index}].lineTotal`, 'must be unitPrice × quantity');
    }
  });
  if (priced.total !== command.total) throw new ValidationError('total', 'must be the sum of the line totals');
  return {
    type: 'OrderPlaced',
    data: {
      orderId: command.orderId,
      customerId: command.customerId,
      email: command.email,
      lines: command.lines,
      total: command.total,
      idempotencyKey: command.idempotencyKey,
    },
    metadata: metadataOf(command),
  };
}

function checkExpectedVersion(command: OrderCommandBase, state: OrderState): void {
  if (command.expectedVersion === undefined || command.expectedVersion === state.version) return;
  const status = state.status === 'absent' ? undefined : state.status;
  throw new ConflictError(`order is at version ${state.version}, not the expected version ${command.expectedVersion}`, state.version, status);
}

function requireStatus(state: PlacedOrderState, required: OrderStatus, action: string): void {
  if (state.status !== required) {
    throw new ConflictError(`order is ${state.status}; cannot ${action}`, state.version, state.status);
  }
}

function metadataOf(command: OrderCommandBase): EventMetadata {
  return {
    eventId: command.eventId,
    correlationId: command.correlationId,
    causationId: command.causationId,
    occurredAt: command.now.toISOString(),
    schemaVersion: CURRENT_SCHEMA_VERSION,
    actor: command.actor,
  };
}
