import { createMysqlDb, migrateEventStore, type NewEvent } from '@delivery/events';
import { createPool, type PoolConnection } from 'mysql2/promise';
import { mariadbCounters } from '../lib/server-counters.repository';
import type { ThrowawayDatabases } from '../lib/throwaway-databases';
import type { AppendTargetFactory } from './append-target';
import { openTargetDatabase } from './target-database';

/*
 * The limit of this MariaDB for our rows: the same tables (migrated by migrateEventStore) and the same rows
 * an append writes (stream row, event row, outbox row) in one transaction, through the same client
 * settings, but nothing else: no isolation-level statement, no stream lock or version check, and global
 * positions from an in-process counter instead of the `event_positions` row.
 */

export const RAW_MYSQL = 'raw mysql2 inserts';

const INSERT_EVENT = `insert into events (global_position, stream_id, stream_version, event_id, event_type, data, metadata, recorded_at)
  values (?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_OUTBOX = `insert into outbox (event_id, stream_id, stream_version, event_type, correlation_id, payload, created_at)
  values (?, ?, ?, ?, ?, ?, ?)`;

export const rawMysqlTarget =
  (databases: ThrowawayDatabases): AppendTargetFactory =>
  async ({ poolSize }) => {
    const {
      database,
      client: pool,
      close,
    } = await openTargetDatabase(
      () => databases.mysql(),
      // The settings of createMysqlDb, so both sides pay the same client costs.
      (url) => createPool({ uri: url, connectionLimit: poolSize, supportBigNumbers: true, bigNumberStrings: true, timezone: 'Z' }),
      (_pool, url) => migrateThrough(url),
      (opened) => opened.end(),
    );
    let position = 0;

    const inTransaction = async (work: (connection: PoolConnection) => Promise<void>) => {
      const connection = await pool.getConnection();
      try {
        await connection.query('begin');
        await work(connection);
        await connection.query('commit');
      } catch (error) {
        await connection.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    };

    const insertEventAndOutbox = async (connection: PoolConnection, streamId: string, version: number, event: NewEvent) => {
      const now = new Date();
      const { eventId, correlationId } = event.metadata;
      await connection.query(INSERT_EVENT, [
        ++position,
        streamId,
        version,
        eventId,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        now,
      ]);
      await connection.query(INSERT_OUTBOX, [eventId, streamId, version, event.type, correlationId, JSON.stringify(event), now]);
    };

    return {
      subject: RAW_MYSQL,
      database: database.name,
      appendNew: (streamId, event) =>
        inTransaction(async (connection) => {
          await connection.query('insert into streams (stream_id, version) values (?, 1)', [streamId]);
          await insertEventAndOutbox(connection, streamId, 1, event);
        }),
      appendExisting: (streamId, event, version) =>
        inTransaction(async (connection) => {
          await connection.query('update streams set version = ? where stream_id = ?', [version + 1, streamId]);
          await insertEventAndOutbox(connection, streamId, version + 1, event);
        }),
      serverCounters: () => mariadbCounters(database.url),
      close,
    };
  };

/** The event store's own migrations, through a short-lived Kysely of their own. */
async function migrateThrough(url: string): Promise<void> {
  const migrator = createMysqlDb(url, { poolSize: 1 });
  try {
    await migrateEventStore(migrator);
  } finally {
    await migrator.destroy();
  }
}
