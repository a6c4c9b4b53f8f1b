import { TRPCClientError } from '@trpc/client';
import type { OrderStatus } from './api-types';
import type { AppRouter } from './router-types';
import { DeliveryTimeoutError } from './timeout.link';
import { DeliveryTokenError } from './token-source';

/**
 * An error the API answered with: `message` is readable, `data.code` is the tRPC code, `data.issues` names
 * each bad field of a BAD_REQUEST, `data.currentVersion` / `data.currentStatus` come with a CONFLICT.
 * A failure on the client's side (network, time limit, getToken) is a `TRPCClientError` too, with no `data`
 * (see `clientFailureOf`).
 * @example
 * catch (error) {
 *   if (isDeliveryError(error)) console.warn(error.data?.code, error.message, error.data?.requestId);
 * }
 */
export type DeliveryClientError = TRPCClientError<AppRouter>;

const DELIVERY_ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'TOO_MANY_REQUESTS',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'TIMEOUT',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;

/**
 * The tRPC error codes the API answers with (see the API contract).
 * @example const retryLater = (code: DeliveryErrorCode | undefined) => code === 'TOO_MANY_REQUESTS';
 */
export type DeliveryErrorCode = (typeof DELIVERY_ERROR_CODES)[number];

const knownCodes: ReadonlySet<string> = new Set(DELIVERY_ERROR_CODES);

/**
 * Narrows an unknown error to the API's typed error.
 * @example if (isDeliveryError(error) && error.data?.code === 'NOT_FOUND') showNotFound();
 */
export function isDeliveryError(error: unknown): error is DeliveryClientError {
  return error instanceof TRPCClientError;
}

/**
 * The code of an API error, or undefined for anything else (a failure on the client's side, a bug, or a
 * code this version of the SDK does not know).
 * @example
 * switch (deliveryErrorCode(error)) {
 *   case 'NOT_FOUND': return null;
 *   case 'UNAUTHORIZED': return signIn();
 *   default: throw error;
 * }
 */
export function deliveryErrorCode(error: unknown): DeliveryErrorCode | undefined {
  if (!isDeliveryError(error)) return undefined;
  const code: unknown = error.data?.code;
  return typeof code === 'string' && knownCodes.has(code) ? (code as DeliveryErrorCode) : undefined;
}

/**
 * Why a call failed without an answer from the API: `aborted` (your signal), `timeout` (`timeoutMs`
 * passed), `token` (`getToken` threw), `network` (no answer, or not one from the API). Undefined when the
 * API answered (use `deliveryErrorCode`) or for anything that is not a client error.
 * @example if (clientFailureOf(error) === 'timeout') showRetryButton();
 */
export function clientFailureOf(error: unknown): 'aborted' | 'timeout' | 'token' | 'network' | undefined {
  if (!isDeliveryError(error) || error.data !== undefined) return undefined;
  const cause = error.cause;
  if (cause instanceof DeliveryTimeoutError) return 'timeout';
  if (cause instanceof DeliveryTokenError) return 'token';
  if (cause instanceof Error && cause.name === 'AbortError') return 'aborted';
  return 'network';
}

/**
 * For a CONFLICT (stale `expectedVersion`, illegal transition): the order's current version and status.
 * Undefined for any other error.
 * @example
 * const conflict = conflictOf(error);
 * if (conflict) await client.order.cancel.mutate({ orderId, expectedVersion: conflict.currentVersion });
 */
export function conflictOf(error: unknown): { currentVersion: number; currentStatus?: OrderStatus } | undefined {
  if (!isDeliveryError(error) || error.data?.code !== 'CONFLICT') return undefined;
  const { currentVersion, currentStatus } = error.data;
  if (typeof currentVersion !== 'number') return undefined;
  return currentStatus ? { currentVersion, currentStatus } : { currentVersion };
}
