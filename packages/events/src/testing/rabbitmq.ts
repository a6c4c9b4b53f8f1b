import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);
const baseUrl = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface TestVhost {
  /** An `amqp://` URL whose vhost belongs to this test alone, so queue names match production. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A RabbitMQ vhost of this test's own (made with rabbitmqctl), deleted by `drop()`. */
export async function createTestVhost(prefix = 'delivery_test'): Promise<TestVhost> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await run('rabbitmqctl', ['-q', 'add_vhost', name]);
  await run('rabbitmqctl', ['-q', 'set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
  return {
    name,
    url: `${baseUrl.replace(/\/$/, '')}/${encodeURIComponent(name)}`,
    async drop() {
      await run('rabbitmqctl', ['-q', 'delete_vhost', name]);
    },
  };
}
