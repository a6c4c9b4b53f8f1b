import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@delivery/events/testing';
import { resolveDeliveryMode } from './delivery-mode';

describe('which mode start all runs', () => {
  let listening: Server;
  let openPort: number;
  let closedPorts: Record<string, number>;

  beforeAll(async () => {
    listening = createServer();
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    openPort = (listening.address() as { port: number }).port;
    closedPorts = { MariaDB: await freePort(), PostgreSQL: await freePort(), RabbitMQ: await freePort() };
  });
  afterAll(() => new Promise<void>((resolve) => listening.close(() => resolve())));

  it('runs embedded when nothing is configured and nothing answers, and says where it looked', async () => {
    const { mode, reason } = await resolveDeliveryMode({}, closedPorts);
    expect(mode).toBe('embedded');
    expect(reason).toContain(`MariaDB :${closedPorts.MariaDB}`);
  });

  it('runs with the services when one answers on its port', async () => {
    expect(await resolveDeliveryMode({}, { ...closedPorts, PostgreSQL: openPort })).toEqual({
      mode: 'services',
      reason: `PostgreSQL answers on :${openPort}`,
    });
  });

  it('runs with the services when one is configured, answering or not', async () => {
    expect(await resolveDeliveryMode({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' }, closedPorts)).toEqual({ mode: 'services', reason: 'AMQP_URL set' });
  });

  it('does what DELIVERY_MODE says, and refuses a mode it does not know', async () => {
    expect((await resolveDeliveryMode({ DELIVERY_MODE: 'embedded', MYSQL_URL: 'mysql://x' }, { PostgreSQL: openPort })).mode).toBe('embedded');
    expect((await resolveDeliveryMode({ DELIVERY_MODE: 'services' }, closedPorts)).mode).toBe('services');
    await expect(resolveDeliveryMode({ DELIVERY_MODE: 'cloud' })).rejects.toThrow('DELIVERY_MODE: must be services or embedded (got "cloud")');
  });
});
