import { claimPendingOutboxRows, orderStreamId, setAsideOutboxRows } from '@delivery/events';
import { sampleOrderPlaced } from '@delivery/events/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../testing';

describe('/metrics', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi({ seed: false });
  });
  afterAll(() => api?.close());

  it('counts requests by route pattern and status, in Prometheus text', async () => {
    await api.request('/healthz');
    await api.request('/healthz');
    await api.request('/trpc/menu.food.get?input={"id":"x"}');
    const response = await api.request('/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('http_requests_total{method="GET",route="/healthz",status="200"} 2');
    expect(text).toContain('http_requests_total{method="GET",route="/trpc/*",status="400"} 1');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('shows the outbox: rows pending, and rows the relay set aside for an operator', async () => {
    const [stuck, waiting] = [sampleOrderPlaced(), sampleOrderPlaced()];
    for (const event of [stuck, waiting]) {
      await api.deps.eventStore.appendToStream(orderStreamId(event.data.orderId), [event], { expectedVersion: 'no_stream' });
    }
    await api.deps.db.orders.transaction().execute(async (trx) => {
      const [first] = await claimPendingOutboxRows(trx, 1);
      await setAsideOutboxRows(trx, [{ id: first!.id, error: 'ZodError: total' }], new Date());
    });
    const text = await (await api.request('/metrics')).text();
    expect(text).toMatch(/^outbox_set_aside_rows 1$/m);
    expect(text).toMatch(/^outbox_pending_rows 1$/m);
    expect(text).toMatch(/^outbox_oldest_pending_age_seconds \d/m);
  });
});
