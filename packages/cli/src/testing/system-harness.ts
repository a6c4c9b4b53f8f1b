import { createTestMysqlDatabase, createTestPostgresDatabase, createTestVhost, freePort } from '@delivery/events/testing';
import { signToken } from '@delivery/api';
import { startSmtpCapture, type SmtpCapture } from '@delivery/workers/testing';
import type { ProcessName } from '../entry-points';
import { startManagedProcess, type ManagedProcess } from './managed-process';
import { TESTS_RUN_BUILT_CODE, testedNodeArgs } from './tested-code';
import { waitUntilReady } from './wait-until-ready';

const AUTH_SECRET = 'e2e-secret-of-at-least-thirty-two-characters';

export interface RunningSystem {
  apiUrl: string;
  smtp: SmtpCapture;
  env: Record<string, string>;
  processes: ManagedProcess[];
  /** Starts one more process of the system (another worker instance, or one that was killed). */
  start(name: ProcessName): Promise<ManagedProcess>;
  customerToken(sub: string, email?: string): Promise<string>;
  vendorToken(): Promise<string>;
  adminToken(): Promise<string>;
  /** Ends every process this harness started (by pid), then drops its databases and vhost. */
  stop(): Promise<void>;
}

export interface StartSystemOptions {
  deliveryDelayMs: number;
  processes: ProcessName[];
  /** Services of the test's own instead of the machine's (a broker cluster, a database primary and replica). */
  services?: { amqpUrl?: string; mysqlUrl?: string; mysqlReadUrl?: string };
  /** `built` runs the compiled entry points with node, as production does, `source` the TypeScript under tsx; default: `TESTS_RUN_BUILT_CODE`. */
  code?: 'source' | 'built';
  /** More environment for every process (say, OTEL_EXPORTER_OTLP_ENDPOINT). */
  env?: Record<string, string>;
}

/** What a service the test brought itself needs of this harness: nothing to create, nothing to drop. */
const broughtIn = (url: string) => ({ url, drop: async () => undefined });

/**
 * The whole system as separate processes on databases, a vhost and an SMTP server of this test's own.
 * @example const system = await startSystem({ deliveryDelayMs: 300, processes: ['api', 'relay', 'email', 'vendor', 'projection'] });
 */
export async function startSystem(options: StartSystemOptions): Promise<RunningSystem> {
  const { services = {} } = options;
  const [mysql, postgres, vhost, smtp, port] = await Promise.all([
    services.mysqlUrl ? broughtIn(services.mysqlUrl) : createTestMysqlDatabase('e2e'),
    createTestPostgresDatabase(),
    services.amqpUrl ? broughtIn(services.amqpUrl) : createTestVhost('delivery_e2e'),
    startSmtpCapture(),
    freePort(),
  ]);
  const apiUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    MYSQL_URL: mysql.url,
    POSTGRES_URL: postgres.url,
    AMQP_URL: vhost.url,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'orders@delivery.test',
    AUTH_SECRET,
    PORT: String(port),
    API_URL: apiUrl,
    PUBLIC_URL: apiUrl,
    DELIVERY_DELAY_MS: String(options.deliveryDelayMs),
    // Scenarios place many orders as one customer in a few seconds; the limits have tests of their own.
    ORDER_RATE_LIMIT: '10000',
    // A subscription to an order nobody may see ends with NOT_FOUND after this bound (10 s by default).
    UNKNOWN_ORDER_WAIT_MS: '1000',
    VENDOR_TOKEN: await signToken(AUTH_SECRET, { sub: 'vendor-worker', role: 'vendor' }, '1h'),
    ...(services.mysqlReadUrl ? { MYSQL_READ_URL: services.mysqlReadUrl } : {}),
    ...options.env,
  };
  const processes: ManagedProcess[] = [];

  const start = async (name: ProcessName) => {
    const managed = startManagedProcess(name, testedNodeArgs(name, options.code ? options.code === 'built' : TESTS_RUN_BUILT_CODE), env);
    processes.push(managed);
    if (name === 'api') await waitUntilReady(apiUrl, managed);
    else await managed.waitForLog((line) => line.msg === 'started');
    return managed;
  };

  const stop = async () => {
    await Promise.all(processes.map((managed) => managed.kill('SIGTERM')));
    await smtp.close();
    await Promise.allSettled([mysql.drop(), postgres.drop(), vhost.drop()]);
  };

  try {
    // The API first: it creates the databases and runs the migrations the workers read.
    for (const name of options.processes) await start(name);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    apiUrl,
    smtp,
    env,
    processes,
    start,
    customerToken: (sub, email = `${sub}@example.com`) => signToken(AUTH_SECRET, { sub, role: 'customer', email }, '1h'),
    vendorToken: () => signToken(AUTH_SECRET, { sub: 'vendor-e2e', role: 'vendor' }, '1h'),
    adminToken: () => signToken(AUTH_SECRET, { sub: 'admin-e2e', role: 'admin' }, '1h'),
    stop,
  };
}
