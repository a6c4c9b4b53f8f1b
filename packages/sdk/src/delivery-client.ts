import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import type { TRPCClient } from '@trpc/client';
import { EventSource } from 'eventsource';
import { idempotencyLink, randomIdempotencyKey } from './idempotency.link';
import { deliveryRetryLink, REFRESH_TOKEN_CONTEXT_KEY } from './retry.link';
import type { RetryOptions } from './retry-policy';
import type { AppRouter } from './router-types';
import { timeoutLink } from './timeout.link';
import { authorizationHeader, type TokenRequest } from './token-source';

// tRPC's `.query()` and `.mutate()` return a promise tagged with the error shape through a symbol of
// @trpc/client's. A consumer's declaration emit (`declaration: true`) cannot name that symbol where
// @trpc/client is not a direct dependency (pnpm), so the SDK's client returns plain promises; errors are
// read with `deliveryErrorCode`, `conflictOf` and `clientFailureOf` instead.
type WithPlainPromises<T> = {
  [K in keyof T as K extends string ? K : never]: T[K] extends (...args: infer TArgs) => Promise<infer TOutput>
    ? (...args: TArgs) => Promise<TOutput>
    : T[K] extends (...args: never[]) => unknown
      ? T[K]
      : WithPlainPromises<T[K]>;
};

/**
 * The client `createDeliveryClient` returns: one object per router (`menu.food`, `menu.bar`, `order`) with
 * `.query`, `.mutate` or `.subscribe` on each procedure, inputs and outputs typed from the API itself.
 * @example
 * async function myOrders(client: DeliveryClient) {
 *   const page = await client.order.list.query({ status: 'pending', limit: 20 });
 *   return page.items.map((order) => `${order.orderId}: ${order.total}`);
 * }
 */
// An interface, not an alias, so that declaration emit names it `DeliveryClient` instead of spelling out
// the mapped tRPC type behind it.
export interface DeliveryClient extends WithPlainPromises<TRPCClient<AppRouter>> {}

/**
 * How to reach the API and who is calling.
 * @example
 * const options: DeliveryClientOptions = { url: 'https://api.example.com', getToken: () => session.token, retry: { attempts: 5 } };
 */
export interface DeliveryClientOptions {
  /** The API's base URL, such as `http://127.0.0.1:3000` (`/trpc` is added). */
  url: string;
  /** A fixed bearer token (see `pnpm delivery token`). */
  token?: string;
  /**
   * Called before each request and each (re)connection of a subscription; wins over `token`, so a token
   * that expires can be refreshed here. Return undefined for anonymous calls. When the API refuses a token
   * (UNAUTHORIZED), the call is repeated once with `{ refresh: true }`: return a new token then. If it
   * throws, the call fails with a `DeliveryTokenError` cause (`clientFailureOf(error) === 'token'`).
   */
  getToken?: (request: TokenRequest) => string | undefined | Promise<string | undefined>;
  /** Retries with exponential backoff for queries and `order.place` (default: 3 attempts from 200 ms). */
  retry?: RetryOptions;
  /**
   * The longest a query or mutation may take, retries included, in ms (default 30000; 0: no limit). Per
   * call: `{ context: { timeoutMs: 5_000 } }`. A call past it fails with a `DeliveryTimeoutError` cause.
   */
  timeoutMs?: number;
  /** A fetch of your own (tests, proxies); defaults to the global one. */
  fetch?: typeof globalThis.fetch;
}

// Batched GET requests put every input in the URL; past this length tRPC splits the batch.
const MAX_URL_LENGTH = 2_000;
/** The API refuses batches of more than 20 calls; a busy client sends several batches instead. */
const MAX_BATCH_ITEMS = 20;
/** A server that never answers must not hang a call for ever. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A client for every procedure of the delivery API, typed end to end. Queries and `order.place` are retried
 * with backoff; `order.place` gets an idempotency key so a retry never orders twice; subscriptions run over
 * SSE (Node 20+ and browsers) and resume from the last event id after a dropped connection. Every call
 * accepts `{ signal }` to cancel it.
 * @example
 * const client = createDeliveryClient({ url: 'http://127.0.0.1:3000', token });
 * const { orderId } = await client.order.place.mutate({ items: [{ kind: 'food', id: 1, quantity: 2 }] });
 * client.order.onStatusChange.subscribe(
 *   { orderId, lastEventId: '0' },
 *   { onData: ({ data }) => console.info(data.status) },
 * );
 */
export function createDeliveryClient(options: DeliveryClientOptions): DeliveryClient {
  const url = `${options.url.replace(/\/+$/, '')}/trpc`;
  const baseFetch = options.fetch ?? globalThis.fetch;
  const tokenSource = options.getToken ?? options.token;
  const maxAttempts = options.retry?.attempts ?? 3;
  const baseDelayMs = options.retry?.baseDelayMs ?? 200;

  // The `eventsource` package takes a fetch, which lets the bearer token travel as a header (browsers' own
  // EventSource cannot send headers). The token is read on every connection, reconnections included.
  const subscriptionFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(await authorizationHeader(tokenSource, { refresh: false }))) headers.set(name, value);
    return baseFetch(input, { ...init, headers });
  };

  const client: TRPCClient<AppRouter> = createTRPCClient<AppRouter>({
    links: [
      // Before the retry link, so every attempt of one placement carries the same key.
      idempotencyLink(() => randomIdempotencyKey()),
      // Before the retry link too: the limit bounds the whole call, waits between attempts included.
      timeoutLink(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      deliveryRetryLink({ maxAttempts, baseDelayMs, canRefreshToken: typeof options.getToken === 'function' }),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url, EventSource, eventSourceOptions: () => ({ fetch: subscriptionFetch }) }),
        false: httpBatchLink({
          url,
          headers: ({ opList }) => authorizationHeader(tokenSource, { refresh: opList.some((op) => op.context[REFRESH_TOKEN_CONTEXT_KEY] === true) }),
          fetch: baseFetch,
          maxURLLength: MAX_URL_LENGTH,
          maxItems: MAX_BATCH_ITEMS,
        }),
      }),
    ],
  });
  return client;
}
