import { conflictOf, type DeliveryClient } from '@delivery/sdk';
import type { VendorActions } from './vendor.consumer';

/**
 * The vendor's actions through the public API, as a restaurant's app would make them. A CONFLICT means the
 * order has already moved on (a redelivered message, or the customer cancelled first): nothing left to do.
 */
export function sdkVendorActions(client: DeliveryClient): VendorActions {
  const settledOnConflict = async (call: () => Promise<unknown>): Promise<'done' | 'settled'> => {
    try {
      await call();
      return 'done';
    } catch (error) {
      if (conflictOf(error)) return 'settled';
      throw error;
    }
  };
  return {
    accept: (orderId) => settledOnConflict(() => client.order.accept.mutate({ orderId })),
    markDelivered: (orderId) => settledOnConflict(() => client.order.markDelivered.mutate({ orderId })),
  };
}
