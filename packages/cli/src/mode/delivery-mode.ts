import { connect } from 'node:net';

/** `services`: MariaDB, PostgreSQL and RabbitMQ; `embedded`: everything in one process on PGlite. */
export type DeliveryMode = 'services' | 'embedded';

const SERVICE_VARIABLES = ['MYSQL_URL', 'POSTGRES_URL', 'AMQP_URL'] as const;
/** Where each service answers on this machine by default (API.md's URLs). */
const DEFAULT_SERVICE_PORTS: Readonly<Record<string, number>> = { MariaDB: 3306, PostgreSQL: 5432, RabbitMQ: 5672 };

/** True when something accepts a TCP connection on 127.0.0.1:`port` within `timeoutMs`. */
function answers(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Which mode `start all` runs, and why (for the log line at start): `DELIVERY_MODE` when set; else
 * `services` when a service is configured or any answers on its default port; else `embedded`.
 * @throws Error for a DELIVERY_MODE other than services or embedded.
 * @example const { mode, reason } = await resolveDeliveryMode(process.env);
 */
export async function resolveDeliveryMode(
  env: Record<string, string | undefined>,
  ports: Readonly<Record<string, number>> = DEFAULT_SERVICE_PORTS,
): Promise<{ mode: DeliveryMode; reason: string }> {
  const asked = env.DELIVERY_MODE?.trim();
  if (asked === 'services' || asked === 'embedded') return { mode: asked, reason: `DELIVERY_MODE=${asked}` };
  if (asked) throw new Error(`DELIVERY_MODE: must be services or embedded (got "${asked}")`);
  const configured = SERVICE_VARIABLES.filter((name) => env[name]);
  if (configured.length > 0) return { mode: 'services', reason: `${configured.join(', ')} set` };
  const probes = await Promise.all(Object.entries(ports).map(async ([name, port]) => ({ name, port, open: await answers(port) })));
  const up = probes.filter((probe) => probe.open);
  if (up.length > 0) return { mode: 'services', reason: `${up.map((probe) => `${probe.name} answers on :${probe.port}`).join(', ')}` };
  const where = probes.map((probe) => `${probe.name} :${probe.port}`).join(', ');
  return { mode: 'embedded', reason: `no service configured and none answers on 127.0.0.1 (${where})` };
}
