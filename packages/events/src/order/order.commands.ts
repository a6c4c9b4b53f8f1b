import type { Money } from '../shared/money';
import type { Actor, OrderLine } from './order.events';

/**
 * What every order command carries besides its own data. Time and ids come in with the command
 * (from the handler's clock and id generator), so `decide` stays pure and replayable.
 */
export interface OrderCommandBase {
  orderId: string;
  actor: Actor;
  now: Date;
  /** The id of the (single) event the command produces. */
  eventId: string;
  correlationId: string;
  /** The id of the message or event that caused this command; null for a user's request. */
  causationId: string | null;
  /**
   * The version the caller last saw (API `expectedVersion`); when set and stale, `decide` refuses
   * with a CONFLICT carrying the current version and status.
   */
  expectedVersion?: number;
}

export interface PlaceOrder extends OrderCommandBase {
  type: 'PlaceOrder';
  customerId: string;
  email: string;
  /** Priced from the menu by the caller; the decider checks the arithmetic, never the prices. */
  lines: OrderLine[];
  total: Money;
  idempotencyKey: string | null;
}

export interface AcceptOrder extends OrderCommandBase {
  type: 'AcceptOrder';
}

export interface RejectOrder extends OrderCommandBase {
  type: 'RejectOrder';
  reason: string;
}

export interface CancelOrder extends OrderCommandBase {
  type: 'CancelOrder';
  reason?: string | null;
}

export interface MarkOrderDelivered extends OrderCommandBase {
  type: 'MarkOrderDelivered';
}

export type OrderCommand = PlaceOrder | AcceptOrder | RejectOrder | CancelOrder | MarkOrderDelivered;
export type OrderCommandType = OrderCommand['type'];
