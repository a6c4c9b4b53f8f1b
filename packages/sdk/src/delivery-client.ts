import { createTRPCClient, httpBatchLink, httpSubscriptionLink, retryLink, splitLink } from '@trpc/client';
import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@delivery/api';
import { EventSource } from 'eventsource';
import { idempotencyLink } from './idempotency.link';
import { retryDelay, shouldRetry, type RetryOptions } from './retry-policy';

export type DeliveryClient = TRPCClient<AppRouter>;

export interface DeliveryClientOptions {
  /** The API's base URL, such as `http://127.0.0.1:3000` (`/trpc` is added). */
  url: string;
  /** A fixed bearer token (see `pnpm delivery token`). */
  token?: string;
  /** Called before each request; wins over `token`. Return undefined for anonymous calls. */
  getToken?: () => string | undefined | Promise<string | undefined>;
  retry?: RetryOptions;
  /** A fetch of your own (tests, proxies); defaults to the global one. */
  fetch?: typeof globalThis.fetch;
}

/**
 * A client for every procedure of the delivery API, typed end to end. Queries and `order.place` are retried
 * with backoff; `order.place` gets an idempotency key so a retry never orders twice; subscriptions run over
 * SSE and resume from the last event id after a dropped connection. Every call accepts `{ signal }`.
 * @example
 * const client = createDeliveryClient({ url: 'http://127.0.0.1:3000', token });
 * const { orderId } = await client.order.place.mutate({ items: [{ kind: 'food', id: 1, quantity: 2 }] });
 * client.order.onStatusChange.subscribe({ orderId }, { onData: (change) => console.info(change.status) });
 */
export function createDeliveryClient(options: DeliveryClientOptions): DeliveryClient {
  const url = `${options.url.replace(/\/$/, '')}/trpc`;
  const baseFetch = options.fetch ?? globalThis.fetch;
  const resolveToken = async () => (options.getToken ? await options.getToken() : options.token);
  const authHeaders = async (): Promise<Record<string, string>> => {
    const token = await resolveToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  };
  const maxAttempts = options.retry?.attempts ?? 3;
  const baseDelayMs = options.retry?.baseDelayMs ?? 200;

  return createTRPCClient<AppRouter>({
    links: [
      idempotencyLink(() => crypto.randomUUID()),
      retryLink({
        retry: (retryOptions) => shouldRetry(retryOptions, maxAttempts),
        retryDelayMs: (attempt) => retryDelay(attempt, baseDelayMs),
      }),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          EventSource,
          // The `eventsource` package takes a fetch, which lets the bearer token travel as a header (browsers'
          // own EventSource cannot send headers).
          eventSourceOptions: async () => {
            const headers = await authHeaders();
            return {
              fetch: (input: string | URL | Request, init?: RequestInit) =>
                baseFetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
            };
          },
        }),
        false: httpBatchLink({ url, headers: authHeaders, fetch: baseFetch }),
      }),
    ],
  });
}
