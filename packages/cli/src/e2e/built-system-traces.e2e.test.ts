import { createDeliveryClient } from '@delivery/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type ReceivedSpan } from '../testing/otlp-receiver';
import { followUntilFinal, placeSampleOrder } from '../testing/order-scenarios';
import { startSystem, type RunningSystem } from '../testing/system-harness';

const SERVICES = ['api', 'relay', 'projection', 'email', 'vendor'] as const;

describe('the built system (node on dist/, as production runs it), traced by OTLP', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let system: RunningSystem | undefined;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    system = await startSystem({ deliveryDelayMs: 200, processes: [...SERVICES], code: 'built', env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
  });
  afterAll(async () => {
    await system?.stop();
    await receiver?.close();
  });

  it('runs every process from its built entry point', () => {
    for (const managed of system!.processes) expect(managed.command.some((arg) => arg.endsWith('.js') && arg.includes('/dist/'))).toBe(true);
  });

  it('makes one trace of one order: the API, the relay and all three consumers under its trace id', async () => {
    const customer = createDeliveryClient({ url: system!.apiUrl, token: await system!.customerToken('trace', 'trace@example.com') });
    const { placed } = await placeSampleOrder(customer);
    expect(await followUntilFinal(customer, placed.orderId)).toEqual(['pending', 'accepted', 'delivered']);

    const placement = await receiver.waitFor((spans) =>
      spans.find(
        (span) =>
          span.service === 'api' &&
          span.name === 'order append' &&
          span.attributes['order.id'] === placed.orderId &&
          span.attributes['order.event_types'] === 'OrderPlaced',
      ),
    );
    const inTrace = (spans: readonly ReceivedSpan[]) => spans.filter((span) => span.traceId === placement.traceId);
    const trace = await receiver.waitFor((spans) => {
      const mine = inTrace(spans);
      const has = (service: string, name: (span: ReceivedSpan) => boolean) => mine.some((span) => span.service === service && name(span));
      const complete =
        has('api', (span) => span.name.startsWith('POST /trpc')) &&
        has('relay', (span) => span.name === 'OrderPlaced publish') &&
        has('projection', (span) => span.name === 'OrderPlaced process') &&
        has('projection', (span) => span.name.startsWith('db ')) &&
        has('email', (span) => span.name === 'OrderPlaced process') &&
        has('email', (span) => span.name === 'smtp send') &&
        has('vendor', (span) => span.name === 'OrderPlaced process') &&
        // The vendor's accept goes back through the API, which continues the same trace.
        has('api', (span) => span.name === 'order append' && span.attributes['order.event_types'] === 'OrderAccepted');
      return complete ? mine : undefined;
    });
    expect(new Set(trace.map((span) => span.service))).toEqual(new Set(SERVICES));
    // Each consumer's span is the child of the relay's publish, which is the child of the append.
    const publish = trace.find((span) => span.service === 'relay' && span.name === 'OrderPlaced publish')!;
    expect(publish.parentSpanId).toBe(placement.spanId);
    for (const service of ['projection', 'email', 'vendor']) {
      expect(trace.find((span) => span.service === service && span.name === 'OrderPlaced process')?.parentSpanId).toBe(publish.spanId);
    }
  });

  it('stops every process on SIGTERM with status 0', async () => {
    const running = system!;
    system = undefined;
    const codes = await Promise.all(running.processes.map((managed) => managed.kill('SIGTERM')));
    expect(codes).toEqual(running.processes.map(() => 0));
    await running.stop();
  });
});
