import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@delivery/events/testing';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../../scripts/mariadb-replica.sh', import.meta.url));

export interface TestMariadbPair {
  /** The primary's database (MYSQL_URL). */
  primaryUrl: string;
  /** The same database on the replica (MYSQL_READ_URL). */
  replicaUrl: string;
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  /** Stops both servers (by the pids the script recorded) and removes their data folders. */
  stop(): Promise<void>;
}

/**
 * A MariaDB primary and GTID replica of this test's own (`scripts/mariadb-replica.sh`) on free ports and a
 * temporary folder, beside the machine's server. Always `stop()` it in a finally block.
 */
export async function startTestMariadbPair(): Promise<TestMariadbPair> {
  const dir = await mkdtemp(join(tmpdir(), 'delivery-mariadb-pair-'));
  const ports = await Promise.all([freePort(), freePort()]);
  const env = { ...process.env, MARIADB_PAIR_DIR: dir, MARIADB_PAIR_PORTS: ports.join(' ') };
  const script = (command: string) => run('bash', [SCRIPT, command], { env, timeout: 120_000 });
  const stop = async () => {
    await script('stop');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const { stdout } = await script('start');
    const url = (name: string) => /^MYSQL\w*_URL=(.+)$/m.exec(stdout.split('\n').find((line) => line.startsWith(`${name}=`)) ?? '')?.[1];
    const primaryUrl = url('MYSQL_URL');
    const replicaUrl = url('MYSQL_READ_URL');
    if (!primaryUrl || !replicaUrl) throw new Error(`mariadb-replica.sh printed no URLs:\n${stdout}`);
    return {
      primaryUrl,
      replicaUrl,
      stopReplica: () => script('stop-replica').then(() => undefined),
      startReplica: () => script('start-replica').then(() => undefined),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
