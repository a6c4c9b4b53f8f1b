import { randomUUID } from 'node:crypto';
import { sqlBackends } from '@delivery/projections/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateWorkers } from '../migrations/migrate-workers';
import { findEmailLog, findEmailLogs, listEmailLogForOrder, recordEmailsSent } from './email-log.repository';
import type { EmailLogDatabase, NewEmailLogRow } from './email-log.table';

describe.each(sqlBackends)('email log on $name', (backend) => {
  let db: Kysely<EmailLogDatabase>;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await backend.createDatabase<EmailLogDatabase>());
    // Several workers start at once.
    await Promise.all([migrateWorkers(db), migrateWorkers(db)]);
    await migrateWorkers(db);
  });
  afterAll(async () => {
    await drop?.();
  });

  const sent = (overrides: Partial<NewEmailLogRow> = {}): NewEmailLogRow => {
    const eventId = overrides.event_id ?? randomUUID();
    return {
      event_id: eventId,
      order_id: randomUUID(),
      recipient: 'alice@example.com',
      sent_at: new Date('2026-03-01T12:00:00.123Z'),
      message_id: `<${eventId}@delivery.test>`,
      ...overrides,
    };
  };

  it('gives back what was recorded, to the millisecond', async () => {
    const row = sent();
    await recordEmailsSent(db, [row]);
    expect(await findEmailLog(db, row.event_id)).toEqual(row);
    expect(await findEmailLog(db, randomUUID())).toBeUndefined();
  });

  it('keeps the first record of an event and ignores a second one', async () => {
    const first = sent();
    await recordEmailsSent(db, [first]);
    await recordEmailsSent(db, [{ ...first, recipient: 'bob@example.com', sent_at: new Date('2026-03-01T12:00:05.000Z') }]);
    expect(await findEmailLog(db, first.event_id)).toEqual(first);
    expect(await listEmailLogForOrder(db, first.order_id)).toEqual([first]);
  });

  it('stores one record when workers racing on a redelivery record it at once', async () => {
    const row = sent();
    await Promise.all(Array.from({ length: 5 }, () => recordEmailsSent(db, [row])));
    expect(await listEmailLogForOrder(db, row.order_id)).toEqual([row]);
  });

  it('lists the emails of an order oldest first', async () => {
    const orderId = randomUUID();
    const later = sent({ order_id: orderId, sent_at: new Date('2026-03-01T12:00:02.000Z') });
    const earlier = sent({ order_id: orderId, sent_at: new Date('2026-03-01T12:00:01.000Z') });
    await recordEmailsSent(db, [later]);
    await recordEmailsSent(db, [earlier]);
    expect(await listEmailLogForOrder(db, orderId)).toEqual([earlier, later]);
  });

  it('records several emails at once, ignoring the one already recorded, and finds them in one read', async () => {
    const earlier = sent();
    await recordEmailsSent(db, [earlier]);
    const [first, second] = [sent(), sent()];
    await recordEmailsSent(db, [first, { ...earlier, recipient: 'bob@example.com' }, second]);
    const found = await findEmailLogs(db, [earlier.event_id, first.event_id, second.event_id, randomUUID()]);
    const byId = (rows: NewEmailLogRow[]) => [...rows].sort((a, b) => a.event_id.localeCompare(b.event_id));
    expect(byId(found)).toEqual(byId([earlier, first, second]));
    expect(await findEmailLogs(db, [])).toEqual([]);
  });

  it('refuses a record that does not fit rather than storing it cut short', async () => {
    const row = sent({ recipient: `${'a'.repeat(320)}@example.com` });
    await expect(recordEmailsSent(db, [row])).rejects.toThrow();
    expect(await findEmailLog(db, row.event_id)).toBeUndefined();
  });
});
