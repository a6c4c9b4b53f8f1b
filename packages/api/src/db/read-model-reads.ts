import type { Logger } from '@delivery/events';
import type { Kysely } from 'kysely';
import { withTimeout } from '../health/readiness';
import { readReplicaStatus, type ReplicaStatus } from './replica-status.repository';

/** How the replica looks to the API: `ok` takes reads; `lagging` and `down` send them to the primary. */
export interface ReplicaHealth {
  state: 'ok' | 'lagging' | 'down';
  /** Seconds behind the primary at the last check; null when it could not be read or is not replicating. */
  lagSeconds: number | null;
}

export interface ReadModelReadsOptions<DB> {
  primary: Kysely<DB>;
  /** The replica (`MYSQL_READ_URL`); without one every read goes to the primary. */
  replica?: Kysely<DB>;
  logger: Logger;
  /** A replica further behind than this takes no reads (default 2 s). */
  maxLagSeconds?: number;
  /** How often the replica's status is read (default 1 s): a replica that stops or falls behind loses its reads within this. */
  checkIntervalMs?: number;
  /** A read the replica has not answered within this is asked of the primary instead (default 1 s). */
  readTimeoutMs?: number;
}

/** Where the read model is read: the replica while it is up and close behind, otherwise the primary. */
export interface ReadModelReads<DB> {
  /** The event store's database, which the projection writes: never behind the projection. */
  readonly primary: Kysely<DB>;
  /**
   * Runs a read-model query on the replica when it is healthy, else on the primary. A replica read that
   * fails or takes longer than the read timeout is run again on the primary, so a replica that stops
   * between two checks costs at most that timeout, never a failed read.
   */
  read<T>(query: (db: Kysely<DB>) => Promise<T>): Promise<T>;
  /** The replica as last seen; null when there is none. */
  replicaHealth(): ReplicaHealth | null;
  /** Checks the replica now instead of at the next interval, and answers what it found. */
  checkReplica(): Promise<ReplicaHealth | null>;
  /** Reads answered so far by each server (a replica read that failed counts for the primary that answered). */
  readsServed(): { replica: number; primary: number };
  /** Stops checking the replica (its pool is the caller's to close). */
  close(): void;
}

/**
 * Routes read-model reads between a MariaDB replica and the primary, checking the replica's lag in the
 * background. Reads that must see a given write (`minVersion`) ask the primary when the replica's answer is
 * older: the replica only ever saves the primary work.
 * @example const reads = createReadModelReads({ primary, replica, logger }); await reads.read((db) => listOrders(db, {}));
 */
export function createReadModelReads<DB>(options: ReadModelReadsOptions<DB>): ReadModelReads<DB> {
  const { primary, replica, logger } = options;
  const maxLagSeconds = options.maxLagSeconds ?? 2;
  const readTimeoutMs = options.readTimeoutMs ?? 1_000;
  const served = { replica: 0, primary: 0 };
  const readPrimary = <T>(query: (db: Kysely<DB>) => Promise<T>) => {
    served.primary++;
    return query(primary);
  };
  if (!replica) {
    return {
      primary,
      read: readPrimary,
      replicaHealth: () => null,
      checkReplica: () => Promise.resolve(null),
      readsServed: () => ({ ...served }),
      close: () => undefined,
    };
  }

  // Down until the first check says otherwise: no read goes to a replica nobody has looked at.
  let health: ReplicaHealth = { state: 'down', lagSeconds: null };
  const judge = (next: ReplicaHealth) => {
    if (next.state !== health.state) logger.info({ replica: next }, `read-model replica ${next.state}`);
    health = next;
  };
  const check = async () => {
    try {
      judge(
        replicaHealthOf(await withTimeout(readReplicaStatus(replica), readTimeoutMs, `the replica did not answer within ${readTimeoutMs} ms`), maxLagSeconds),
      );
    } catch (error) {
      if (health.state !== 'down') logger.warn({ err: error }, 'read-model replica check failed');
      judge({ state: 'down', lagSeconds: null });
    }
  };
  let checking = check();
  const timer = setInterval(() => {
    // One check at a time: a hung replica must not pile them up.
    checking = checking.then(check);
  }, options.checkIntervalMs ?? 1_000);
  timer.unref();

  return {
    primary,
    async read(query) {
      if (health.state !== 'ok') return readPrimary(query);
      try {
        const result = await withTimeout(query(replica), readTimeoutMs, `the replica did not answer within ${readTimeoutMs} ms`);
        served.replica++;
        return result;
      } catch (error) {
        logger.warn({ err: error }, 'read-model replica read failed; reading the primary');
        judge({ state: 'down', lagSeconds: health.lagSeconds });
        return readPrimary(query);
      }
    },
    replicaHealth: () => health,
    async checkReplica() {
      checking = checking.then(check);
      await checking;
      return health;
    },
    readsServed: () => ({ ...served }),
    close: () => clearInterval(timer),
  };
}

/** What a replica's own status means for reads: one that does not replicate is down, one too far behind is lagging. */
export function replicaHealthOf(status: ReplicaStatus, maxLagSeconds: number): ReplicaHealth {
  if (!status.replicating || status.lagSeconds === null) return { state: 'down', lagSeconds: null };
  return { state: status.lagSeconds > maxLagSeconds ? 'lagging' : 'ok', lagSeconds: status.lagSeconds };
}
