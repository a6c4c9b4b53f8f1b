import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from './router-types';

/**
 * An error the API answered with: `message` is readable, `data.code` is the tRPC code, `data.issues` names
 * each bad field of a BAD_REQUEST, `data.currentVersion` / `data.currentStatus` come with a CONFLICT.
 * A network failure is a `TRPCClientError` too, with no `data`.
 * @example
 * catch (error) {
 *   if (isDeliveryError(error)) console.warn(error.data?.code, error.message, error.data?.requestId);
 * }
 */
export type DeliveryClientError = TRPCClientError<AppRouter>;

/**
 * The tRPC error codes the API answers with (see the API contract).
 * @example const retryLater = (code: DeliveryErrorCode | undefined) => code === 'TOO_MANY_REQUESTS';
 */
export type DeliveryErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL_SERVER_ERROR';

/**
 * Narrows an unknown error to the API's typed error.
 * @example if (isDeliveryError(error) && error.data?.code === 'NOT_FOUND') showNotFound();
 */
export function isDeliveryError(error: unknown): error is DeliveryClientError {
  return error instanceof TRPCClientError;
}

/**
 * The code of an API error, or undefined for anything else (a network failure, a bug).
 * @example
 * switch (deliveryErrorCode(error)) {
 *   case 'NOT_FOUND': return null;
 *   case 'UNAUTHORIZED': return signIn();
 *   default: throw error;
 * }
 */
export function deliveryErrorCode(error: unknown): DeliveryErrorCode | undefined {
  return isDeliveryError(error) ? (error.data?.code as DeliveryErrorCode | undefined) : undefined;
}

/**
 * For a CONFLICT (stale `expectedVersion`, illegal transition): the order's current version and status.
 * Undefined for any other error.
 * @example
 * const conflict = conflictOf(error);
 * if (conflict) await client.order.cancel.mutate({ orderId, expectedVersion: conflict.currentVersion });
 */
export function conflictOf(error: unknown): { currentVersion: number; currentStatus?: string } | undefined {
  if (!isDeliveryError(error) || error.data?.code !== 'CONFLICT') return undefined;
  const { currentVersion, currentStatus } = error.data;
  if (typeof currentVersion !== 'number') return undefined;
  return typeof currentStatus === 'string' ? { currentVersion, currentStatus } : { currentVersion };
}
