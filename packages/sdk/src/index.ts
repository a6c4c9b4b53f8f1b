export { createDeliveryClient, type DeliveryClient, type DeliveryClientOptions } from './delivery-client';
export { conflictOf, deliveryErrorCode, isDeliveryError, type DeliveryClientError, type DeliveryErrorCode } from './delivery-errors';
export type { RetryOptions } from './retry-policy';
export { idempotencyLink } from './idempotency.link';
export type { AppRouter, RouterInputs, RouterOutputs } from './router-types';
