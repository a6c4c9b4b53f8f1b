import { conflictOf, deliveryErrorCode, type DeliveryClient } from '@delivery/sdk';
import type { VendorActions } from './vendor.consumer';

export interface SdkVendorActionsOptions {
  /** How long one action keeps trying while the API cannot be reached (default 2 minutes). */
  unreachableForMs?: number;
  signal?: AbortSignal;
}

/**
 * The vendor's actions through the public API, as a restaurant's app would make them.
 * - A CONFLICT means the order has already moved on (a redelivered message, or the customer cancelled
 *   first): nothing left to do.
 * - While the API cannot be reached at all (restarting, deploying) the action is retried here with backoff
 *   instead of going back to the queue, where a few quick failures would park the order.
 */
export function sdkVendorActions(client: DeliveryClient, options: SdkVendorActionsOptions = {}): VendorActions {
  const unreachableForMs = options.unreachableForMs ?? 120_000;
  const perform = async (call: () => Promise<unknown>): Promise<'done' | 'settled'> => {
    const giveUpAt = Date.now() + unreachableForMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await call();
        return 'done';
      } catch (error) {
        if (conflictOf(error)) return 'settled';
        const unreachable = deliveryErrorCode(error) === undefined;
        if (!unreachable || Date.now() >= giveUpAt || options.signal?.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
      }
    }
  };
  return {
    accept: (orderId) => perform(() => client.order.accept.mutate({ orderId })),
    markDelivered: (orderId) => perform(() => client.order.markDelivered.mutate({ orderId })),
  };
}
