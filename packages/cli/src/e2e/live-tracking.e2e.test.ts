import { startTcpProxy, type TcpProxy } from '@delivery/events/testing';
import { createDeliveryClient } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from '../testing/system-harness';
import { placeSampleOrder } from '../testing/order-scenarios';

describe('live order tracking over SSE', () => {
  let system: RunningSystem;
  let proxy: TcpProxy;

  beforeAll(async () => {
    system = await startSystem({ deliveryDelayMs: 1_500, processes: ['api', 'relay', 'projection', 'vendor'] });
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(system.apiUrl).port) });
  });
  afterAll(async () => {
    await proxy?.close();
    await system?.stop();
  });

  it('starts from the current state, then follows every change until delivered', async () => {
    const client = createDeliveryClient({ url: system.apiUrl, token: await system.customerToken('erin') });
    const { placed } = await placeSampleOrder(client);
    const seen: { status: string; version: number }[] = [];
    await new Promise<void>((resolve, reject) => {
      client.order.onStatusChange.subscribe({ orderId: placed.orderId }, { onData: ({ data }) => seen.push(data), onComplete: resolve, onError: reject });
    });
    // The first message is the state at subscription time, which may already be accepted.
    expect(['pending', 'accepted']).toContain(seen[0]?.status);
    expect(seen.at(-1)).toMatchObject({ status: 'delivered', version: 3 });
    const versions = seen.map((change) => change.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('misses nothing when the connection drops mid-way: the client resumes from the last event id', async () => {
    const proxied = `http://127.0.0.1:${proxy.port}`;
    const client = createDeliveryClient({ url: proxied, token: await system.customerToken('frank') });
    const { placed } = await placeSampleOrder(client);
    const seen: string[] = [];
    let dropped = false;
    await new Promise<void>((resolve, reject) => {
      client.order.onStatusChange.subscribe(
        { orderId: placed.orderId, lastEventId: '0' },
        {
          onData: ({ data }) => {
            seen.push(data.status);
            if (!dropped) {
              dropped = true;
              proxy.dropConnections();
            }
          },
          onComplete: resolve,
          onError: reject,
        },
      );
    });
    expect(dropped).toBe(true);
    expect(seen).toEqual(['pending', 'accepted', 'delivered']);
  });

  it('answers NOT_FOUND to a customer following an order of someone else', async () => {
    const owner = createDeliveryClient({ url: system.apiUrl, token: await system.customerToken('gina') });
    const stranger = createDeliveryClient({ url: system.apiUrl, token: await system.customerToken('hugo') });
    const { placed } = await placeSampleOrder(owner);
    const error = await new Promise<unknown>((resolve) => {
      const subscription = stranger.order.onStatusChange.subscribe(
        { orderId: placed.orderId },
        {
          onData: () => resolve(new Error('a stranger received data')),
          onError: (caught) => {
            subscription.unsubscribe();
            resolve(caught);
          },
        },
      );
    });
    expect((error as { data?: { code?: string } }).data?.code).toBe('NOT_FOUND');
  });
});
