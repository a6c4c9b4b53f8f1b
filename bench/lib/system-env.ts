import { signToken } from '@delivery/api';
import type { ProcessFolder, SystemProcess } from './system-process';
import { startSystemProcess, waitUntilReady } from './system-process';

export interface SystemEnvOptions {
  mysqlUrl: string;
  postgresUrl: string;
  amqpUrl: string;
  authSecret: string;
  apiPort: number;
  smtpUrl?: string;
  /** How long the vendor worker waits between accepting and delivering an order. */
  deliveryDelayMs?: number;
}

/**
 * The environment every process of the system gets in a scenario, as the end-to-end harness sets it
 * (packages/cli/src/testing/system-harness.ts) but for production: NODE_ENV=production, logs at info
 * (JSON lines to a file), the throwaway databases and vhost, the API on 127.0.0.1:<apiPort>.
 * @example const env = await systemEnv({ mysqlUrl, postgresUrl, amqpUrl, authSecret, apiPort: await freePort() });
 */
export async function systemEnv(options: SystemEnvOptions): Promise<Record<string, string>> {
  const apiUrl = `http://127.0.0.1:${options.apiPort}`;
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    MYSQL_URL: options.mysqlUrl,
    POSTGRES_URL: options.postgresUrl,
    AMQP_URL: options.amqpUrl,
    AUTH_SECRET: options.authSecret,
    PORT: String(options.apiPort),
    API_URL: apiUrl,
    PUBLIC_URL: apiUrl,
    MAIL_FROM: 'orders@delivery.bench',
    ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
    ...(options.deliveryDelayMs === undefined ? {} : { DELIVERY_DELAY_MS: String(options.deliveryDelayMs) }),
    // The scenarios place every order as one customer, as fast as they can: the per-customer limit would be the figure.
    ORDER_RATE_LIMIT: '1000000000',
    VENDOR_TOKEN: await signToken(options.authSecret, { sub: 'vendor-worker', role: 'vendor' }, '1h'),
  };
}

/** Starts the API's process and waits until `/readyz` answers (it migrates and seeds first). */
export async function startApi(
  folder: ProcessFolder,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
  code: 'source' | 'built' = 'source',
): Promise<{ process: SystemProcess; url: string }> {
  const url = env.API_URL;
  if (!url) throw new Error('API_URL is not set');
  const api = startSystemProcess('api', folder, { env, nodeArgs, code });
  try {
    await waitUntilReady(url, api);
  } catch (error) {
    await api.stop(5_000);
    throw error;
  }
  return { process: api, url };
}

/** Starts a worker's process and waits for its "started" log line. */
export async function startWorker(
  name: 'relay' | 'email' | 'vendor' | 'projection',
  folder: ProcessFolder,
  env: Record<string, string>,
  code: 'source' | 'built' = 'source',
): Promise<SystemProcess> {
  const worker = startSystemProcess(name, folder, { env, code });
  try {
    await worker.waitForLog('"msg":"started"');
  } catch (error) {
    await worker.stop(5_000);
    throw error;
  }
  return worker;
}
