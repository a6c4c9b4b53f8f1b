import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../shared/logger';
import { createTestVhost, type TestVhost } from '../testing/rabbitmq';
import { createAmqpConnection, type AmqpConnection } from './amqp-connection';
import { assertTopology, ORDER_QUEUES, parkedQueueName } from './topology';

describe('topology over parking queues an older release left classic', () => {
  let vhost: TestVhost;
  let connection: AmqpConnection;
  beforeAll(async () => {
    vhost = await createTestVhost();
    connection = createAmqpConnection({ url: vhost.url, logger: silentLogger, name: 'topology-test' });
  });
  afterAll(async () => {
    await connection?.close();
    await vhost?.drop();
  });

  const isClassic = async (queue: string) => {
    const probe = await (await connection.whenConnected()).createChannel();
    probe.on('error', () => undefined);
    // Declaring without arguments succeeds only on a classic queue.
    return probe.assertQueue(queue, { durable: true }).then(
      async () => (await probe.close(), true),
      () => false,
    );
  };

  it('upgrades an empty one to quorum, and keeps one holding messages (warning) with its messages', async () => {
    const model = await connection.whenConnected();
    const setup = await model.createChannel();
    const [empty, holding] = [parkedQueueName(ORDER_QUEUES.confirmation), parkedQueueName(ORDER_QUEUES.process)];
    await setup.assertQueue(empty, { durable: true });
    await setup.assertQueue(holding, { durable: true });
    setup.sendToQueue(holding, Buffer.from('{"parked":true}'), { persistent: true });
    await setup.close();
    const lines: string[] = [];

    await assertTopology(model, createLogger({ name: 'topology-test', destination: { write: (line) => void lines.push(line) } }));

    expect(await isClassic(empty)).toBe(false);
    expect(await isClassic(holding)).toBe(true);
    const check = await model.createChannel();
    expect((await check.checkQueue(holding)).messageCount).toBe(1);
    expect((await check.checkQueue(ORDER_QUEUES.process)).consumerCount).toBe(0);
    await check.close();
    expect(lines.join('\n')).toMatch(new RegExp(`"queue":"${holding.replace('.', '\\.')}".*classic queue holding messages`));
    expect(lines.join('\n')).toMatch(/upgraded an empty classic parking queue/);
  });
});
