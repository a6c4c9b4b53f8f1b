// A client app of the delivery API, built on the published SDK: places an order, follows it live until it
// is delivered (printing each status), then checks that the API refuses to cancel a delivered order.
//
//   API_URL=http://127.0.0.1:3000 TOKEN=<a customer token> [TIMEOUT_MS=120000] node dist/main.js
//
// Exit status: 0 once the order is delivered; 1 on any error, or when TIMEOUT_MS runs out first;
// 2 when the environment is incomplete.
import { conflictOf, createDeliveryClient, isDeliveryError, type DeliveryClient, type RouterInputs } from '@delivery/sdk';

type OrderItems = RouterInputs['order']['place']['items'];

interface Settings {
  apiUrl: string;
  token: string;
  timeoutMs: number;
}

class UsageError extends Error {}

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const apiUrl = env.API_URL;
  const token = env.TOKEN;
  if (!apiUrl || !token) throw new UsageError('set API_URL (such as http://127.0.0.1:3000) and TOKEN (a customer token)');
  const timeoutMs = Number(env.TIMEOUT_MS ?? 120_000);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('TIMEOUT_MS must be a positive whole number of ms');
  return { apiUrl, token, timeoutMs };
}

/** Two of the first available dish and, when the bar has one, a drink. */
async function chooseItems(client: DeliveryClient, signal: AbortSignal): Promise<OrderItems> {
  const [food, bar] = await Promise.all([
    client.menu.food.list.query({ available: true }, { signal }),
    client.menu.bar.list.query({ available: true }, { signal }),
  ]);
  const dish = food[0];
  if (!dish) throw new Error('the food menu has no available item (seed it: pnpm delivery seed-menu)');
  const items: OrderItems = [{ kind: 'food', id: dish.id, quantity: 2 }];
  if (bar[0]) items.push({ kind: 'bar', id: bar[0].id, quantity: 1 });
  return items;
}

/** Resolves with the delivered order's version; the stream starts from the first event (`lastEventId: '0'`). */
async function followUntilDelivered(client: DeliveryClient, orderId: string, signal: AbortSignal): Promise<number> {
  const changes = client.order.onStatusChange.subscribe({ orderId, lastEventId: '0' }, { signal });
  for await (const { data: change } of changes) {
    console.log(`${change.at}  ${change.status.padEnd(9)}  version ${change.version}`);
    if (change.status === 'delivered') return change.version;
    if (change.status === 'cancelled' || change.status === 'rejected') throw new Error(`the order was ${change.status}`);
  }
  // An aborted subscription ends quietly; say why it ended.
  signal.throwIfAborted();
  throw new Error('the status stream ended before the order was delivered');
}

/** A delivered order cannot be cancelled: the API answers CONFLICT with the order's current version. */
async function expectCancelRefused(client: DeliveryClient, orderId: string, version: number, signal: AbortSignal): Promise<void> {
  try {
    await client.order.cancel.mutate({ orderId, expectedVersion: version }, { signal });
  } catch (error) {
    const conflict = conflictOf(error);
    if (!conflict) throw error;
    console.log(`cancel refused as expected: the order is ${conflict.currentStatus ?? '?'} at version ${conflict.currentVersion}`);
    return;
  }
  throw new Error('the API cancelled a delivered order');
}

async function run(settings: Settings): Promise<void> {
  const signal = AbortSignal.timeout(settings.timeoutMs);
  const client = createDeliveryClient({ url: settings.apiUrl, token: settings.token });
  const items = await chooseItems(client, signal);
  const placed = await client.order.place.mutate({ items }, { signal });
  console.log(`placed order ${placed.orderId}: total ${placed.total}, ${placed.status}`);
  const version = await followUntilDelivered(client, placed.orderId, signal);
  await expectCancelRefused(client, placed.orderId, version, signal);
}

function describeFailure(error: unknown, settings: Settings | undefined): string {
  if (error instanceof UsageError) return error.message;
  if (settings && isTimeout(error)) return `gave up after ${settings.timeoutMs} ms (TIMEOUT_MS) before the order was delivered`;
  if (isDeliveryError(error)) {
    const where = error.data?.path ? ` in ${error.data.path}` : '';
    return `${error.data?.code ?? 'network error'}${where}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function isTimeout(error: unknown): boolean {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError') return true;
  }
  return false;
}

let settings: Settings | undefined;
try {
  settings = readSettings(process.env);
  await run(settings);
  console.log('delivered');
  process.exit(0);
} catch (error) {
  console.error(`client-app: ${describeFailure(error, settings)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
