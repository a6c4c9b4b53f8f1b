import { context, propagation, trace } from '@opentelemetry/api';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { inSpan } from './tracing';
import { startTracing } from './start-tracing';

describe('startTracing', () => {
  // The SDK registers itself globally: leave the process as the other tests expect it, with tracing off.
  afterAll(() => {
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('stops without failing when the collector does not answer (its flush is bounded)', async () => {
    // A port that accepts connections and never answers: the worst collector there is.
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as { port: number };
    const tracing = await startTracing({ serviceName: 'test', otlpEndpoint: `http://127.0.0.1:${port}` });
    await inSpan('a span to export', {}, async () => undefined);
    await expect(tracing.shutdown()).resolves.toBeUndefined();
    silent.close();
  });
});
