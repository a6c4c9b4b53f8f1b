import { createMysqlDb, createMysqlEventStore, type Logger, migrateEventStore } from '@delivery/events';
import type { ThrowawayDatabases } from '../lib/throwaway-databases';
import type { AppendTargetFactory } from './append-target';

/** Our MySQL event store as the API uses it: one append = stream lock, version check, outbox, counter. */
export const eventStoreTarget =
  (databases: ThrowawayDatabases): AppendTargetFactory =>
  async ({ poolSize }) => {
    const database = await databases.mysql();
    const db = createMysqlDb(database.url, { poolSize });
    try {
      await migrateEventStore(db);
    } catch (error) {
      await db.destroy();
      await database.drop();
      throw error;
    }
    const races = countingLogger();
    const store = createMysqlEventStore({ db, logger: races.logger });
    return {
      subject: 'event store (MariaDB)',
      async appendNew(streamId, event) {
        await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });
      },
      async appendExisting(streamId, event, version) {
        await store.appendToStream(streamId, [event], { expectedVersion: version });
      },
      diagnostics: races.describe,
      async close() {
        await db.destroy();
        await database.drop();
      },
    };
  };

/** Counts the store's "lost a lock race" debug lines by errno: each one is a rolled-back, retried attempt. */
function countingLogger(): { logger: Logger; describe(): string | undefined } {
  const byErrno = new Map<string, number>();
  const ignore = () => undefined;
  const logger: Logger = {
    info: ignore,
    warn: ignore,
    error: ignore,
    debug(obj: object) {
      const errno = 'errno' in obj ? String(obj.errno) : 'unknown';
      byErrno.set(errno, (byErrno.get(errno) ?? 0) + 1);
    },
    child: () => logger,
  };
  return {
    logger,
    describe() {
      if (byErrno.size === 0) return undefined;
      const total = [...byErrno.values()].reduce((sum, count) => sum + count, 0);
      return `${total} retried lock races (${[...byErrno].map(([errno, count]) => `errno ${errno} ×${count}`).join(', ')})`;
    },
  };
}
