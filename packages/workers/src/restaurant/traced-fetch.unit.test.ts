import { describe, expect, it } from 'vitest';
import { tracedFetch } from './traced-fetch';

describe('tracedFetch', () => {
  it('hands the call on untouched when there is no trace to continue (tracing off), and returns the response', async () => {
    const calls: unknown[][] = [];
    const response = new Response('{}', { status: 202 });
    const traced = tracedFetch(async (...args) => {
      calls.push(args);
      return response;
    });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };

    expect(await traced('http://127.0.0.1:1/trpc/order.accept', init)).toBe(response);
    expect(calls).toEqual([['http://127.0.0.1:1/trpc/order.accept', init]]);
    expect(calls[0]?.[1]).toBe(init);
  });
});
