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
});
