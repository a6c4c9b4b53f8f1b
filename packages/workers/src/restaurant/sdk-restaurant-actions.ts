import { conflictOf, type DeliveryClient } from '@delivery/sdk';
import type { RestaurantActions } from './restaurant.consumer';

/**
 * The vendor's actions through the public API, as a restaurant's app would make them.
 * - A CONFLICT means the order has already moved on (a redelivered message, or the customer cancelled
 *   first): nothing left to do.
 * - While the API cannot be reached or answers 503 (restarting, deploying, a database down) the error goes
 *   up to the consumer, which holds the message behind its circuit breaker for the API and tries again once
 *   the API answers, without spending the message's delivery limit.
 */
export function sdkRestaurantActions(client: DeliveryClient): RestaurantActions {
  const perform = async (call: () => Promise<unknown>): Promise<'done' | 'settled'> => {
    try {
      await call();
      return 'done';
    } catch (error) {
      if (conflictOf(error)) return 'settled';
      throw error;
    }
  };
  return {
    accept: (orderId) => perform(() => client.order.accept.mutate({ orderId })),
    markDelivered: (orderId) => perform(() => client.order.markDelivered.mutate({ orderId })),
  };
}
