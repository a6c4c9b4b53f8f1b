import { createInProcessBus, memoryQueueStorage, silentLogger, type MessageBus } from '@delivery/events';
import { startOrderChangeFeed, type OrderChangeFeed } from '../live/order-change-feed';
import { createTestApi, type TestApi, type TestApiOptions } from '../testing';

export const ALICE = { sub: 'alice', role: 'customer', email: 'alice@example.com' } as const;
export const BOB = { sub: 'bob', role: 'customer', email: 'bob@example.com' } as const;
export const VENDOR = { sub: 'kitchen', role: 'vendor' } as const;
export const ADMIN = { sub: 'root', role: 'admin' } as const;
const ROLES = { anonymous: null, alice: ALICE, bob: BOB, vendor: VENDOR, admin: ADMIN } as const;
export type RoleName = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as RoleName[];

export interface SecurityApi extends TestApi {
  /** `Authorization` headers by role (none for anonymous). */
  auth: Record<RoleName, Record<string, string>>;
  /** A pending order of Alice's, placed through the procedures. */
  placeAlicesOrder(): Promise<string>;
}

/**
 * A test API with live tracking on (an in-process bus feeds the change feed, as in embedded mode) and a
 * bearer header for each role of the matrix.
 */
export async function createSecurityApi(options: TestApiOptions = {}): Promise<SecurityApi & { closeAll(): Promise<void> }> {
  const bus: MessageBus = await createInProcessBus({ storage: memoryQueueStorage(), logger: silentLogger });
  const orderChangeFeed: OrderChangeFeed = startOrderChangeFeed({ bus });
  const api = await createTestApi({ ...options, deps: { orderChangeFeed, ...options.deps } });
  const auth = {} as Record<RoleName, Record<string, string>>;
  for (const name of ROLE_NAMES) {
    const user = ROLES[name];
    auth[name] = user ? { authorization: `Bearer ${await api.tokens.of(user)}` } : {};
  }
  return {
    ...api,
    auth,
    async placeAlicesOrder() {
      const placed = await api.caller(ALICE).order.place({ items: [{ kind: 'food', id: 1, quantity: 1 }] });
      return placed.orderId;
    },
    async closeAll() {
      await api.close();
      await orderChangeFeed.close();
      await bus.close();
    },
  };
}

/** The tRPC error code of a JSON answer (`/trpc` or `/api/v1`), or OK. */
export async function codeOf(response: Response): Promise<string> {
  const text = await response.text();
  if (response.ok) return 'OK';
  const body = JSON.parse(text) as { error?: { data?: { code?: string } }; code?: string };
  return body.error?.data?.code ?? body.code ?? `HTTP ${response.status}`;
}

export interface SseEvent {
  event: string;
  data: string;
}

/**
 * The first event of an SSE answer that is not tRPC's `connected` or a ping; the stream stays open unless
 * `cancel` is true (the default), as a client that read what it wanted and left.
 */
export async function firstSseEvent(
  response: Response,
  options: { cancel?: boolean } = {},
): Promise<SseEvent & { reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the stream ended before an event: ${buffered}`);
    buffered += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      if (event === 'connected' || event === 'ping' || block.startsWith(':')) continue;
      if (options.cancel ?? true) await reader.cancel();
      return { event, data, reader };
    }
  }
}

/** OK when the first event carries data, else the error code of a `serialized-error` event. */
export function sseOutcome(event: SseEvent): string {
  if (event.event !== 'serialized-error') return 'OK';
  return (JSON.parse(event.data) as { data?: { code?: string } }).data?.code ?? 'ERROR';
}
