export { createDeliveryClient, type DeliveryClient, type DeliveryClientOptions } from './delivery-client';
export {
  clientFailureOf,
  conflictOf,
  deliveryErrorCode,
  isDeliveryError,
  type DeliveryClientError,
  type DeliveryErrorCode,
} from './delivery-errors';
export type { RetryOptions } from './retry-policy';
export { DeliveryTimeoutError } from './timeout.link';
export { DeliveryTokenError, type TokenRequest } from './token-source';
export { idempotencyLink } from './idempotency.link';
export { allOrders } from './order-pages';
export type { AppRouter, RouterInputs, RouterOutputs } from './router-types';
export type {
  BarMenuItem,
  FoodMenuItem,
  ListOrdersInput,
  MenuItem,
  Order,
  OrderEventType,
  OrderHistoryEntry,
  OrderItemInput,
  OrderLine,
  OrderPage,
  OrderStatus,
  OrderStatusChange,
  PlaceOrderInput,
  PlacedOrder,
  Quote,
} from './api-types';
