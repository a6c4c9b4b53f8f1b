import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@delivery/events/testing';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../../scripts/rabbitmq-cluster.sh', import.meta.url));

export type ClusterNode = 1 | 2 | 3;

export interface TestRabbitmqCluster {
  /** Every node, comma-separated, for AMQP_URL. */
  url: string;
  /**
   * Stops one node, gracefully or with SIGKILL as a crash would, once no quorum queue needs it for its
   * majority (a node started a moment ago may still be catching up: this is one outage at a time).
   */
  stopNode(node: ClusterNode, how: 'gracefully' | 'kill'): Promise<void>;
  /** Starts a stopped node again; it rejoins the cluster from its data folder. */
  startNode(node: ClusterNode): Promise<void>;
  /** Stops every node (by the pids the script recorded) and removes the data folder. */
  stop(): Promise<void>;
}

/**
 * A three-node RabbitMQ cluster of this test's own (`scripts/rabbitmq-cluster.sh`): its own node names, free
 * ports and a temporary data folder, beside the machine's broker. Always `stop()` it in a finally block.
 */
export async function startTestRabbitmqCluster(): Promise<TestRabbitmqCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'delivery-rabbitmq-cluster-'));
  const ports = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  const env = {
    ...process.env,
    RABBITMQ_CLUSTER_DIR: dir,
    RABBITMQ_CLUSTER_NAME: `dt${randomBytes(3).toString('hex')}`,
    RABBITMQ_CLUSTER_PORTS: ports.slice(0, 3).join(' '),
    RABBITMQ_CLUSTER_DIST_PORTS: ports.slice(3).join(' '),
  };
  const script = (...args: string[]) => run('bash', [SCRIPT, ...args], { env, timeout: 180_000 });

  const stop = async () => {
    await script('stop');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await script('start');
    const { stdout } = await script('url');
    return {
      url: stdout.trim(),
      async stopNode(node, how) {
        await script('await-quorum', String(node));
        await script('stop-node', String(node), ...(how === 'kill' ? ['--kill'] : []));
      },
      async startNode(node) {
        await script('start-node', String(node));
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
